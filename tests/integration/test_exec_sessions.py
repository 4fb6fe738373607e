"""``inspect`` ``.ExecIDs``: the exec sessions whose process still runs, as podman."""

from __future__ import annotations

import json
import subprocess
import time

from harness import Hutch
from lifecycle_helpers import remove_containers

__all__ = ["remove_containers"]

WAIT_FOR_STOP = "while [ ! -e /stop ]; do sleep 0.1; done"


def _exec_ids(hutch: Hutch, name: str) -> list[str]:
    ids = json.loads(hutch("inspect", name).stdout)[0]["ExecIDs"]
    assert isinstance(ids, list)
    return ids


def _wait_until_gone(hutch: Hutch, name: str, session: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while session in _exec_ids(hutch, name):
        assert time.monotonic() < deadline, f"exec session {session} still listed"
        time.sleep(0.2)


def test_exec_detach_session_is_listed_until_its_process_exits(
    hutch: Hutch, base_image: str
) -> None:
    hutch("run", "-d", "--name", "box", base_image, "sleep", "300")
    assert _exec_ids(hutch, "box") == []
    long = hutch("exec", "-d", "box", "sh", "-c", WAIT_FOR_STOP).stdout.strip()
    # long enough to be listed by the next two commands on a loaded machine
    short = hutch("exec", "-d", "box", "sleep", "6").stdout.strip()
    assert _exec_ids(hutch, "box") == [long, short]  # oldest first
    assert hutch("inspect", "--format", "{{.ExecIDs}}", "box").stdout == f"[{long} {short}]\n"
    _wait_until_gone(hutch, "box", short)
    assert _exec_ids(hutch, "box") == [long]
    # ended by its own choice: gone as well
    hutch("exec", "box", "touch", "/stop")
    _wait_until_gone(hutch, "box", long)
    assert _exec_ids(hutch, "box") == []


def test_an_attached_exec_is_listed_while_it_runs(hutch: Hutch, base_image: str) -> None:
    hutch("run", "-d", "--name", "box", base_image, "sleep", "300")
    attached = subprocess.Popen(
        [str(hutch.binary), "exec", "box", "sh", "-c", WAIT_FOR_STOP],
        env=hutch.env.environ(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while not _exec_ids(hutch, "box"):
            assert time.monotonic() < deadline, "the attached exec is not listed"
            assert attached.poll() is None, "the attached exec ended early"
            time.sleep(0.2)
        [session] = _exec_ids(hutch, "box")
        assert len(session) == 64
    finally:
        hutch("exec", "box", "touch", "/stop", check=False)
        attached.wait(timeout=20)
    assert _exec_ids(hutch, "box") == []  # removed by the exec itself, not by a reader


def test_stopping_the_container_ends_its_sessions(hutch: Hutch, base_image: str) -> None:
    hutch("run", "-d", "--name", "box", base_image, "sleep", "300")
    session = hutch("exec", "-d", "box", "sleep", "300").stdout.strip()
    assert _exec_ids(hutch, "box") == [session]
    hutch("stop", "-t", "0", "box")
    assert _exec_ids(hutch, "box") == []
    hutch("start", "box")
    assert _exec_ids(hutch, "box") == []
