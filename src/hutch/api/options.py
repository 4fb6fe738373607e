"""Options the CLI (or the REST API) hands to the engine: plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RunOptions:
    image: str
    command: tuple[str, ...] = ()
    remove: bool = False
    interactive: bool = False
    tty: bool = False
    env: tuple[str, ...] = ()
    env_files: tuple[str, ...] = ()
    workdir: str | None = None
    user: str | None = None
    entrypoint: str | None = None
    hostname: str | None = None
    name: str | None = None
    network: str = "none"


@dataclass(frozen=True)
class ImportOptions:
    source: str  # a path, or "-" for standard input
    reference: str | None = None
    changes: tuple[str, ...] = ()
    message: str | None = None


@dataclass(frozen=True)
class RemoveImageOptions:
    names: tuple[str, ...]
    force: bool = False
    all: bool = False
    ignore: bool = False
