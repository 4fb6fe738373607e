"""Finding, starting and entering the rootless network namespace (``hutch.net.rootlessd``).

``RUNDIR/rootless.pid`` holds ``PID START SLIRP_PID``: the holder's pid and
start time (a recycled pid is never taken for it) and its slirp4netns's pid.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

from hutch.linux import procfs
from hutch.util.atomic import write_atomic

TYPE_CHECKING = False  # typing is no import of a run's (issue 16); mypy reads it alike
if TYPE_CHECKING:
    import subprocess

SLIRP_ADDRESS = "10.0.2.100"  # the namespace's own address on slirp4netns's tap0

# The holder is a Python process that starts slirp4netns before it answers: a
# second on an idle machine, but the cgroup v2 guest under load (TCG) took more
# than 15 s, which failed whole runs with no word of why.
_START_TIMEOUT = 60.0


class RootlessNetError(Exception):
    """The rootless network namespace cannot be made or used; the message is for the user."""


def _start_time(pid: int) -> str | None:
    return procfs.start_time(pid) or None


def holder_pid(rundir: Path) -> int | None:
    """The live holder's pid, or None."""
    try:
        pid_s, start, _slirp = (rundir / "rootless.pid").read_text().split()
    except (OSError, ValueError):
        return None
    pid = int(pid_s)
    return pid if _start_time(pid) == start else None


def netns_path(rundir: Path) -> str:
    pid = holder_pid(rundir)
    if pid is None:
        raise RootlessNetError("the rootless network namespace is not running")
    return f"/proc/{pid}/ns/net"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def ensure(rundir: Path) -> int:
    """The holder's pid, starting it first when none is alive (under a lock)."""
    pid = holder_pid(rundir)
    if pid is not None:
        return pid
    rundir.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _locked(rundir / "rootless.lock"):
        pid = holder_pid(rundir)
        if pid is not None:
            return pid
        return _start(rundir)


def _start(rundir: Path) -> int:
    import subprocess

    r, w = os.pipe()
    log = open(rundir / "rootless.log", "wb")  # noqa: SIM115 - handed to the child
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "hutch.net.rootlessd", str(rundir), str(w)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            pass_fds=(w,),
            start_new_session=True,
            # the holder must not die with the terminal or the caller
            restore_signals=True,
        )
    finally:
        os.close(w)
        log.close()
    data, timed_out = _read_ready_line(r, _START_TIMEOUT)
    if b"\n" not in data:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        status = proc.wait()
        text = (rundir / "rootless.log").read_text(errors="replace").strip().splitlines()
        raise RootlessNetError(
            "cannot start the rootless network namespace: "
            + _start_failure(text, timed_out, status, _START_TIMEOUT)
        )
    start = _start_time(proc.pid)
    tmp = rundir / "rootless.pid.tmp"
    tmp.write_text(f"{proc.pid} {start} {data.decode().strip()}\n")
    os.replace(tmp, rundir / "rootless.pid")
    return proc.pid


def _read_ready_line(fd: int, timeout: float) -> tuple[bytes, bool]:
    """What the holder wrote on its ready pipe, up to its first newline; and
    whether ``timeout`` seconds passed with nothing more (the pipe is closed)."""
    import time

    data = b""
    deadline = time.monotonic() + timeout
    try:
        while b"\n" not in data:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([fd], [], [], max(left, 0))
            if not ready:
                return data, True
            chunk = os.read(fd, 64)
            if not chunk:
                break
            data += chunk
    finally:
        os.close(fd)
    return data, False


def _start_failure(log: list[str], timed_out: bool, status: int, timeout: float) -> str:
    """Why the holder did not come up: its last word, else what we saw of it."""
    if timed_out:
        said = f"; its last words: {log[-1]}" if log else ""
        return (
            f"its holder did not report ready within {timeout:g} s "
            f"(a slow or loaded machine?){said}"
        )
    if log:
        return log[-1]
    return f"its holder exited with status {status} before it was ready, saying nothing"


def stop(rundir: Path, wait: bool = False) -> None:
    """End the holder (its slirp4netns follows through ``--exit-fd``)."""
    import time

    try:
        slirp = int((rundir / "rootless.pid").read_text().split()[2])
    except (OSError, ValueError, IndexError):
        slirp = 0
    pid = holder_pid(rundir)
    (rundir / "rootless.pid").unlink(missing_ok=True)
    if pid is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while wait and time.monotonic() < deadline:
        if _start_time(pid) is None and (not slirp or _start_time(slirp) is None):
            break
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.01)


def forwards_file(rundir: Path, container_id: str) -> Path:
    """The slirp4netns host forwards of a container's published ports (their ids)."""
    return rundir / "ports" / f"{container_id}.json"


def notify(rundir: Path) -> None:
    """Tell the name server that ``dns.json`` changed."""
    pid = holder_pid(rundir)
    if pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGHUP)


def write_dns(rundir: Path, networks: list[dict[str, object]]) -> None:
    rundir.mkdir(parents=True, exist_ok=True, mode=0o700)
    # A unique temp name: threads of one process (the API service) share the pid. Not
    # durable: the runtime directory is gone after a power loss anyway (on a disk
    # instead of tmpfs its fsync cost every create and rm on a user network 30 ms),
    # and the engine writes the file again at a start that finds none (before_start).
    data = json.dumps({"networks": networks}).encode()
    write_atomic(rundir / "dns.json", data, durable=False)
    notify(rundir)


def run_in_netns(rundir: Path, argv: list[str], text: str = "") -> subprocess.CompletedProcess[str]:
    """Run a command (``nft``, ``ip``) inside the rootless network namespace."""
    import subprocess

    from hutch.linux import syscalls as sc

    path = netns_path(rundir)

    def enter() -> None:
        fd = os.open(path, os.O_RDONLY)
        sc.setns(fd, sc.CLONE_NEWNET)
        os.close(fd)

    return subprocess.run(
        argv, input=text, text=True, capture_output=True, preexec_fn=enter, check=False
    )


def slirp_request(rundir: Path, request: dict[str, object]) -> dict[str, object]:
    """One call to the holder's slirp4netns API (``add_hostfwd``, ``remove_hostfwd``)."""
    import socket  # only a holder older than the port proxy takes forwards

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.connect(str(rundir / "slirp.sock"))
        s.sendall(json.dumps(request).encode())
        s.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := s.recv(4096):
            answer += chunk
    reply: dict[str, object] = json.loads(answer or b"{}")
    return reply
