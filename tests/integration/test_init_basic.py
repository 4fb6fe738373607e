"""``--init``: PID 1 reaps orphaned zombies and forwards signals to the command."""

from __future__ import annotations

import time

from harness import Hutch
from lifecycle_helpers import remove_containers

__all__ = ["remove_containers"]


def _zombies(hutch: Hutch, ctr: str) -> list[str]:
    out = hutch("exec", ctr, "ps", "-o", "stat,comm").stdout.splitlines()[1:]
    return [line for line in out if line.split()[0].startswith("Z")]


def test_init_reaps_orphans(hutch: Hutch, base_image: str) -> None:
    hutch("run", "-d", "--name", "plain", base_image, "sleep", "300")
    hutch("run", "-d", "--init", "--name", "inited", base_image, "sleep", "300")
    for ctr in ("plain", "inited"):
        # the exec'd shell exits first: its child is orphaned to PID 1, then exits
        hutch("exec", ctr, "sh", "-c", "sleep 0.2 & exit 0")
    time.sleep(0.8)
    assert _zombies(hutch, "plain"), "without --init the orphan stays a zombie"
    assert _zombies(hutch, "inited") == []
    top = hutch("exec", "inited", "ps", "-o", "pid,args").stdout
    assert "sleep 300" in top  # the command runs as a child of the init


def test_init_makes_a_sigterm_ignoring_pid1_stoppable(hutch: Hutch, base_image: str) -> None:
    # busybox sleep installs no handler: as PID 1 it never sees SIGTERM
    hutch("run", "-d", "--name", "deaf", base_image, "sleep", "300")
    hutch("run", "-d", "--init", "--name", "heard", base_image, "sleep", "300")
    hutch("stop", "-t", "5", "heard")
    fmt = "{{.State.Status}} {{.State.ExitCode}}"
    assert hutch("inspect", "--format", fmt, "heard").stdout.split() == ["exited", "143"]
    started = time.monotonic()
    hutch("stop", "-t", "2", "deaf")
    assert time.monotonic() - started >= 2  # only the SIGKILL after the timeout worked
    # 143: SIGTERM reached the command through the init; 137: only SIGKILL did
    assert hutch("inspect", "--format", fmt, "deaf").stdout.split() == ["exited", "137"]


def test_init_passes_the_exit_code_and_errors(hutch: Hutch, base_image: str) -> None:
    assert (
        hutch("run", "--rm", "--init", base_image, "sh", "-c", "exit 7", check=False).returncode
        == 7
    )
    missing = hutch("run", "--rm", "--init", base_image, "no-such-cmd", check=False)
    assert missing.returncode == 127
