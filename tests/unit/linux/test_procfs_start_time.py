"""procfs.start_time: a live process's field 22, nothing for one gone or a zombie."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from hutch.linux import procfs


def test_a_live_process_has_its_start_time_and_a_gone_one_none() -> None:
    own = procfs.start_time(os.getpid())
    stat = Path("/proc/self/stat").read_text()
    assert own and own == stat.rsplit(")", 1)[1].split()[19]
    with subprocess.Popen(["sleep", "30"]) as child:
        try:
            assert procfs.start_time(child.pid).isdigit()
        finally:
            child.kill()
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:  # killed, not yet reaped: a zombie
                if Path(f"/proc/{child.pid}/stat").read_text().split(") ")[1][0] == "Z":
                    break
                time.sleep(0.01)
            assert procfs.start_time(child.pid) == ""
    assert procfs.start_time(2**22 + 1) == ""  # above any pid_max: no such process
