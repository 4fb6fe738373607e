"""Options of the commands that work on a container's file system: cp, diff, commit, export."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CopyOptions:
    """``hutch cp``: one side is ``CTR:PATH``, either may be ``-`` (a tar stream)."""

    source: str
    destination: str
    archive: bool = True  # chown what lands in a container to its primary user (podman)
    overwrite: bool = False


@dataclass(frozen=True)
class CommitOptions:
    container: str
    image: str | None = None
    changes: tuple[str, ...] = ()
    message: str | None = None
    author: str | None = None
    pause: bool = True
    format: str = "oci"  # oci or docker
    squash: bool = False
    iidfile: str | None = None


@dataclass(frozen=True)
class ExportOptions:
    container: str
    output: str | None = None  # None: standard output
