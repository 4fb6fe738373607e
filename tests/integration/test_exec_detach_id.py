"""``exec -d`` prints the exec session's id (as podman) and runs the command."""

from __future__ import annotations

import re
import time

from harness import Hutch
from lifecycle_helpers import remove_containers

__all__ = ["remove_containers"]


def test_exec_detach_prints_a_session_id(hutch: Hutch, base_image: str) -> None:
    hutch("run", "-d", "--name", "box", base_image, "sleep", "300")
    first = hutch("exec", "-d", "box", "sh", "-c", "sleep 0.2; touch /ran").stdout
    second = hutch("exec", "-d", "box", "true").stdout
    assert re.fullmatch(r"[0-9a-f]{64}\n", first), first
    assert re.fullmatch(r"[0-9a-f]{64}\n", second) and second != first
    deadline = time.monotonic() + 10
    while hutch("exec", "box", "test", "-f", "/ran", check=False).returncode != 0:
        assert time.monotonic() < deadline, "the detached command did not run"
        time.sleep(0.1)
    # attached exec prints nothing of its own
    assert hutch("exec", "box", "echo", "x").stdout == "x\n"
