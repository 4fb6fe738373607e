"""Per-name reports -> exceptions: a script asks for one thing and gets it, or an error."""

from __future__ import annotations

from collections.abc import Sequence

from hutch.api.containers import ActionReport
from hutch.api.errors import Conflict, HutchError, NoSuchObject
from hutch.api.images import RemoveReport


def checked(reports: Sequence[ActionReport]) -> list[str]:
    """The ids of ``reports``; the first failure raised (``NoSuchObject`` for a missing
    object, ``Conflict`` for one in the wrong state, else ``HutchError``)."""
    for report in reports:
        if report.error is not None:
            raise _error(report.error, report.exit_code)
    return [r.id or r.name for r in reports]


def checked_removals(reports: Sequence[RemoveReport]) -> list[RemoveReport]:
    for report in reports:
        if report.error is not None:
            raise _error(report.error, report.exit_code)
    return list(reports)


def _error(message: str, exit_code: int) -> HutchError:
    lowered = message.lower()
    if "no such" in lowered or "not known" in lowered or "not found" in lowered:
        return NoSuchObject(message)
    if exit_code == 2 or "in use" in lowered or "being used" in lowered or "running" in lowered:
        return Conflict(message)
    return HutchError(message)
