"""Per-name reports -> exceptions: a script asks for one thing and gets it, or an error.

The API service turns a report into Docker's status through these too
(``report_error``, then its error table): one reading of the engine's words.
"""

from __future__ import annotations

from collections.abc import Sequence

from hutch.api.containers import ActionReport
from hutch.api.errors import Conflict, HutchError, NoSuchObject
from hutch.api.images import RemoveReport

_MISSING_WORDS = ("no such", "not known", "not found")
# A state that forbids the action (Docker answers these 409)
_CONFLICT_WORDS = ("running", "paused", "already", "in use", "being used", "is stopped")


def checked(reports: Sequence[ActionReport]) -> list[str]:
    """The ids of ``reports``; the first failure raised (``NoSuchObject`` for a missing
    object, ``Conflict`` for one in the wrong state, else ``HutchError``)."""
    for report in reports:
        if report.error is not None:
            raise report_error(report.error, report.exit_code)
    return [r.id or r.name for r in reports]


def checked_removals(reports: Sequence[RemoveReport]) -> list[RemoveReport]:
    for report in reports:
        if report.error is not None:
            raise report_error(report.error, report.exit_code)
    return list(reports)


def report_error(message: str, exit_code: int) -> HutchError:
    """The error a report's words and exit code (podman's 2: in use) stand for."""
    lowered = message.lower()
    if any(word in lowered for word in _MISSING_WORDS):
        return NoSuchObject(message)
    if exit_code == 2 or any(word in lowered for word in _CONFLICT_WORDS):
        return Conflict(message)
    return HutchError(message)
