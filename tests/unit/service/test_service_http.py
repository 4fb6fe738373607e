"""The HTTP layer over a real socket pair: keep-alive, chunked uploads,
errors as Docker's bodies, streams that end when the client goes, hijack."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from hutch.api.errors import Conflict, NoSuchObject
from hutch.service.context import ServiceConfig, ServiceContext
from hutch.service.http11 import Activity, Connection
from hutch.service.reply import Hijack, Hijacked, Reply, Stream, json_reply
from hutch.service.request import Request
from hutch.service.router import Router
from hutch.service.sessions import Sessions


class Probe:
    def __init__(self) -> None:
        self.closed = threading.Event()


def _router(probe: Probe) -> Router:
    router = Router()
    router.get("/_ping", "routes_ping:ping")  # named: loaded on first use

    def echo(ctx: ServiceContext, req: Request) -> Reply:
        return json_reply({"body": req.json(), "v": list(req.version), "q": req.query})

    def upload(ctx: ServiceContext, req: Request) -> Reply:
        return json_reply({"size": sum(len(c) for c in req.stream())})

    def missing(ctx: ServiceContext, req: Request) -> Reply:
        raise NoSuchObject(f"no such container: {req.params['id']}")

    def busy(ctx: ServiceContext, req: Request) -> Reply:
        raise Conflict("it is running", hint="stop it first")

    def boom(ctx: ServiceContext, req: Request) -> Reply:
        raise RuntimeError("bug")

    def injected(ctx: ServiceContext, req: Request) -> Reply:
        return Reply(200, b"x", headers=(("X-Name", "a\r\nSet-Cookie: b"),))

    def forever(ctx: ServiceContext, req: Request) -> Stream:
        def chunks() -> Iterator[bytes]:
            try:
                yield b"first\n"
                while True:
                    time.sleep(0.05)
                    yield b""
            finally:
                probe.closed.set()

        return Stream(chunks())

    def hijack(ctx: ServiceContext, req: Request) -> Hijack:
        def run(conn: Hijacked) -> None:
            data = conn.recv()
            conn.send(b"echo:" + data)
            conn.close_write()

        return Hijack(run)

    router.post("/echo", echo)
    router.put("/upload", upload)
    router.get("/containers/{id}/json", missing)
    router.post("/busy", busy)
    router.get("/boom", boom)
    router.get("/injected", injected)
    router.get("/forever", forever)
    router.post("/hijack", hijack)
    return router


@pytest.fixture
def client() -> Iterator[tuple[socket.socket, Probe]]:
    ours, theirs = socket.socketpair()
    probe = Probe()
    ctx = ServiceContext(lambda: None, ServiceConfig(max_body=1000, version="9"), Sessions())  # type: ignore[arg-type,return-value]
    conn = Connection(theirs, ctx, _router(probe), Activity(time.monotonic))
    thread = threading.Thread(target=conn.serve, daemon=True)
    thread.start()
    ours.settimeout(10)
    yield ours, probe
    ours.close()
    thread.join(5)


def _response(sock: socket.socket, head: bool = False) -> tuple[int, dict[str, str], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    top, _, rest = data.partition(b"\r\n\r\n")
    lines = top.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    if "content-length" in headers and not head:
        while len(rest) < int(headers["content-length"]):
            rest += sock.recv(65536)
    return status, headers, rest


def test_ping_and_keep_alive(client: tuple[socket.socket, Probe]) -> None:
    sock, _ = client
    for _ in range(2):
        sock.sendall(b"GET /_ping HTTP/1.1\r\nHost: d\r\n\r\n")
        status, headers, body = _response(sock)
        assert (status, body) == (200, b"OK")
        assert headers["api-version"] == "1.41"
    sock.sendall(b"HEAD /_ping HTTP/1.1\r\nHost: d\r\n\r\n")
    status, headers, body = _response(sock, head=True)
    assert (status, body) == (200, b"")
    assert headers["api-version"] == "1.41"
    sock.sendall(b"GET /_ping HTTP/1.1\r\nHost: d\r\n\r\n")  # still in step after a HEAD
    assert _response(sock)[2] == b"OK"


def test_chunked_upload_and_json_echo(client: tuple[socket.socket, Probe]) -> None:
    sock, _ = client
    sock.sendall(
        b"PUT /upload HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    )
    assert json.loads(_response(sock)[2]) == {"size": 11}
    body = b'{"a": 1}'
    sock.sendall(
        b"POST /v1.30/echo?x=1 HTTP/1.1\r\nHost: d\r\nContent-Length: %d\r\n\r\n%s"
        % (len(body), body)
    )
    assert json.loads(_response(sock)[2]) == {"body": {"a": 1}, "v": [1, 30], "q": {"x": ["1"]}}


@pytest.mark.parametrize(
    ("request_line", "body", "status", "message"),
    [
        (b"GET /containers/abc/json", b"", 404, "no such container: abc"),
        (b"POST /busy", b"", 409, "it is running (stop it first)"),
        (b"POST /echo", b"{bad", 400, "invalid JSON in the request body"),
        (b"POST /echo", b"x" * 1500, 413, "request body too large"),
        (b"GET /nowhere", b"", 404, "page not found"),
        (b"GET /boom", b"", 500, "internal error: bug"),
    ],
)
def test_errors_are_docker_bodies(
    client: tuple[socket.socket, Probe], request_line: bytes, body: bytes, status: int, message: str
) -> None:
    sock, _ = client
    sock.sendall(request_line + b" HTTP/1.1\r\nHost: d\r\nContent-Length: %d\r\n\r\n" % len(body))
    sock.sendall(body)
    got, headers, data = _response(sock)
    assert got == status
    assert headers["content-type"] == "application/json"
    assert json.loads(data)["message"].startswith(message)


def test_stream_ends_when_the_client_goes(client: tuple[socket.socket, Probe]) -> None:
    sock, probe = client
    sock.sendall(b"GET /forever HTTP/1.1\r\nHost: d\r\n\r\n")
    status, headers, rest = _response(sock)
    assert status == 200 and headers["transfer-encoding"] == "chunked"
    while b"first" not in rest:
        rest += sock.recv(100)
    sock.shutdown(socket.SHUT_RDWR)
    assert probe.closed.wait(5), "the stream's iterator was not closed"


def test_hijack_switches_protocols(client: tuple[socket.socket, Probe]) -> None:
    sock, _ = client
    sock.sendall(
        b"POST /hijack HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
        b"Content-Length: 2\r\n\r\n{}early"
    )
    status, headers, rest = _response(sock)
    assert status == 101 and headers["upgrade"] == "tcp"
    while not rest.endswith(b"early"):
        rest += sock.recv(100)
    assert rest == b"echo:early"
    assert sock.recv(100) == b""  # the handler closed its side


def test_hijack_without_upgrade_answers_200_raw(client: tuple[socket.socket, Probe]) -> None:
    sock, _ = client
    sock.sendall(b"POST /hijack HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\n\r\nabc")
    status, headers, rest = _response(sock)
    assert status == 200 and headers["content-type"] == "application/vnd.docker.raw-stream"
    while not rest.endswith(b"abc"):
        rest += sock.recv(100)
    assert rest == b"echo:abc"


def test_garbage_is_400(client: tuple[socket.socket, Probe]) -> None:
    sock, _ = client
    sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
    status, _, data = _response(sock)
    assert status == 400 and "message" in json.loads(data)


def test_pipelined_requests_are_answered_in_turn(client: tuple[socket.socket, Probe]) -> None:
    """A plain answer is framed by the service itself, and a fresh h11 state takes
    the bytes the client sent after its request."""
    sock, _ = client
    sock.sendall(
        b"GET /_ping HTTP/1.1\r\nHost: d\r\n\r\n" * 2 + b"HEAD /_ping HTTP/1.1\r\nHost: d\r\n\r\n"
    )
    data = b""
    while data.count(b"HTTP/1.1 200 OK") < 3 or not data.endswith(b"\r\n\r\n"):
        data += sock.recv(65536)
    answers = data.split(b"HTTP/1.1 200 OK\r\n")[1:]
    assert [a.endswith(b"\r\n\r\nOK") for a in answers] == [True, True, False]
    assert all(b"Content-Length: 2\r\n" in a and b"Connection" not in a for a in answers)
    sock.sendall(b"GET /_ping HTTP/1.1\r\nHost: d\r\n\r\n")
    assert _response(sock)[2] == b"OK"


@pytest.mark.parametrize(
    "request_line",
    [
        b"GET /_ping HTTP/1.0\r\n\r\n",
        b"GET /_ping HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n",
    ],
)
def test_the_connection_closes_when_the_client_asks(
    client: tuple[socket.socket, Probe], request_line: bytes
) -> None:
    sock, _ = client
    sock.sendall(request_line)
    status, headers, body = _response(sock)
    assert (status, body, headers["connection"]) == (200, b"OK", "close")
    assert sock.recv(10) == b""  # closed by the service


def test_a_line_break_in_a_header_never_reaches_the_client(
    client: tuple[socket.socket, Probe],
) -> None:
    sock, _ = client
    sock.sendall(b"GET /injected HTTP/1.1\r\nHost: d\r\n\r\n")
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    assert b"Set-Cookie" not in data


def _serve_with(config: ServiceConfig) -> tuple[socket.socket, threading.Thread]:
    ours, theirs = socket.socketpair()
    ctx = ServiceContext(lambda: None, config, Sessions())  # type: ignore[arg-type,return-value]
    conn = Connection(theirs, ctx, _router(Probe()), Activity(time.monotonic))
    thread = threading.Thread(target=conn.serve, daemon=True)
    thread.start()
    ours.settimeout(10)
    return ours, thread


CORS_NAMES = (
    "access-control-allow-origin",
    "access-control-allow-headers",
    "access-control-allow-methods",
)


def test_cors_headers_on_every_answer_when_asked() -> None:
    # system service --cors ORIGIN: podman's three headers on answers, errors and streams
    sock, thread = _serve_with(ServiceConfig(version="9", cors="https://example.com"))
    try:
        for line, want in (
            (b"GET /_ping", 200),
            (b"GET /containers/x/json", 404),
            (b"GET /forever", 200),
        ):
            sock.sendall(line + b" HTTP/1.1\r\nHost: d\r\n\r\n")
            status, headers, _ = _response(sock)
            assert status == want
            assert headers["access-control-allow-origin"] == "https://example.com", line
            assert (
                headers["access-control-allow-methods"] == "HEAD, GET, POST, DELETE, PUT, OPTIONS"
            )
            assert "X-Registry-Auth" in headers["access-control-allow-headers"]
            if line == b"GET /forever":
                break
        # a preflight: no route answers OPTIONS, as podman's (405)
        sock2, thread2 = _serve_with(ServiceConfig(version="9", cors="*"))
        sock2.sendall(b"OPTIONS /_ping HTTP/1.1\r\nHost: d\r\nOrigin: https://x\r\n\r\n")
        assert _response(sock2)[0] == 405
        sock2.close()
        thread2.join(5)
    finally:
        sock.close()
        thread.join(5)


def test_no_cors_headers_by_default(client: tuple[socket.socket, Probe]) -> None:
    sock, _ = client
    sock.sendall(b"GET /_ping HTTP/1.1\r\nHost: d\r\nOrigin: https://x\r\n\r\n")
    _, headers, _ = _response(sock)
    assert not set(CORS_NAMES) & set(headers)
