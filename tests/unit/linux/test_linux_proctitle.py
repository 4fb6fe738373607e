"""A process's command line rewritten in place (``linux/proctitle.py``), as the
forked monitor shows itself: checked from outside, in /proc, on a forked child."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from hutch.linux import proctitle


def _in_child(act: Callable[[], bool]) -> tuple[bool, bytes, str]:
    """``act`` run in a forked child; its result, then its /proc cmdline and comm
    read by us while it waits."""
    done_r, done_w = os.pipe()
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(go_w)
            os.close(done_r)
            os.write(done_w, b"1" if act() else b"0")
            os.read(go_r, 1)
        finally:
            os._exit(0)
    os.close(done_w)
    os.close(go_r)
    try:
        result = os.read(done_r, 1) == b"1"
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
    finally:
        os.close(go_w)
        os.close(done_r)
        os.waitpid(pid, 0)
    return result, cmdline, comm


def test_the_area_is_our_command_line() -> None:
    area = proctitle.arg_area()
    assert area is not None
    assert area[1] - area[0] == len(Path("/proc/self/cmdline").read_bytes())


def test_fits_counts_each_argument_with_its_nul() -> None:
    assert proctitle.encoded(["ab", "c"]) == b"ab\0c\0"
    assert proctitle.fits(["ab", "c"], (100, 105))
    assert not proctitle.fits(["ab", "cd"], (100, 105))
    assert not proctitle.fits(["a"], None)


def test_the_head_that_fits_keeps_whole_arguments_and_at_least_some() -> None:
    head = ["p", "-S", "-m", "m"]  # 10 bytes with their NULs
    area = (100, 119)  # 9 bytes of room after them
    assert proctitle.head_that_fits([*head, "a" * 8, "b"], area, 4) == [*head, "a" * 8]
    assert proctitle.head_that_fits([*head, "a" * 9], area, 4) == head
    assert proctitle.head_that_fits([*head, "a" * 9], area, 5) is None
    assert proctitle.head_that_fits(head, None, 1) is None


def test_a_child_shows_the_head_that_fits() -> None:
    before = Path("/proc/self/cmdline").read_bytes()
    argv = ["py", "-m", "x", "y" * len(before)]
    ok, cmdline, _comm = _in_child(lambda: proctitle.set_cmdline(argv, least=3))
    assert ok
    assert cmdline == b"py\0-m\0x\0".ljust(len(before), b"\0")


def test_a_child_shows_the_new_command_line_and_name() -> None:
    before = Path("/proc/self/cmdline").read_bytes()
    ok, cmdline, comm = _in_child(lambda: proctitle.set_cmdline(["py", "-m", "x"], comm="python3"))
    assert ok
    assert len(cmdline) == len(before)  # the same range, NUL-filled past the new one
    assert cmdline == b"py\0-m\0x\0".ljust(len(before), b"\0")
    assert comm == "python3"
    assert Path("/proc/self/cmdline").read_bytes() == before  # ours untouched


def test_a_command_line_too_long_is_refused_and_left_alone() -> None:
    before = Path("/proc/self/cmdline").read_bytes()
    ok, cmdline, _comm = _in_child(lambda: proctitle.set_cmdline(["x" * len(before)]))
    assert not ok
    assert cmdline == before
