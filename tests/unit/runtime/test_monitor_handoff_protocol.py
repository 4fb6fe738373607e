"""The monitor's hand-over between its halves carries a protocol number, and a half
never execs installed code that does not read its own (an upgrade of hutch under a
running container): the idle loop then serves on as far as it can, alone."""

from __future__ import annotations

import marshal
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hutch.runtime import idle
from hutch.runtime import monitorio as mio


def _installed(tmp_path: Path, reads_line: str | None) -> str:
    """A stand-in for the installed monitorio.py whose READS line is ``reads_line``."""
    path = tmp_path / "monitorio.py"
    lines = ["PROTOCOL = 9", *([reads_line] if reads_line is not None else []), "x = 1"]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_the_installed_file_says_what_it_reads_and_reads_its_own_protocol() -> None:
    assert mio.installed_reads(mio.__file__) == mio.READS
    assert mio.PROTOCOL in mio.READS
    mio.check_installed()  # the code under test is the installed code: no refusal


@pytest.mark.parametrize(
    ("line", "reads"),
    [("READS = (1,)", (1,)), ("READS = (2, 3)", (2, 3)), ("READS = (two,)", ()), (None, ())],
)
def test_installed_reads_parses_the_one_line(tmp_path: Path, line: str | None, reads: Any) -> None:
    assert mio.installed_reads(_installed(tmp_path, line)) == reads


def test_a_missing_file_reads_nothing(tmp_path: Path) -> None:
    assert mio.installed_reads(str(tmp_path / "gone.py")) == ()


def test_exec_half_refuses_before_touching_anything_when_the_installed_code_differs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mio, "__file__", _installed(tmp_path, f"READS = ({mio.PROTOCOL + 1},)"))
    r, w = os.pipe()
    try:
        with pytest.raises(
            mio.Refused, match=f"reads monitor hand-over protocol {mio.PROTOCOL + 1}"
        ):
            mio.exec_half("hutch.runtime.idle", "main", {"bundle": "/nowhere"}, [r, w])
        assert not os.get_inheritable(r) and not os.get_inheritable(w)
        assert not set(mio.FORWARDED) & signal.pthread_sigmask(signal.SIG_BLOCK, [])
    finally:
        os.close(r)
        os.close(w)


def _memfd(handoff: dict[str, object]) -> str:
    fd = os.memfd_create("test-handoff", 0)
    os.write(fd, marshal.dumps(handoff))
    os.lseek(fd, 0, os.SEEK_SET)
    return str(fd)


def test_read_handoff_takes_its_protocols_and_the_unnumbered_first_one() -> None:
    assert mio.read_handoff([_memfd({"a": 1, "protocol": mio.PROTOCOL})])["a"] == 1
    assert mio.read_handoff([_memfd({"a": 2})])["a"] == 2  # written before the number was
    with pytest.raises(mio.Refused, match="protocol 99"):
        mio.read_handoff([_memfd({"a": 3, "protocol": 99})])


@pytest.fixture
def signals_kept() -> Iterator[None]:
    """Idle.run installs handlers and a wakeup fd in this (pytest's) process."""
    kept = {sig: signal.getsignal(sig) for sig in (*mio.FORWARDED, signal.SIGCHLD)}
    try:
        yield
    finally:
        signal.set_wakeup_fd(-1)
        for sig, handler in kept.items():
            signal.signal(sig, handler)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, mio.FORWARDED)


def test_a_refused_idle_loop_serves_on_alone_and_ends_with_the_init(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signals_kept: None
) -> None:
    """A health check falls due (the full monitor's, refused: no more checks), then the
    init writes and exits 3: the loop logs the output, notes why in monitor.err once,
    and ends with the init's code instead of exec'ing code that would misread it."""
    monkeypatch.setattr(mio, "__file__", _installed(tmp_path, f"READS = ({mio.PROTOCOL + 1},)"))
    out_r, out_w = os.pipe()
    init = subprocess.Popen(["sh", "-c", "sleep 0.3; echo bye; exit 3"], stdout=out_w)
    os.close(out_w)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(tmp_path / "attach"))
    listener.listen()
    log = tmp_path / "ctr.log"
    handoff: dict[str, Any] = {
        "bundle": str(tmp_path),
        "log": {
            "driver": "k8s-file",
            "path": str(log),
            "max_size": 0,
            "max_files": 1,
            "partial": {},
        },
        "init_pid": init.pid,
        "listener": listener.detach(),
        "pipes": [[out_r, "stdout"]],
        "stdin_w": -1,
        "master": -1,
        "wake_at": time.monotonic() - 1,  # a health check is due: the full monitor's
        "clients": [],
        "keep": [],
    }
    loop = idle.Idle(handoff)
    assert loop.run() == 3
    assert loop.wake_at is None  # no more wake-ups for the full monitor
    notes = (tmp_path / "monitor.err").read_text().splitlines()
    assert len(notes) == 1 and "restart it to run it under the new hutch" in notes[0]
    assert log.read_text().rstrip().endswith("stdout F bye")
    init.returncode = 3  # reaped by the loop
