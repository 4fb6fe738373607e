"""Escape attempts through other processes: the session holder, host pids, /proc/self/exe."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from escape_fixtures import fixture_escape_image, fixture_escape_tar, run  # noqa: F401
from harness import Hutch


def _holder_pid(hutch: Hutch) -> int:
    hutch("ps")  # make sure the session exists
    return int(hutch.env.session_pid_file.read_text().split()[0])


def test_session_holder_is_invisible_and_cannot_be_traced(hutch: Hutch, escape_image: str) -> None:
    """Threat: ptrace of the session holder (root of the session namespace) to run code there.

    The holder is outside the container's pid namespace: no process inside is
    `sleep infinity`, and a ptrace attach to its host pid number fails.
    """
    holder = _holder_pid(hutch)
    assert b"sleep\0infinity" in Path(f"/proc/{holder}/cmdline").read_bytes()
    script = f"cat /proc/[0-9]*/cmdline | tr '\\0' ' '; echo; esc ptrace {holder}"
    result = run(hutch, "--cap-add", "SYS_PTRACE", escape_image, "sh", "-c", script)
    assert "infinity" not in result.stdout
    last = result.stdout.strip().splitlines()[-1]
    assert last in ("errno=3", "errno=1"), result.stdout  # ESRCH, or EPERM


def test_host_process_cannot_be_killed_by_pid(hutch: Hutch, escape_image: str) -> None:
    """Threat: signalling host processes of the same user by pid number."""
    sleeper = subprocess.Popen(["sleep", "300"])
    try:
        result = run(hutch, escape_image, "sh", "-c", f"kill -9 {sleeper.pid}")
        assert result.returncode != 0
        assert "No such process" in result.stderr or "no such process" in result.stderr.lower()
        assert sleeper.poll() is None
    finally:
        sleeper.kill()
        sleeper.wait()


def _digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_proc_self_exe_does_not_reach_a_host_binary(hutch: Hutch, escape_image: str) -> None:
    """Threat: CVE-2019-5736, overwriting the runtime's binary through /proc/PID/exe.

    Inside, every /proc/*/exe is a binary of the image (no host interpreter is
    visible), opening one for writing fails with ETXTBSY, and the host's
    Python (which runs hutch's monitor and init) is unchanged afterwards.
    """
    python = os.path.realpath(sys.executable)
    before = _digest(python)
    script = (
        "for e in /proc/[0-9]*/exe; do readlink $e; done; "
        "esc open-write /proc/self/exe; esc open-write /proc/1/exe"
    )
    result = run(hutch, escape_image, "sh", "-c", script)
    lines = result.stdout.split()
    assert not any("python" in line for line in lines), lines
    assert lines[-2:] == ["errno=26", "errno=26"]  # ETXTBSY
    assert _digest(python) == before
