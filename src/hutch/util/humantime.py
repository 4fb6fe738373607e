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
