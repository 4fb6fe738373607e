"""One client connection: HTTP/1.1 through h11, requests to the router.

h11 (python-hyper; sans-I/O) parses requests and frames streamed responses:
keep-alive, Content-Length and chunked bodies both ways, HEAD, and the switch
of protocols that attach and exec need (``Upgrade: tcp``, 101), after which it
hands the socket back with the bytes that followed the request. A whole
answer is framed here (``_send_plain`` says why). The socket, the threads and
the timing stay ours, which a hijack needs anyway.

A streamed answer (logs -f, events, stats) is produced by a thread of its
own and sent by this one: the engine's iterators block while they wait for
output and cannot see the client leave, so this thread watches the socket
(POLLRDHUP) between pieces, and every half second while none comes, and when
the client has gone, tells the producer to stop: it closes the iterator (its
``finally`` blocks run) at its next piece. A stream that may have nothing to
send for ever must get there without output: its iterator asks
``Request.gone`` while it waits (logs -f, events, wait) or yields an empty
piece now and then (stats), which is sent as nothing (an empty chunk would end
the chunked body).
"""

from __future__ import annotations

import contextlib
import json
import queue
import select
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import h11

from hutch.api.errors import HutchError
from hutch.service.errors import ApiError, message_of, status_of
from hutch.service.reply import Hijack, Hijacked, Reply, Stream
from hutch.service.request import API_VERSION, Request
from hutch.service.router import split_version

if TYPE_CHECKING:
    from hutch.service.context import ServiceContext
    from hutch.service.router import Router

RECV = 65536
# Headers of one request: more is a 431 (h11 refuses it for us).
MAX_HEADERS = 64 * 1024
# Left-over body a handler did not read is drained up to this, to keep the
# connection; more and the connection is closed instead.
MAX_DRAIN = 1024 * 1024
_END = object()


class Activity:
    """Requests in progress and the time the last one ended (the idle timer)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.busy = 0
        self.last = clock()

    def begin(self) -> None:
        with self._lock:
            self.busy += 1

    def end(self) -> None:
        with self._lock:
            self.busy -= 1
            self.last = self._clock()

    def touch(self) -> None:
        with self._lock:
            self.last = self._clock()

    def idle_for(self) -> float:
        with self._lock:
            return 0.0 if self.busy else self._clock() - self.last


class Connection:
    def __init__(
        self,
        sock: socket.socket,
        ctx: ServiceContext,
        router: Router,
        activity: Activity,
    ) -> None:
        self.sock = sock
        self.ctx = ctx
        self.router = router
        self.activity = activity
        self.h11 = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEADERS)
        self._fixed = _fixed_headers(ctx.config.version, ctx.config.cors)

    # -- the loop --------------------------------------------------------------

    def serve(self) -> None:
        try:
            while self._one():
                # The request's engine ends with it: its database connection goes back
                # now, not when the client closes a kept-alive connection (docker-py
                # keeps ten) or when the garbage collector gets to it.
                self.ctx.release_engine()
                if self.h11.our_state is h11.DONE:  # a stream's end (a plain answer renews it)
                    self.h11.start_next_cycle()
        except (OSError, h11.ProtocolError):
            pass
        finally:
            self.ctx.release_engine()
            with contextlib.suppress(OSError):
                self.sock.close()

    def _one(self) -> bool:
        """Serve one request; whether the connection can take another."""
        try:
            event = self._next_event()
        except h11.RemoteProtocolError as exc:
            self._send_error(exc.error_status_hint, str(exc))
            return False
        if not isinstance(event, h11.Request):
            return False
        self.activity.begin()
        try:
            request = self._request(event)
            target = event.target.decode("latin-1")
            answer = self._dispatch(request)
            if self.ctx.config.log_requests:
                status = answer.status if isinstance(answer, Reply | Stream) else 101
                print(f"INFO: {request.method} {target} {status}", file=sys.stderr, flush=True)
            if isinstance(answer, Hijack):
                self._hijack(request, answer)
                return False
            if not self._finish_body(request):
                self._send(answer, request)
                return False
            return self._send(answer, request)
        finally:
            self.activity.end()

    def _next_event(self) -> Any:
        while True:
            event = self.h11.next_event()
            if event is not h11.NEED_DATA:
                return event
            data = self.sock.recv(RECV)
            self.h11.receive_data(data)

    def _request(self, event: h11.Request) -> Request:
        headers: dict[str, str] = {}
        for name, value in event.headers:
            key = name.decode("latin-1").lower()
            text = value.decode("latin-1")
            headers[key] = f"{headers[key]}, {text}" if key in headers else text
        target = event.target.decode("latin-1")
        parts = urlsplit(target)
        return Request(
            method=event.method.decode("ascii"),
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers=headers,
            body_limit=self.ctx.config.max_body,
            read_body=self._read_body,
        )

    def _read_body(self) -> bytes:
        while True:
            if self.h11.their_state is not h11.SEND_BODY:
                return b""
            event = self._next_event()
            if isinstance(event, h11.Data):
                if event.data:
                    return bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                return b""
            else:
                return b""

    def _finish_body(self, request: Request) -> bool:
        """Read what the handler left of the body; False if too much was left."""
        left = 0
        while self.h11.their_state is h11.SEND_BODY:
            data = self._read_body()
            left += len(data)
            if left > MAX_DRAIN:
                return False
        return True

    # -- dispatch --------------------------------------------------------------

    def _dispatch(self, request: Request) -> Reply | Stream | Hijack:
        try:
            request.version, request.path = split_version(request.path)
            handler, params = self.router.match(request.method, request.path)
            request.params = params
            return handler(self.ctx, request)
        except (h11.RemoteProtocolError, ConnectionError):
            # The client left while the handler read its body (an upload cut short):
            # no answer can reach it; the handler's cleanup ran, serve() ends quietly.
            raise
        except ApiError as exc:
            return error_reply(exc.status, exc.message)
        except HutchError as exc:
            return error_reply(status_of(exc), message_of(exc))
        except Exception as exc:
            # A bug of ours: the client gets a 500 with the error, the log the trace.
            import traceback  # here: the service's start-up is its first client's wait

            print(f"ERRO: {request.method} {request.path}: {exc!r}", file=sys.stderr)
            traceback.print_exc(file=sys.stderr)
            return error_reply(500, f"internal error: {exc}")

    # -- answers ---------------------------------------------------------------

    def _headers(self, content_type: str, extra: tuple[tuple[str, str], ...]) -> list[Any]:
        headers = list(_common_headers(self.ctx.config.version, self.ctx.config.cors))
        if content_type:
            headers.append(("Content-Type", content_type))
        headers.extend(extra)
        return headers

    def _write(self, *events: Any) -> None:
        # One send for a whole answer: the client wakes once (docker ps waits on two)
        data = b"".join(self.h11.send(event) or b"" for event in events)
        if data:
            self.sock.sendall(data)

    def _send(self, answer: Reply | Stream, request: Request) -> bool:
        if isinstance(answer, Stream):
            return self._send_stream(answer, request)
        return self._send_plain(answer, request)

    def _send_plain(self, answer: Reply, request: Request) -> bool:
        """A whole answer, framed here: h11's checks of each header of each answer
        were half the CPU time of a ``/_ping`` (about 50 of 100 microseconds).
        Content-Length framing and keep-alive follow h11's rules (RFC 9112): the
        connection is kept when the client spoke HTTP/1.1 without
        ``Connection: close`` and read its whole body; a fresh h11 state then
        parses what the client sent next."""
        keep = self._keep_alive(request)
        lines = [f"HTTP/1.1 {answer.status} {_reason(answer.status).decode()}", self._fixed]
        if answer.content_type:
            lines.append(f"Content-Type: {answer.content_type}")
        lines += [f"{name}: {value}" for name, value in answer.headers]
        if any("\r" in line or "\n" in line for line in lines[2:]):
            # h11 refused these too: a header cannot smuggle another one
            raise h11.LocalProtocolError(f"a line break in a header of a {answer.status} answer")
        bodyless = answer.status in (204, 304) or 100 <= answer.status < 200
        if not bodyless:
            lines.append(f"Content-Length: {len(answer.body)}")
        if not keep:
            lines.append("Connection: close")
        head = "\r\n".join(lines)
        data = head.encode("latin-1") + b"\r\n\r\n"
        if answer.body and request.method != "HEAD" and not bodyless:
            data += answer.body
        self.sock.sendall(data)
        if not keep:
            return False
        pending, closed = self.h11.trailing_data
        self.h11 = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEADERS)
        if pending:
            self.h11.receive_data(bytes(pending))
        if closed:
            self.h11.receive_data(b"")  # h11's end of file
        return True

    def _keep_alive(self, request: Request) -> bool:
        """h11's rule, on the request it parsed (False after a parse error)."""
        if self.h11.their_http_version != b"1.1" or self.h11.their_state is not h11.DONE:
            return False
        connection = request.headers.get("connection", "")
        return "close" not in (token.strip().lower() for token in connection.split(","))

    def _send_stream(self, answer: Stream, request: Request) -> bool:
        headers = self._headers(answer.content_type, answer.headers)
        self._write(
            h11.Response(status_code=answer.status, headers=headers, reason=_reason(answer.status))
        )
        if request.method == "HEAD":
            _close(answer.chunks)
            self._write(h11.EndOfMessage())
            return True
        pieces: queue.Queue[object] = queue.Queue(maxsize=64)
        stop = threading.Event()
        producer = threading.Thread(
            target=_produce,
            args=(answer.chunks, pieces, stop, self.ctx.release_engine),
            daemon=True,
            name="stream",
        )
        producer.start()
        try:
            while True:
                try:
                    piece = pieces.get(timeout=0.5)
                except queue.Empty:
                    if peer_gone(self.sock):
                        return False
                    continue
                if piece is _END:
                    break
                if isinstance(piece, BaseException):
                    # The status is sent: the error can only end the stream.
                    print(f"ERRO: {request.path}: {piece}", file=sys.stderr)
                    return False
                assert isinstance(piece, bytes)
                if piece:
                    self._write(h11.Data(data=piece))
                elif peer_gone(self.sock):
                    return False
            self._write(h11.EndOfMessage())
            return self.h11.their_state is h11.DONE
        finally:
            stop.set()
            request.gone.set()

    def _hijack(self, request: Request, answer: Hijack) -> None:
        while self.h11.their_state is h11.SEND_BODY:
            self._read_body()
        headers = self._headers(answer.content_type, ())
        if self.h11.their_state is not h11.DONE:  # MIGHT_SWITCH_PROTOCOL: it asked
            headers += [("Connection", "Upgrade"), ("Upgrade", "tcp")]
            self._write(h11.InformationalResponse(status_code=101, headers=headers))
            pending, _closed = self.h11.trailing_data
        else:
            # The client did not ask to switch: Docker answers 200 and hands
            # the socket over all the same (no framing follows the head).
            head = "HTTP/1.1 200 OK\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
            self.sock.sendall(head.encode("latin-1") + b"\r\n")
            pending, _closed = self.h11.trailing_data
        answer.run(Hijacked(self.sock, bytes(pending)))

    def _send_error(self, status: int, message: str) -> None:
        with contextlib.suppress(OSError, h11.ProtocolError):
            self._send(error_reply(status, message), Request("GET", "/", {}, {}))


def _common_headers(version: str, cors: str = "") -> tuple[tuple[str, str], ...]:
    """What every answer says (Docker's headers; podman's compat API sends them too),
    and with ``--cors`` the three CORS headers podman's API sends, in its words. As
    podman's, no route answers OPTIONS: a preflight gets 405 (or 404), so browsers
    send only simple requests (podman-system-service(1) offers no more)."""
    common = (
        ("Api-Version", f"{API_VERSION[0]}.{API_VERSION[1]}"),
        ("Docker-Experimental", "false"),
        ("Ostype", "linux"),
        ("Server", f"hutch/{version} (linux)"),
    )
    if not cors:
        return common
    return (
        *common,
        ("Access-Control-Allow-Origin", cors),
        ("Access-Control-Allow-Headers", CORS_ALLOW_HEADERS),
        ("Access-Control-Allow-Methods", CORS_ALLOW_METHODS),
    )


# podman's values (pkg/api/server/handler_api.go), which its users' pages expect
CORS_ALLOW_HEADERS = (
    "Origin, X-Requested-With, Content-Type, Accept, X-Registry-Auth, Connection, Upgrade, "
    "X-Registry-Config"
)
CORS_ALLOW_METHODS = "HEAD, GET, POST, DELETE, PUT, OPTIONS"


def _fixed_headers(version: str, cors: str = "") -> str:
    return "\r\n".join(f"{name}: {value}" for name, value in _common_headers(version, cors))


def _reason(status: int) -> bytes:
    try:
        return HTTPStatus(status).phrase.encode()
    except ValueError:
        return b""


def error_reply(status: int, message: str) -> Reply:
    return Reply(status, json.dumps({"message": message}).encode() + b"\n")


def _produce(
    chunks: Iterator[bytes],
    pieces: queue.Queue[object],
    stop: threading.Event,
    release_engine: Callable[[], None],
) -> None:
    try:
        for chunk in chunks:
            if not _put(pieces, chunk, stop):
                return
        _put(pieces, _END, stop)
    except Exception as exc:
        _put(pieces, exc, stop)
    finally:
        _close(chunks)
        # the engine the chunks built in this thread (logs, events, wait): its
        # database connection goes back (it stayed open until collected before)
        release_engine()


def _put(pieces: queue.Queue[object], item: object, stop: threading.Event) -> bool:
    while not stop.is_set():
        try:
            pieces.put(item, timeout=0.5)
            return True
        except queue.Full:
            continue
    return False


def _close(chunks: Iterator[bytes]) -> None:
    close = getattr(chunks, "close", None)
    if close is not None:
        close()


def peer_gone(sock: socket.socket, *, half_close: bool = True) -> bool:
    """Whether the client closed its side (or the connection broke).

    ``half_close=False``: only a connection closed both ways counts (POLLHUP);
    a hijacked client half-closes when it has no input to send (docker run
    without -i), and is still reading.
    """
    poller = select.poll()
    poller.register(sock, select.POLLRDHUP if half_close else 0)
    for _fd, events in poller.poll(0):
        if events & (select.POLLRDHUP | select.POLLHUP | select.POLLERR):
            return True
    return False
