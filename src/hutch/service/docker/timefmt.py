"""Docker's way of writing a point in time: RFC 3339 with nanoseconds."""

from __future__ import annotations

import re
from datetime import datetime, timezone

ZERO_TIME = "0001-01-01T00:00:00Z"  # Go's zero time.Time, as Docker prints an unset one


def rfc3339(ts: float) -> str:
    """``2026-12-03T18:40:01.123456789Z`` (Go's RFC3339Nano; 0 is Go's zero time)."""
    if not ts:
        return ZERO_TIME
    whole = int(ts)
    nanos = round((ts - whole) * 1e9)
    if nanos >= 10**9:
        whole, nanos = whole + 1, nanos - 10**9
    text = datetime.fromtimestamp(whole, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    fraction = f"{nanos:09d}".rstrip("0")
    return f"{text}.{fraction}Z" if fraction else f"{text}Z"


def seconds_of(text: str | None) -> int:
    """Unix seconds of an RFC 3339 time (nanoseconds and offsets allowed); 0 if unreadable."""
    if not text:
        return 0
    cleaned = re.sub(r"(\.\d{6})\d+", r"\1", text.strip()).replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError:
        return 0
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return int(parsed.timestamp())
