"""The point in time a filter's ``until=`` names, read as podman reads it.

podman (containers/common's ``timetype.GetTimestamp``, Docker's rules): a Go
duration before now (``10m``, ``1h30m``, ``-1h``; ``0`` is not one), else a
date or date-time (``2006-01-02``, ``2006-01-02T15``, ``...T15:04``,
``...T15:04:05``, a fraction, an offset or ``Z``; the local zone when none
is given), else unix seconds (``1700000000``, ``1700000000.5``). Its errors
are podman's words, which scripts see on stderr.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from hutch.util.durations import parse_duration

_DATE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?"
    r"(Z|z|[+-]\d{2}:\d{2})?"
)
_FIELDS = ("month", "day", "hour", "minute", "second")
_LOW = (1, 1, 0, 0, 0)
_HIGH = (12, 31, 23, 59, 59)
_UNIX = re.compile(r"(\d+)(?:\.(\d{1,9}))?")


class TimestampError(ValueError):
    """A value that is neither a duration, a date nor unix seconds (podman's message)."""


def filter_timestamp(value: str, now: float) -> float:
    """Seconds since the epoch that ``value`` names; TimestampError in podman's words."""
    if value != "0":
        try:
            return now - _go_duration(value)
        except ValueError:
            pass
    parsed = _date(value)
    if parsed is not None:
        return parsed
    if "-" in value:
        # Go's time.Parse failed on what looked like a date: podman prints its error
        if re.match(r"\d{4}", value) is None:  # Go's words when the year is not there
            layout = _layout(value)
            raise TimestampError(
                f'parsing time "{value}" as "{layout}": cannot parse "{value}" as "2006"'
            )
        raise TimestampError(f'parsing time "{value}": not a valid date or time')
    unix = _UNIX.fullmatch(value)
    if unix is None:
        raise TimestampError(f'failed to parse value as time or duration: "{value}"')
    return int(unix.group(1)) + int((unix.group(2) or "0").ljust(9, "0")) / 1e9


def _go_duration(value: str) -> float:
    """Go's time.ParseDuration: hutch's durations with Go's optional sign."""
    sign = -1.0 if value.startswith("-") else 1.0
    return sign * parse_duration(value[1:] if value[:1] in "+-" else value)


def _date(value: str) -> float | None:
    match = _DATE.fullmatch(value)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    if fraction is not None and second is None:
        return None
    fields = (int(year), int(month), int(day), int(hour or 0), int(minute or 0))
    checked = (*fields[1:], int(second or 0))
    for name, got, low, high in zip(_FIELDS, checked, _LOW, _HIGH, strict=True):
        if not low <= got <= high:
            raise TimestampError(f'parsing time "{value}": {name} out of range')  # Go's words
    try:
        when = datetime(*fields, int(second or 0), int((fraction or "0")[:6].ljust(6, "0")))
    except ValueError:  # the 31st of a shorter month
        raise TimestampError(f'parsing time "{value}": day out of range') from None
    if zone is None:
        return when.timestamp()  # a naive time is the local zone's, as podman's
    if zone in "Zz":
        return when.replace(tzinfo=timezone.utc).timestamp()
    sign = -1 if zone[0] == "-" else 1
    offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    return when.replace(tzinfo=timezone(sign * offset)).timestamp()


def _layout(value: str) -> str:
    """The Go layout podman tried for ``value`` (the one its error names)."""
    zoned = any(c in value for c in "zZ+") or value.count("-") == 3
    if "." in value:
        return "2006-01-02T15:04:05.999999999" + ("Z07:00" if zoned else "")
    if "T" in value:
        colons = value.count(":") - (1 if zoned and not any(c in value for c in "zZ") else 0)
        base = ("2006-01-02T15", "2006-01-02T15:04")[colons] if colons < 2 else ""
        if not base:
            return "2006-01-02T15:04:05" + ("Z07:00" if zoned else "")
        return base + ("Z07:00" if zoned else "")
    return "2006-01-02" + ("Z07:00" if zoned else "")
