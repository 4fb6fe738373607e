"""Docker's human durations (go-units' ``HumanDuration``): ``Up 5 minutes``, ``2 hours ago``.

Shared by the front ends that print them: the CLI's ``ps``/``images`` and the
Docker API's container ``Status``.
"""

from __future__ import annotations


def human_duration(seconds: float) -> str:
    """``Less than a second``, ``About a minute``, ``3 hours``, ``2 weeks``..."""
    whole = int(seconds)
    if whole < 1:
        return "Less than a second"
    if whole == 1:
        return "1 second"
    if whole < 60:
        return f"{whole} seconds"
    minutes = whole // 60
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = int(whole / 3600 + 0.5)  # Docker rounds halves up
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{hours // 24 // 365} years"


def go_duration(nanoseconds: int) -> str:
    """Go's ``time.Duration`` String: ``0s``, ``850ns``, ``1.5µs``, ``12.3ms``, ``1m2.5s``."""
    if nanoseconds == 0:
        return "0s"
    sign, n = ("-", -nanoseconds) if nanoseconds < 0 else ("", nanoseconds)
    if n < 1_000_000_000:
        for unit, scale in (("ms", 1_000_000), ("µs", 1_000), ("ns", 1)):
            if n >= scale:
                return sign + _decimal(n, scale) + unit
    hours, rest = divmod(n, 3_600_000_000_000)
    minutes, rest = divmod(rest, 60_000_000_000)
    text = _decimal(rest, 1_000_000_000) + "s"
    if hours or minutes:
        text = f"{minutes}m" + text
    if hours:
        text = f"{hours}h" + text
    return sign + text


def _decimal(value: int, scale: int) -> str:
    """``value / scale`` with the fraction's trailing zeros dropped, as Go prints it."""
    whole, fraction = divmod(value, scale)
    digits = len(str(scale)) - 1
    tail = f"{fraction:0{digits}d}".rstrip("0") if digits else ""
    return f"{whole}.{tail}" if tail else str(whole)
