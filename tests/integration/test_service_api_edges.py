"""The API service's edges: socket activation, idle exit, TCP warnings, 20
clients at once, clients that leave mid-stream, and hostile requests."""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import stat
import subprocess
import tarfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from harness import hutch_binary
from service_helpers import Service, connect, parse_response, running_service, stop, which


@pytest.fixture(scope="module")
def service(
    require_rootless: None, rootfs_tar: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    with running_service(tmp_path_factory.mktemp("svc-edges"), rootfs_tar, "--time", "0") as svc:
        yield svc


def test_socket_is_private(service: Service) -> None:
    assert stat.S_IMODE(service.socket_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(service.socket_path.parent.stat().st_mode) == 0o700


def test_socket_activation_answers_and_idles_out(service: Service) -> None:
    path = service.env.runtime_dir / "activated.sock"
    started = time.monotonic()
    activator = subprocess.Popen(
        [
            which("systemd-socket-activate"),
            "-l",
            str(path),
            str(hutch_binary()),
            "system",
            "service",
            "--time",
            "2",
        ],
        env=service.env.environ(),
        cwd=service.env.home,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        while not path.exists():
            assert activator.poll() is None and time.monotonic() - started < 20
            time.sleep(0.02)
        asked = time.monotonic()
        with contextlib.closing(connect(path)) as sock:
            sock.sendall(b"GET /v1.41/_ping HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n")
            data = b""
            while chunk := sock.recv(4096):
                data += chunk
        answered = time.monotonic() - asked
        status, headers, body = parse_response(data)
        assert (status, body, headers["api-version"]) == (200, b"OK", "1.41")
        print(f"socket activation to first answer: {answered * 1000:.0f} ms")
        # --time 2: with nothing to do, the service ends; systemd keeps the socket.
        activator.wait(timeout=20)
        assert activator.returncode == 0, activator.stdout.read() if activator.stdout else ""
    finally:
        stop(activator)  # type: ignore[arg-type]
        path.unlink(missing_ok=True)


# What the first answers of a socket-activated service need not load: the engine's
# families (containers, images, builds, registries, networks), the other endpoints'
# Docker shapes, and the database, shutil and hashlib (the start-up joins the
# session, no more). It loaded sqlite3, shutil, hashlib and hutch.api.containers
# until issue 20's start-up work.
NOT_BEFORE_THE_FIRST_ANSWERS = (
    "hutch.api.containers", "hutch.api.images", "hutch.build", "hutch.registry",
    "hutch.net", "hutch.oci", "hutch.client", "hutch.engine.containers",
    "hutch.service.docker", "sqlite3", "_sqlite3", "shutil", "hashlib", "subprocess",
)  # fmt: skip


def test_ping_and_version_load_only_what_they_need(service: Service) -> None:
    """A real service (the session already held, as when socket activation starts one
    beside running containers) answers /_ping and /version and idles out; Python's
    own import log (PYTHONPROFILEIMPORTTIME) says which modules it loaded."""
    path = service.env.runtime_dir / "imports.sock"
    env = {**service.env.environ(), "PYTHONPROFILEIMPORTTIME": "1"}
    process = subprocess.Popen(
        [str(hutch_binary()), "system", "service", "--time", "1", f"unix://{path}"],
        env=env, cwd=service.env.home, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        started = time.monotonic()
        for asked in ("/_ping", "/version"):
            while not path.exists():
                assert process.poll() is None and time.monotonic() - started < 20
                time.sleep(0.01)
            time.sleep(0.05)  # bound, and listening a moment after
            with contextlib.closing(connect(path)) as sock:
                sock.sendall(
                    f"GET {asked} HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n".encode()
                )
                data = b""
                while chunk := sock.recv(4096):
                    data += chunk
            assert parse_response(data)[0] == 200, data
        _, log = process.communicate(timeout=30)  # --time 1: it ends by itself
    finally:
        stop(process)  # type: ignore[arg-type]
    assert process.returncode == 0, log.decode(errors="replace")[-2000:]
    loaded = [
        line.rsplit("|", 1)[1].strip()
        for line in log.decode().splitlines()
        if line.startswith("import time:") and "imported package" not in line
    ]
    # read right (modules the router loads with importlib.import_module are not in
    # Python's log, but what they import is: the families' API types, service.docker)
    assert "hutch.service.main" in loaded and "h11" in loaded
    print(f"modules loaded to answer /_ping and /version: {len(loaded)}")
    unwanted = sorted(
        name for name in loaded
        if any(name == p or name.startswith(p + ".") for p in NOT_BEFORE_THE_FIRST_ANSWERS)
    )  # fmt: skip
    assert unwanted == []


def test_tcp_warns_and_serves_loopback(service: Service) -> None:
    port = 20000 + os.getpid() % 20000
    done = service.hutch("system", "service", "--time", "1", f"tcp://127.0.0.1:{port}", timeout=30)
    assert "no authentication" in done.stderr and "not a loopback" not in done.stderr
    bad = service.hutch("system", "service", "tcp://nowhere", check=False)
    assert bad.returncode == 125 and bad.stderr.startswith("Error: invalid URI")


def _docker_json(service: Service, *args: str) -> str:
    return service.docker(*args, timeout=120).stdout


def test_twenty_clients_at_once(service: Service) -> None:
    service.docker("run", "-d", "--name", "steady", "base", "sleep", "300")
    try:
        jobs: list[tuple[str, ...]] = []
        for i in range(8):
            jobs.append(("run", "--rm", "base", "echo", f"client-{i}"))
        jobs += [("ps", "--format", "{{.Names}}")] * 6
        jobs += [("inspect", "-f", "{{.Name}} {{.State.Status}}", "steady")] * 6
        with ThreadPoolExecutor(max_workers=20) as pool:
            outputs = list(pool.map(lambda job: _docker_json(service, *job), jobs))
        for i in range(8):
            assert outputs[i] == f"client-{i}\n"
        for out in outputs[8:14]:
            assert "steady" in out.split()
        for out in outputs[14:]:
            assert out == "/steady running\n"
    finally:
        service.docker("rm", "-f", "steady", check=False)


def _settle(service: Service, baseline: int, timeout: float = 15) -> int:
    deadline = time.monotonic() + timeout
    threads = service.threads()
    while threads > baseline and time.monotonic() < deadline:
        time.sleep(0.2)
        threads = service.threads()
    return threads


def test_clients_leaving_mid_stream_leak_nothing(service: Service) -> None:
    service.docker(
        "run",
        "-d",
        "--name",
        "chatty",
        "base",
        "sh",
        "-c",
        "while true; do echo x; sleep 0.2; done",
    )
    # A container that says nothing: an attach's relay waits on it, not on output.
    service.docker("run", "-d", "-i", "--name", "quiet", "base", "sleep", "900")
    try:
        time.sleep(0.5)
        baseline = service.threads()
        streams = (
            b"GET /v1.41/containers/chatty/logs?follow=1&stdout=1",  # output flowing
            b"GET /v1.41/events",  # nothing happening
            b"POST /v1.41/containers/chatty/wait?condition=next-exit",  # no exit coming
            b"GET /v1.41/containers/chatty/stats",  # a sample a second
        )

        def leave_each() -> None:
            for request_line in streams:  # each left by its client after the head
                sock = connect(service.socket_path)
                sock.sendall(request_line + b" HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\n\r\n")
                assert b"200 OK" in sock.recv(4096)
                sock.close()

        leave_each()  # the first loads the routes' modules
        rss = service.rss_kib()
        for _ in range(8):
            leave_each()
        # The server's memory: what 32 clients that left keep is far below a leak's
        # (each kept engine, thread or buffer would be megabytes)
        assert _settle(service, baseline) <= baseline, "the server kept threads of gone clients"
        grown = service.rss_kib() - rss
        assert grown < 8 * 1024, f"the service grew by {grown} KiB for clients that left"
        # attach (hijacked, with stdin) to the silent one, left at once: its relay
        # is hung up, and the container runs on
        for _ in range(2):
            sock = connect(service.socket_path)
            sock.sendall(
                b"POST /v1.41/containers/quiet/attach?stream=1&stdin=1&stdout=1&stderr=1 "
                b"HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
                b"Content-Length: 0\r\n\r\n"
            )
            assert b"101" in sock.recv(4096)
            sock.close()
        # an exec whose client goes away: its process is hung up, the session ends
        status, created = service.json(
            "POST",
            "/v1.41/containers/chatty/exec",
            {"Cmd": ["sleep", "1000"], "AttachStdout": True, "AttachStderr": True},
        )
        assert status == 201
        exec_id = created["Id"]
        sock = connect(service.socket_path)
        body = b'{"Detach": false, "Tty": false}'
        sock.sendall(
            b"POST /v1.41/exec/%s/start HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\n"
            b"Upgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
            % (exec_id.encode(), len(body), body)
        )
        assert b"101" in sock.recv(4096)
        deadline = time.monotonic() + 30  # a loaded machine
        while (state := service.json("GET", f"/v1.41/exec/{exec_id}/json")[1])["Pid"] == 0:
            assert state["Running"], (
                f"the exec ended before it started: {state}; {service.log_text()[-3000:]}"
            )
            assert time.monotonic() < deadline, (
                f"no exec process: {state}; {service.log_text()[-3000:]}"
            )
            time.sleep(0.1)
        sock.close()
        deadline = time.monotonic() + 15
        while service.json("GET", f"/v1.41/exec/{exec_id}/json")[1]["Running"]:
            assert time.monotonic() < deadline, "the exec outlived its client"
            time.sleep(0.2)
        top = service.docker("top", "chatty").stdout
        assert "sleep 1000" not in top
        assert _settle(service, baseline) <= baseline, "the server kept threads of gone clients"
        state = service.docker("inspect", "-f", "{{.State.Status}} {{json .State}}", "quiet")
        assert state.stdout.startswith("running "), state.stdout + service.log_text()[-3000:]
    finally:
        service.docker("rm", "-f", "chatty", "quiet", check=False)


def _sent_in_background(sock: socket.socket, data: bytes) -> threading.Thread:
    def send() -> None:
        with contextlib.suppress(OSError):
            sock.sendall(data)

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


def test_body_over_the_limit_is_413(service: Service) -> None:
    big = json.dumps({"Image": "base", "Env": ["X=" + "y" * (6 * 1024 * 1024)]}).encode()
    with contextlib.closing(connect(service.socket_path)) as sock:
        head = (
            b"POST /v1.41/containers/create HTTP/1.1\r\nHost: d\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(big)
        )
        sender = _sent_in_background(sock, head + big)
        data = b""
        with contextlib.suppress(OSError):
            while chunk := sock.recv(65536):
                data += chunk
        sender.join(10)
    status, _, body = parse_response(data)
    assert status == 413
    assert "request body too large" in json.loads(body)["message"]
    assert service.docker("ps", "-aq").stdout == ""  # nothing was created


@pytest.mark.parametrize(
    ("path", "body", "status", "words"),
    [
        ("/v1.41/containers/create", b'{"Image": "base", ', 400, "invalid JSON"),
        ("/v1.41/containers/create", b'["base"]', 400, "expected an object"),
        ("/v1.41/containers/create", b'{"Image": 7}', 400, "Image"),
        ("/v1.41/containers/nosuch/start", b"", 404, "nosuch"),
        ("/v1.12/containers/json", b"", 400, "too old"),
        ("/v1.41/nowhere", b"", 404, "page not found"),
    ],
)
def test_bad_requests_get_docker_error_bodies(
    service: Service, path: str, body: bytes, status: int, words: str
) -> None:
    method = (
        "GET" if ("json" in path and not body and "v1.12" in path) or "nowhere" in path else "POST"
    )
    got, headers, data = service.request(method, path, body, {"Content-Type": "application/json"})
    assert got == status
    assert headers["content-type"] == "application/json"
    assert words in json.loads(data)["message"]


def _tar(*members: tuple[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as archive:
        for name, content in members:
            info = tarfile.TarInfo(name)
            if isinstance(content, str):  # a symlink to content
                info.type = tarfile.SYMTYPE
                info.linkname = content
                archive.addfile(info)
            else:
                info.size = len(content)
                archive.addfile(info, io.BytesIO(content))
    return out.getvalue()


def test_archive_put_cannot_escape(service: Service) -> None:
    service.docker("run", "-d", "--name", "target", "base", "sleep", "300")
    try:
        outside = service.env.home / "escaped"
        for archive in (
            _tar(("../../../../../../escaped", b"out")),
            _tar(("link", str(service.env.home)), ("link/escaped", b"out")),
        ):
            status, _, data = service.request(
                "PUT",
                "/v1.41/containers/target/archive?path=/tmp",
                archive,
                {"Content-Type": "application/x-tar"},
            )
            assert 400 <= status < 500, data
            assert json.loads(data)["message"]
            assert not outside.exists()
        ls = service.docker("exec", "target", "ls", "/", "/tmp").stdout
        assert "escaped" not in ls
        # A well-formed archive lands where it was sent.
        status, _, _ = service.request(
            "PUT", "/v1.41/containers/target/archive?path=/tmp", _tar(("ok.txt", b"fine\n"))
        )
        assert status == 200
        assert service.docker("exec", "target", "cat", "/tmp/ok.txt").stdout == "fine\n"
    finally:
        service.docker("rm", "-f", "target", check=False)
