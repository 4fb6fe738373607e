"""Errors as Docker answers them: a status code and ``{"message": "..."}``.

Handlers raise ``ApiError`` for what is wrong with the request itself; the
engine's own errors (``hutch.api.errors``) are mapped here, in one place, as
the CLI maps them to exit codes in one place.
"""

from __future__ import annotations

from hutch.api.errors import (
    CannotInvoke,
    CommandNotFound,
    Conflict,
    HostNotReady,
    HutchError,
    InvalidArgument,
    NoSuchObject,
    UnsafeArchive,
)


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(message: str) -> ApiError:
    return ApiError(404, message)


# Most specific first: ImageInUse is a Conflict, and so on.
_STATUS: tuple[tuple[type[HutchError], int], ...] = (
    (NoSuchObject, 404),
    (Conflict, 409),
    (InvalidArgument, 400),
    (UnsafeArchive, 400),
    (CommandNotFound, 400),
    (CannotInvoke, 400),
    (HostNotReady, 500),
)


def status_of(exc: HutchError) -> int:
    for kind, status in _STATUS:
        if isinstance(exc, kind):
            return status
    return 500


def message_of(exc: HutchError) -> str:
    return f"{exc.message} ({exc.hint})" if exc.hint else exc.message
