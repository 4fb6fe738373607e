"""A streamed answer with nothing to send lets go of the client that left.

``docker logs -f`` on a container that prints nothing: the service follows its
log file and has no line to send, so it used to learn that the client had gone
only at the next line, possibly never, and until then kept the follow's thread,
its open log file and its engine. Now it notices within about a second, idle or
not, and sends the client nothing Docker would not. The same for the other
endless streams (stats, events, wait) and attach, through the docker CLI killed mid-stream
and through docker-py closing its stream; and a ``--time 1`` service ends once
its last client left a silent follow.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest
from service_helpers import (
    DOCKER_20,
    Service,
    docker_client,
    open_paths,
    running_service,
    settled_threads,
    stop,
    until,
    wait_for_socket,
)


@pytest.fixture(scope="module")
def service(
    require_rootless: None, rootfs_tar: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    with running_service(tmp_path_factory.mktemp("svc-idle"), rootfs_tar, "--time", "0") as svc:
        yield svc


@pytest.fixture(scope="module")
def silent(service: Service) -> Iterator[str]:
    """A running container that prints nothing; its id."""
    cid = service.docker("run", "-d", "--name", "silent", "base", "sleep", "600").stdout.strip()
    try:
        yield cid
    finally:
        service.docker("rm", "-f", "silent", check=False)


def _fds_on(pid: int, needle: str) -> int:
    """How many of process ``pid``'s descriptors are on a file whose path holds ``needle``
    (the container's id: its log file)."""
    return len([path for path in open_paths(pid) if needle in path])


def _kill(process: subprocess.Popen[bytes]) -> bytes:
    process.kill()
    out, _ = process.communicate(timeout=10)
    return out


@pytest.mark.parametrize(
    "args",
    [
        ("logs", "-f", "silent"),
        ("logs", "-f", "--tail", "0", "silent"),
        ("stats", "silent"),
        ("events", "--filter", "container=silent"),
        ("wait", "silent"),
        ("attach", "--sig-proxy=false", "silent"),
    ],
    ids=["logs-f", "logs-f-tail0", "stats", "events", "wait", "attach"],
)
def test_killed_docker_client_is_let_go_while_idle(
    service: Service, silent: str, args: tuple[str, ...]
) -> None:
    threads = settled_threads(service)
    client = docker_client(service, *args)
    try:
        # the stream is open: its connection's thread (and its producer's) are there
        assert until(lambda: service.threads() > threads, 15), "the stream never started"
        if args[0] == "logs":
            # the follow holds the container's log file open while its client is there
            assert until(lambda: _fds_on(service.process.pid, silent) > 0, 15)
        time.sleep(1.5)  # idle: the container prints nothing, so nothing is sent
    finally:
        out = _kill(client)
    if args[0] != "stats":
        assert out == b""  # nothing reached the client: no heartbeat bytes
    # the service notices within about a second, though the stream has nothing to send
    assert until(lambda: service.threads() <= threads, 4), (
        f"{args}: {service.threads()} threads, {threads} before"
    )
    assert _fds_on(service.process.pid, silent) == 0
    assert service.docker("inspect", "-f", "{{.State.Running}}", "silent").stdout == "true\n"


def test_docker_py_closed_log_stream_is_let_go(service: Service, silent: str) -> None:
    threads = settled_threads(service)
    client = docker.DockerClient(base_url=f"unix://{service.socket_path}", version="auto")
    try:
        stream = client.containers.get("silent").logs(stream=True, follow=True)
        assert until(lambda: _fds_on(service.process.pid, silent) > 0, 15)
        time.sleep(1)
        stream.close()  # closes the response's socket: the client has gone
        assert until(lambda: _fds_on(service.process.pid, silent) == 0, 4)
    finally:
        client.close()
    assert until(lambda: service.threads() <= threads, 4)


def test_idle_service_ends_after_a_silent_follow(
    service: Service, silent: str, tmp_path: Path
) -> None:
    """``--time 1``: the service's timer runs once the follow's client left, though the
    container it followed goes on printing nothing."""
    socket_path = tmp_path / "short.sock"
    log = tmp_path / "short.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                str(service.hutch.binary),
                "system",
                "service",
                "--time",
                "1",
                f"unix://{socket_path}",
            ],
            env=service.env.environ(),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_socket(socket_path, process)
        env = {**service.env.environ(), "DOCKER_HOST": f"unix://{socket_path}"}
        client = subprocess.Popen(
            [str(DOCKER_20), "logs", "-f", "silent"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            assert until(lambda: _fds_on(process.pid, silent) > 0, 15), log.read_text()
            time.sleep(2)  # longer than --time: a stream in progress keeps it
            assert process.poll() is None, "the service ended under a stream in progress"
        finally:
            assert _kill(client) == b""
        # noticed within about a second, then one idle second
        process.wait(timeout=6)
        assert process.returncode == 0, log.read_text()
    finally:
        stop(process)
    assert not socket_path.exists()
    assert service.docker("inspect", "-f", "{{.State.Running}}", "silent").stdout == "true\n"
