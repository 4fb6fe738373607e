"""Results of the file-system commands (diff, commit)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    """One line of ``hutch diff``: ``kind`` is A (added), C (changed) or D (deleted)."""

    kind: str
    path: str


@dataclass(frozen=True)
class CommitReport:
    id: str
    names: tuple[str, ...]
