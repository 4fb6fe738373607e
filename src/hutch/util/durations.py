"""Go-style durations (``1h30m``, ``250ms``) and podman's time arguments."""

from __future__ import annotations

import re
import time

_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
# RFC 3339 as Go and hutch write it (an image's ``created``): read without strptime,
# whose first call imports _strptime, calendar and locale (about 2.5 ms of ``hutch
# images``), and without datetime (0.6 ms more). Any other form still goes to
# strptime below.
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6})\d*)?(Z|[+-]\d{2}:?\d{2})?"
)


def parse_duration(text: str) -> float:
    """Seconds in a Go duration string; ValueError if it is not one."""
    text = text.strip()
    if not text:
        raise ValueError("empty duration")
    if text == "0":
        return 0.0
    pos = 0
    total = 0.0
    for match in _PART.finditer(text):
        if match.start() != pos:
            raise ValueError(f"invalid duration {text!r}")
        total += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    if pos != len(text):
        raise ValueError(f"invalid duration {text!r}")
    return total


_GO_UNITS = {**_UNITS, "μs": 1e-6}  # Go takes both micro signs
_GO_NUMBER = re.compile(r"(\d*)(?:\.(\d*))?")
_GO_UNIT = re.compile(r"[^\d.]*")


def go_duration(text: str) -> float:
    """Seconds in ``text`` as Go's time.ParseDuration reads it (a sign, ``1h2m``,
    ``.5s``); a ValueError carries Go's words, which podman prints after its own."""
    quoted = f'"{text}"'
    rest = text[1:] if text[:1] in ("+", "-") else text
    if rest == "0":
        return 0.0
    if not rest:
        raise ValueError(f"time: invalid duration {quoted}")
    total = 0.0
    while rest:
        number = _GO_NUMBER.match(rest)
        assert number is not None  # every part of it may be empty
        whole, fraction = number.group(1), number.group(2)
        if not whole and not fraction:
            raise ValueError(f"time: invalid duration {quoted}")
        rest = rest[number.end() :]
        unit = _GO_UNIT.match(rest)
        assert unit is not None
        name = unit.group(0)
        if not name:
            raise ValueError(f"time: missing unit in duration {quoted}")
        if name not in _GO_UNITS:
            raise ValueError(f'time: unknown unit "{name}" in duration {quoted}')
        total += float(f"{whole or 0}.{fraction or 0}") * _GO_UNITS[name]
        rest = rest[unit.end() :]
    return -total if text.startswith("-") else total


def parse_time(text: str, now: float | None = None) -> float:
    """A point in time: RFC 3339, a date, unix seconds, or a duration before now."""
    now = time.time() if now is None else now
    try:
        return now - parse_duration(text)
    except ValueError:
        pass
    unix = _unix_seconds(text)
    return _timestamp(text) if unix is None else unix


def parse_input_time(text: str, *, since: bool, now: float | None = None) -> float:
    """``--since``/``--until`` of ``logs`` and ``events`` as podman reads them (its
    ParseInputTime): a time or a date first, then unix seconds (so ``0`` is 1970, not
    now), then a Go duration, a sign allowed, counted back from now for ``--since`` and
    on from now for ``--until`` (``--until 10m``: ten minutes ahead)."""
    try:
        return _timestamp(text)
    except ValueError:
        pass
    unix = _unix_seconds(text)
    if unix is not None:
        return unix
    sign = -1.0 if text.startswith("-") else 1.0
    duration = sign * parse_duration(text[1:] if text[:1] in "+-" else text)
    now = time.time() if now is None else now
    return now - duration if since else now + duration


def _unix_seconds(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _timestamp(text: str) -> float:
    """RFC 3339 (nanoseconds allowed), with or without a zone, or a date; ValueError."""
    quick = _rfc3339(text)
    if quick is not None:
        return quick
    from datetime import datetime, timezone  # here: the common form needs neither

    # RFC 3339 allows nanoseconds (``logs -t`` prints them); strptime takes six digits.
    cleaned = re.sub(r"(\.\d{6})\d+", r"\1", text.replace("Z", "+0000"))
    for fmt in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed.timestamp()
    raise ValueError(f"invalid time {text!r}: use RFC 3339, unix seconds or a duration")


def _rfc3339(text: str) -> float | None:
    """``text`` in the common RFC 3339 form, as strptime would read it; None: not that
    form (or out of range), for strptime to read or refuse. The same float that
    ``datetime(...).timestamp()`` gives (whole microseconds over 10**6), and None
    where datetime would refuse the date, time or offset."""
    match = _RFC3339.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    fraction, offset = match.group(7), match.group(8)
    if not (1 <= month <= 12 and 1 <= day <= _month_days(year, month) and year >= 1):
        return None
    if hour > 23 or minute > 59 or second > 59:
        return None
    shift = 0  # the offset, in seconds east of UTC
    if offset and offset != "Z":
        digits = offset[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:])
        if minutes >= 24 * 60:  # datetime's timezone takes less than a day
            return None
        shift = (-1 if offset[0] == "-" else 1) * minutes * 60
    seconds = _days_since_epoch(year, month, day) * 86400 + hour * 3600 + minute * 60
    seconds += second - shift
    micros = int(fraction.ljust(6, "0")) if fraction else 0  # %f: "5" is 500000 µs
    return (seconds * 10**6 + micros) / 10**6


def _month_days(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _days_since_epoch(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 to the date in the proleptic Gregorian calendar (the
    civil-from-days count in eras of 400 years, which repeat exactly)."""
    year -= month <= 2  # the year counted from March: the leap day falls at its end
    era = year // 400
    of_era = year - era * 400
    of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    of_era_days = of_era * 365 + of_era // 4 - of_era // 100 + of_year
    return era * 146097 + of_era_days - 719468
