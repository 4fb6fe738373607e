"""Reading /proc: what every part that tracks a process by pid needs."""

from __future__ import annotations


def start_time(pid: int) -> str:
    """Field 22 of /proc/PID/stat, or "" when the process is gone or a zombie.

    A pid and its start time name one process for good: a recycled pid has
    another start time. A zombie counts as gone: it has exited, and on hosts
    whose init does not reap, it may stay for ever.
    """
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return ""
    fields = stat.rsplit(")", 1)[1].split()
    if len(fields) < 20 or fields[0] in ("Z", "X"):
        return ""
    return fields[19]
