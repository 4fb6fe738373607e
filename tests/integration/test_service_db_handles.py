"""The API service's database connections end with their requests: after the
kinds of requests that leave threads and streams behind (logs -f, events,
stats, attach, exec, build, wait, clients that keep their connections open),
the service holds no more open handles on its database than its pool keeps
(store/dbpool.py's KEEP) and the requests held at once, however many ran, and
without waiting for Python's garbage collector (before: 43 after this test).

Why not KEEP alone: SQLite does not close the file of a closed connection while
another connection of the process holds a lock on the same file (closing any
descriptor would drop the process's POSIX locks); it keeps the descriptor and
reuses it for the next connection it opens. The kept connections hold their
shared lock, so the handles stay at the most connections once open at once:
the pool's and those of the requests in flight then."""

from __future__ import annotations

import io
import os
import select
import time
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest
from service_helpers import Service, database_fds, docker_client, running_service

KEEP = 4  # store/dbpool.py: idle connections kept at most
# the engines this test's requests hold at once at most: an attach's relay and its
# worker, and a stream's producer that has not yet seen its client leave
AT_ONCE = 3
BOUND = KEEP + AT_ONCE


@pytest.fixture(scope="module")
def service(
    require_rootless: None, rootfs_tar: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    with running_service(tmp_path_factory.mktemp("svc-dbfds"), rootfs_tar, "--time", "0") as svc:
        yield svc


def _cut_short(service: Service, *args: str, seen: str, limit: float = 15) -> str:
    """The docker CLI streaming ``args``, killed half a second after it printed
    ``seen`` (a client that leaves mid-stream: the service follows or waits by then;
    at most ``limit`` seconds); what it printed. (Killed after fixed times, 1.5 to
    3 s each, the rounds took 22 s.)"""
    process = docker_client(service, *args)
    assert process.stdout is not None
    out = b""
    deadline = time.monotonic() + limit
    while seen.encode() not in out and time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], deadline - time.monotonic())
        chunk = os.read(process.stdout.fileno(), 65536) if ready else b""
        if not chunk:
            break  # the stream ended (or the limit passed): the caller's assertion shows it
        out += chunk
    time.sleep(0.5)
    process.kill()
    process.communicate()
    return out.decode(errors="replace")


def _settled(service: Service, timeout: float = 15) -> int:
    """The database handles once the service noticed the clients that left (it
    polls a stream's peer every half second)."""
    deadline = time.monotonic() + timeout
    while (count := database_fds(service)) > BOUND and time.monotonic() < deadline:
        time.sleep(0.25)
    return count


def test_requests_leave_no_database_handles_behind(service: Service) -> None:
    seen: list[tuple[str, int]] = []

    def step(name: str) -> None:
        seen.append((name, database_fds(service)))

    ticker = "while true; do echo tick; sleep 0.2; done"
    service.docker("run", "-d", "--name", "ticker", "base", "sh", "-c", ticker)
    try:
        for _ in range(3):  # each round's leftovers would add up
            assert "tick" in _cut_short(service, "logs", "-f", "ticker", seen="tick")
            step("logs -f")
            assert "tick" in _cut_short(
                service, "attach", "--sig-proxy=false", "ticker", seen="tick"
            )
            step("attach")
            assert "ticker" in _cut_short(service, "stats", "--format", "{{.Name}}", seen="ticker")
            step("stats")
            since = str(int(time.time()) - 60)
            assert "start" in _cut_short(service, "events", "--since", since, seen="start")
            step("events")
            assert service.docker("stats", "--no-stream", "ticker").stdout
            assert service.docker("exec", "ticker", "echo", "inside").stdout == "inside\n"
            assert "tick" in service.docker("logs", "--tail", "2", "ticker").stdout
            step("stats --no-stream, exec, logs")
        # docker-py clients left open: their keep-alive connections stay with the service
        clients = [
            docker.DockerClient(base_url=f"unix://{service.socket_path}", version="auto")
            for _ in range(KEEP + 2)
        ]
        try:
            for i, client in enumerate(clients):
                assert "ticker" in [c.name for c in client.containers.list()]
                done = client.containers.run("base", "true", name=f"w{i}", detach=True)
                assert done.wait()["StatusCode"] == 0
                done.remove()
            step("docker-py clients kept open")
            built, _ = clients[0].images.build(
                fileobj=io.BytesIO(b"FROM base\nRUN echo built > /f\n"), tag="fdsbuilt", rm=True
            )
            assert "localhost/fdsbuilt:latest" in built.tags
            step("build")
            assert _settled(service) <= BOUND, str(seen)
        finally:
            for client in clients:
                client.close()
    finally:
        service.docker("rm", "-f", "ticker")
    assert _settled(service) <= BOUND, str(seen)


def _code_cache_mapped(service: Service) -> bool:
    maps = Path(f"/proc/{service.process.pid}/maps").read_text()
    return any("/hutch/dataclass-code-" in line for line in maps.splitlines())


def _released(service: Service, timeout: float = 5) -> bool:
    deadline = time.monotonic() + timeout
    while _code_cache_mapped(service):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_an_idle_service_keeps_no_code_cache_mapped(service: Service) -> None:
    # issue 16: the dataclass code cache's pages the requests touched (about 2 MB)
    # counted in the idle service's memory; between requests it is unmapped, and a
    # request that loads new classes maps it again (and gets its answer). The service's
    # own start defines classes through it: without the release it stays mapped.
    assert service.docker("ps").returncode == 0
    assert _released(service)
    status, _, body = service.request("GET", "/volumes")  # the volume verbs' classes
    assert status == 200 and b"Volumes" in body
    assert _released(service)
    status, _, body = service.request("GET", "/networks")  # the network verbs' classes
    assert status == 200 and body.startswith(b"[")
    assert _released(service)
