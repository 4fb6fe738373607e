"""The API service under test: ``hutch system service`` on a socket of its own,
and the real docker client pointed at it (DOCKER_HOST).

One service per test module (a module fixture): starting hutch, importing the
base image and tearing down cost seconds, and the CI budget is shared.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import Hutch, HutchEnv, hutch_binary, teardown

DOCKER_20 = Path("/usr/bin/docker")  # Debian's docker.io: API 1.41, as the service


@dataclass(frozen=True)
class DockerEnv(HutchEnv):
    """A test's directories, with DOCKER_HOST pointing at the service's socket."""

    socket_path: Path = Path()

    def environ(self) -> dict[str, str]:
        env = super().environ()
        env["DOCKER_HOST"] = f"unix://{self.socket_path}"
        env["DOCKER_CONFIG"] = str(self.home / ".docker")
        return env


@dataclass
class Service:
    env: HutchEnv
    hutch: Hutch
    docker: Hutch  # the docker client, run as hutch is: docker("ps", "-a")
    socket_path: Path
    process: subprocess.Popen[bytes]
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """One HTTP/1.1 request on a fresh connection (Connection: close)."""
        with contextlib.closing(connect(self.socket_path)) as sock:
            head = [f"{method} {path} HTTP/1.1", "Host: d", "Connection: close"]
            head += [f"{k}: {v}" for k, v in (headers or {}).items()]
            if body or method in ("POST", "PUT"):
                head.append(f"Content-Length: {len(body)}")
            sock.sendall("\r\n".join(head).encode() + b"\r\n\r\n" + body)
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        return parse_response(data)

    def json(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        payload = json.dumps(body).encode() if body is not None else b""
        status, _, data = self.request(
            method, path, payload, {"Content-Type": "application/json"} if payload else None
        )
        return status, json.loads(data) if data.strip() else None

    def threads(self) -> int:
        return self._status_number("Threads:")

    def rss_kib(self) -> int:
        return self._status_number("VmRSS:")

    def _status_number(self, key: str) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
        raise AssertionError(f"no {key} line")


def database_fds(service: Service) -> int:
    """How many of the service's file descriptors are on its store's database."""
    return len([p for p in open_paths(service.process.pid) if p.endswith("/storage/hutch.db")])


def open_paths(pid: int) -> list[str]:
    """What process ``pid``'s file descriptors are open on (/proc/PID/fd's links)."""
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            found.append(os.readlink(fd))
        except FileNotFoundError:  # closed while we looked
            continue
    return found


def connect(path: Path, timeout: float = 30) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.connect(str(path))
    return sock


def parse_response(data: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])}
    if headers.get("transfer-encoding") == "chunked":
        body = dechunk(body)
    return int(lines[0].split()[1]), headers, body


def dechunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += data[:size]
        data = data[size + 2 :]
    return out


def wait_for_socket(path: Path, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the service exited with {process.returncode}")
        with contextlib.suppress(OSError):
            connect(path, 1).close()
            return
        time.sleep(0.05)
    raise AssertionError(f"the service did not listen on {path} in {timeout} s")


@contextlib.contextmanager
def running_service(
    base: Path, rootfs_tar: Path, *extra: str, environ: dict[str, str] | None = None
) -> Iterator[Service]:
    """A service with the busybox image ``base``; stopped and torn down afterwards.
    ``environ``: more variables for the service alone (a pause point), not its clients."""
    assert DOCKER_20.exists(), "docker client missing (contrib/setup-host.sh installs docker.io)"
    plain = HutchEnv.create(base)
    socket_path = plain.runtime_dir / "hutch" / "hutch.sock"
    env = DockerEnv(plain.data_home, plain.config_home, plain.runtime_dir, plain.home, socket_path)
    hutch = Hutch(env)
    hutch("import", str(rootfs_tar), "base")
    log = base / "service.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(hutch_binary()), "--log-level", "info", "system", "service", *extra],
            env={**env.environ(), **(environ or {})},
            cwd=env.home,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    service = Service(env, hutch, Hutch(env, binary=DOCKER_20), socket_path, process, log)
    problems: list[str] = []
    try:
        wait_for_socket(socket_path, process)
        yield service
    finally:
        stop(process)
        text = service.log_text()
        if "Traceback" in text:
            problems.append(f"a traceback in the service's log:\n{text[-3000:]}")
        if socket_path.exists():
            problems.append(f"{socket_path} left behind by the service")
        problems += teardown(env, hutch)
    assert not problems, "\n".join(problems)


def stop(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def which(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} not found"
    return found


def until(check: Callable[[], bool], timeout: float) -> bool:
    """Whether ``check`` comes true within ``timeout`` seconds (asked every 0.1 s)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


def settled_threads(service: Service) -> int:
    """The service's threads once nothing is in flight (a connection's thread ends
    a moment after its client's, or waits half a second for the next client:
    service/workers.py's LINGER)."""
    time.sleep(1)
    return service.threads()


def docker_client(service: Service, *args: str) -> subprocess.Popen[bytes]:
    """The docker CLI running ``args`` against the service, its output piped (a
    client a test kills mid-stream)."""
    return subprocess.Popen(
        [str(DOCKER_20), *args],
        env=service.env.environ(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
