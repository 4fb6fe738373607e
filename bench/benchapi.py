"""The API cases: the docker client against ``hutch system service`` and against
``podman system service``, each on a unix socket of the bench's work dir.

``setup`` starts each side's service (``--time 0``) and ``teardown`` stops it;
the samples time the docker client (Debian's 20.10, API 1.41) through it. The
activation case starts a fresh service per sample through
``systemd-socket-activate`` and times the first ``/_ping`` from the moment
the client connects (the service's start-up included).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from benchcore import kb_to_mb
from benchtools import BenchError, memory_kb

if TYPE_CHECKING:
    from benchcases import Bench, Sample

DOCKER = Path("/usr/bin/docker")
SERVICES: dict[str, subprocess.Popen[bytes]] = {}


def socket_path(bench: Bench, side: str, name: str = "api") -> Path:
    return bench.work / f"{side}-{name}.sock"


def docker_env(bench: Bench, side: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DOCKER_HOST"] = f"unix://{socket_path(bench, side)}"
    env["DOCKER_CONFIG"] = str(bench.work / "docker-config")
    return env


def _ping(path: Path, timeout: float = 30) -> float:
    """Seconds from connecting to the end of the /_ping answer."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        _connect(sock, path)
        start = time.perf_counter()
        sock.sendall(b"GET /_ping HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(4096):
            data += chunk
    if b" 200 " not in data.split(b"\r\n", 1)[0] + b" ":
        raise BenchError(f"/_ping answered {data[:60]!r}")
    return time.perf_counter() - start


def _connect(sock: socket.socket, path: Path, patience: float = 2.0) -> None:
    """Connect, waiting out the moment between the activator's bind (the path
    appears) and its listen (a connection is refused until then)."""
    deadline = time.monotonic() + patience
    while True:
        try:
            sock.connect(str(path))
            return
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def start_service(bench: Bench, side: str, extra_env: dict[str, str] | None = None) -> None:
    path = socket_path(bench, side)
    path.unlink(missing_ok=True)
    argv = bench.tools.argv(side, ("system", "service", "--time", "0", f"unix://{path}"))
    SERVICES[side] = subprocess.Popen(
        argv, env={**bench.tools.env(side), **(extra_env or {})}, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            _ping(path, 5)
            return
        except OSError:
            if time.monotonic() > deadline or SERVICES[side].poll() is not None:
                raise BenchError(f"{side} system service did not answer on {path}") from None
            time.sleep(0.05)


def start_service_for_registry(bench: Bench, side: str) -> None:
    """The service, told that the bench's loopback registry speaks plain HTTP.

    A pull through the API has no --tls-verify: both services read the
    registries.conf that CONTAINERS_REGISTRIES_CONF names (podman's variable,
    which hutch honours too), with the registry marked insecure.
    """
    conf = bench.work / "api-registries.conf"
    host = bench.tools.subst[side]["big"].split("/", 1)[0]
    conf.write_text(f'[[registry]]\nlocation = "{host}"\ninsecure = true\n')
    start_service(bench, side, {"CONTAINERS_REGISTRIES_CONF": str(conf)})


def docker_pull(bench: Bench, side: str) -> Sample:
    """``docker pull`` of the 100 MB loopback image, removed first (by the tool itself)."""
    bench.tools.quiet(side, ("rmi", "-f", "{big}"))
    return docker_timed("pull", "-q", "{big}")(bench, side)


def stop_service(bench: Bench, side: str) -> None:
    process = SERVICES.pop(side, None)
    if process is not None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    bench.tools.quiet(side, ("rm", "-f", "-a", "-t", "0"))


def docker_timed(*args: str) -> Callable[[Bench, str], Sample]:
    """A sample: the docker client with ``args`` ({img}, {big}, {ctx}: the side's names)."""

    def sample(bench: Bench, side: str) -> Sample:
        words = list(args)
        for key, value in bench.tools.subst[side].items():
            words = [w.replace("{" + key + "}", value) for w in words]
        start = time.perf_counter()
        done = subprocess.run(
            [str(DOCKER), *words], env=docker_env(bench, side), stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise BenchError(f"docker {' '.join(words)} ({side}): {done.stderr.strip()[-200:]}")
        return (seconds,)

    return sample


def service_memory(bench: Bench, side: str) -> Sample:
    """The service's RSS and PSS in MB, idle after a ``docker ps``."""
    docker_timed("ps")(bench, side)
    time.sleep(0.5)
    mem = memory_kb(SERVICES[side].pid)
    return kb_to_mb(mem["Rss"]), kb_to_mb(mem["Pss"])


def activation(bench: Bench, side: str) -> Sample:
    """Socket activation to the first answer (a fresh service each time)."""
    activate = shutil.which("systemd-socket-activate")
    if activate is None:
        raise BenchError("systemd-socket-activate not found (Debian package systemd)")
    path = socket_path(bench, side, "activated")
    path.unlink(missing_ok=True)
    argv = bench.tools.argv(side, ("system", "service", "--time", "0"))
    process = subprocess.Popen(
        [activate, "-l", str(path), *argv], env=bench.tools.env(side),
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while not path.exists():
            if time.monotonic() > deadline:
                raise BenchError("systemd-socket-activate made no socket")
            time.sleep(0.01)
        return (_ping(path),)
    finally:
        with_kill(process)
        path.unlink(missing_ok=True)


def with_kill(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
