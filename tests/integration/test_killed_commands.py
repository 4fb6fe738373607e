"""What a command killed with SIGKILL leaves (issue 21, item 8): a build's RUN step
dies with its build, a killed save's partial archive goes with the next save, and
``system check --repair`` takes the rest."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from build_helpers import write_context
from harness import Hutch


def _pids_running(argv: bytes) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "cmdline").read_bytes().rstrip(b"\0") == argv:
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _wait(condition: Callable[[], object], what: str, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)  # polling what the system shows, not waiting for time to pass


def test_killed_build_takes_its_run_step_along(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    step = b"sleep\x003131"
    context = write_context(
        tmp_path / "ctx", {}, containerfile=f"FROM {base_image}\nRUN sleep 3131\n"
    )
    build = subprocess.Popen(
        [str(hutch.binary), "build", "-t", "never", str(context)],
        env=hutch.env.environ(),
        cwd=hutch.env.home,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(lambda: _pids_running(step), "the RUN step never started")
    finally:
        build.kill()
        build.wait(timeout=30)
    _wait(lambda: not _pids_running(step), "the RUN step outlived its build", limit=20)

    hutch("system", "check", "--repair")
    assert hutch("system", "check").stdout == ""
    assert hutch("images", "--format", "{{.Repository}}").stdout.split() == ["localhost/base"]


def test_killed_save_partial_goes_with_the_next_save(hutch: Hutch, base_image: str) -> None:
    out = hutch.env.home / "out.tar"
    gone = subprocess.Popen(["true"])
    gone.wait()
    partial = out.with_name(f".out.tar.{gone.pid}.tmp")  # as a save killed by SIGKILL leaves it
    partial.write_bytes(b"half an archive")
    live = out.with_name(f".out.tar.{os.getpid()}.tmp")  # a save still running: kept
    live.write_bytes(b"being written")
    hutch("save", "-o", str(out), base_image)
    assert not partial.exists() and live.exists()
    assert out.stat().st_size > 1_000_000
