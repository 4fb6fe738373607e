"""The system: host facts, ``info`` and the store-wide verbs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class HostFact:
    name: str
    value: str
    ok: bool
    fix: str = ""


@dataclass(frozen=True)
class InfoReport:
    version: str
    facts: tuple[HostFact, ...] = field(default_factory=tuple)


class SystemEngine(Protocol):
    def info(self) -> InfoReport: ...

    def unshare(self, command: Sequence[str]) -> int: ...

    def migrate(self) -> bool: ...

    def reset(self) -> None: ...
