"""Secrets: the options, reports and protocol of the ``secret`` verbs (podman's)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from hutch.api.container_actions import ActionReport


@dataclass(frozen=True)
class SecretCreateOptions:
    name: str
    data: bytes  # read by the front end: a file, stdin or an environment variable
    # "" and (): containers.conf's [secrets] driver and opts (the file driver without)
    driver: str = ""
    driver_options: tuple[str, ...] = ()  # KEY=VALUE (file: path=DIR)
    labels: tuple[str, ...] = ()  # KEY[=VALUE]
    replace: bool = False  # an existing secret of that name gets the new data
    ignore: bool = False  # an existing secret of that name is kept: its id is answered


@dataclass(frozen=True)
class SecretInfo:
    """One secret, as ``secret ls`` and ``secret inspect`` show it."""

    id: str
    name: str
    driver: str
    created: float
    updated: float
    driver_options: tuple[tuple[str, str], ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    data: bytes | None = None  # inspect --showsecret only


class Secrets(Protocol):
    """``engine.secrets``."""

    def create(self, options: SecretCreateOptions) -> str: ...

    def ls(self, filters: Sequence[str]) -> list[SecretInfo]: ...

    def inspect(self, name: str, show_secret: bool) -> SecretInfo: ...

    def remove(self, names: Sequence[str], all: bool, ignore: bool) -> list[ActionReport]: ...

    def exists(self, name: str) -> bool: ...
