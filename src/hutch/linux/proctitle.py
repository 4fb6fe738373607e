"""A process's command line as ``ps`` shows it, rewritten in place.

A monitor forked from the CLI (``runtime/spawn.py``) would show the CLI's
own command line (``hutch run -d ...``) until its first ``execve``: a user's
``ps`` would list the command twice, and whatever finds monitors by their
command line (``pgrep -f hutch.runtime.monitor``, the tests) would miss it.
The kernel reads ``/proc/PID/cmdline`` from the process's own memory, the
range ``arg_start``..``arg_end`` of ``/proc/PID/stat``: writing the
monitor's argv there, through ``/proc/self/mem``, shows what an exec'd
monitor shows. The range cannot grow, so a command line that does not fit
is refused (``False``) and the caller execs instead; the rest of the range
is filled with NULs, which ``ps`` prints as spaces at the end.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # no typing import on run's path (cli/fast.py)
if TYPE_CHECKING:
    from collections.abc import Sequence

# fields 48 and 49 of /proc/PID/stat (proc(5)), counted from the state (field 3)
_ARG_START = 48 - 3
_ARG_END = 49 - 3


def arg_area(pid: int | str = "self") -> tuple[int, int] | None:
    """Where the process's argv strings live in its memory (start, end), or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return None
    fields = stat.rsplit(b")", 1)[-1].split()
    if len(fields) <= _ARG_END:
        return None
    start, end = int(fields[_ARG_START]), int(fields[_ARG_END])
    return (start, end) if 0 < start < end else None


def encoded(argv: Sequence[str]) -> bytes:
    """``argv`` as the kernel keeps it: each argument NUL-terminated."""
    return b"".join(os.fsencode(arg) + b"\0" for arg in argv)


def fits(argv: Sequence[str], area: tuple[int, int] | None) -> bool:
    return area is not None and len(encoded(argv)) <= area[1] - area[0]


def head_that_fits(
    argv: Sequence[str], area: tuple[int, int] | None, least: int
) -> list[str] | None:
    """The longest head of ``argv`` (of at least ``least`` arguments) that ``area``
    has room for, or None when even those do not fit."""
    if area is None:
        return None
    room = area[1] - area[0]
    head: list[str] = []
    for arg in argv:
        size = len(os.fsencode(arg)) + 1
        if size > room:
            break
        head.append(arg)
        room -= size
    return head if len(head) >= min(least, len(argv)) else None


def set_cmdline(argv: Sequence[str], comm: str | None = None, least: int | None = None) -> bool:
    """Show ``argv`` as this process's command line, or the longest head of it that
    fits if that keeps at least ``least`` arguments (all, by default), and ``comm``
    as its name (at most 15 bytes kept); False when it does not fit or the kernel
    refuses the write (the caller then execs, which replaces it anyway)."""
    area = arg_area()
    head = head_that_fits(argv, area, len(argv) if least is None else least)
    if area is None or head is None:
        return False
    data = encoded(head)
    data += b"\0" * (area[1] - area[0] - len(data))
    try:
        fd = os.open("/proc/self/mem", os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        if os.pwrite(fd, data, area[0]) != len(data):
            return False
    except OSError:
        return False
    finally:
        os.close(fd)
    if comm:
        try:
            with open("/proc/self/comm", "wb", buffering=0) as f:
                f.write(os.fsencode(comm)[:15])
        except OSError:
            pass  # the name is cosmetic; the command line is what tools match
    return True
