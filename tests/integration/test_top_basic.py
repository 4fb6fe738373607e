"""``hutch top``: the container's processes, ps-style, with podman's descriptors."""

from __future__ import annotations

import os

from harness import Hutch
from lifecycle_helpers import remove_containers

__all__ = ["remove_containers"]


def test_top_lists_the_containers_processes(hutch: Hutch, base_image: str) -> None:
    hutch("run", "-d", "--name", "t", base_image, "sh", "-c", "sleep 300 & exec sleep 301")
    lines = hutch("top", "t").stdout.splitlines()
    assert lines[0].split() == ["USER", "PID", "PPID", "%CPU", "ELAPSED", "TTY", "TIME", "COMMAND"]
    rows = [line.split() for line in lines[1:]]
    assert len(rows) == 2, lines
    by_pid = {r[1]: r for r in rows}
    assert by_pid["1"][0] == "root" and by_pid["1"][2] == "0"
    assert by_pid["1"][-2:] == ["sleep", "301"]
    child = next(r for r in rows if r[1] != "1")
    assert child[2] == "1" and child[-2:] == ["sleep", "300"]


def test_top_descriptors(hutch: Hutch, base_image: str) -> None:
    hutch("run", "-d", "--name", "t", "-u", "1000", base_image, "sleep", "300")
    out = hutch("top", "t", "pid,comm", "hpid", "huser", "user", "uid").stdout.splitlines()
    assert out[0].split() == ["PID", "COMMAND", "HPID", "HUSER", "USER", "UID"]
    pid, comm, hpid, huser, user, uid = out[1].split()
    assert (pid, comm, user, uid) == ("1", "sleep", "user", "1000")
    assert hpid == hutch("inspect", "--format", "{{.State.Pid}}", "t").stdout.strip()
    assert os.stat(f"/proc/{hpid}").st_uid == int(huser) if huser.isdigit() else huser


def test_top_errors_and_ps_options(hutch: Hutch, base_image: str) -> None:
    hutch("run", "-d", "--name", "t", base_image, "sleep", "300")
    # ps(1)'s options, or words that are no descriptor: ps runs in the container with
    # them, as podman's top falls back to (busybox's ps here: its columns, its widths)
    # three times: ps's own row was found by reading its pid from /proc after its start,
    # and a ps gone by then kept its row (once in a CI run); ps now tells its pid itself
    for _ in range(3):
        lines = hutch("top", "t", "-o", "pid,comm").stdout.splitlines()
        assert lines[0].split() == ["PID", "COMMAND"] and lines[0] != "PID         COMMAND"
        assert ["1", "sleep"] in [line.split() for line in lines[1:]]
        # without ps's own row, as podman's output (it runs ps from outside the container)
        assert ["ps"] not in [line.split()[1:] for line in lines[1:]], lines
    hutch("create", "--name", "idle", base_image, "true")
    stopped = hutch("top", "idle", "-o", "pid", check=False)
    assert stopped.returncode == 125
    assert "top can only be used on running containers" in stopped.stderr
