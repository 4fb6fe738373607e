"""The monitor killed while ``run -d`` starts its container (issue 21, item 7): one
``Error:`` line that says so and exit 125, never exit 0 with the id of a dead
container, never a bare errno; the container is then removable and the store clean."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from harness import Hutch
from pausepoint import Paused


def _monitor_of(gate: Path) -> int:
    """The monitor started by the command held at ``gate`` (it inherits its environment)."""
    wanted = b"HUTCH_TEST_PAUSE="
    for entry in Path("/proc").iterdir():
        try:
            if b"hutch.runtime.monitor" not in (entry / "cmdline").read_bytes():
                continue
            variables = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(v.startswith(wanted) and str(gate).encode() in v for v in variables):
            return int(entry.name)
    raise AssertionError(f"no monitor of the command held at {gate}")


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


@pytest.mark.parametrize("point", ["start-before-go", "start-after-exec"])
def test_run_d_whose_monitor_is_killed_fails_with_one_error(
    hutch: Hutch, base_image: str, tmp_path: Path, point: str
) -> None:
    gate = tmp_path / "gate"
    held = Paused(hutch, point, gate, "run", "-d", "--name", "victim", base_image, "sleep", "300")
    monitor = _monitor_of(gate)
    os.kill(monitor, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while _alive(monitor):  # gone before the command goes on: the order is the test's
        assert time.monotonic() < deadline, "the monitor outlived SIGKILL"
        time.sleep(0.02)
    code, out, err = held.release()
    assert (code, out) == (125, ""), err
    lines = err.splitlines()
    assert lines[0].startswith("Error: the container monitor (pid "), err
    assert "exited while the container was starting" in lines[0]
    assert all(not line.startswith("Error") for line in lines[1:]) and "Errno" not in err
    hutch("rm", "-f", "victim")
    assert hutch("system", "check").stdout == ""
