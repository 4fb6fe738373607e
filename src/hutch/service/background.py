"""Long engine work (pull, push, build, load) behind a streamed answer.

The work runs in a thread of its own with its own engine (an engine's
database connection belongs to the thread that opened it), while the
stream's generator waits for it: ``yield from background(...)`` gives the
generator the work's result (or raises its error) and, meanwhile, yields a
keep-alive piece now and then, so the server notices a client that left and
a client's read timeout does not fire during a long pull.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from hutch.api.errors import HutchError
from hutch.api.images import RegistryAccess
from hutch.service.errors import ApiError, message_of
from hutch.service.listen import is_loopback

if TYPE_CHECKING:
    from hutch.api.engine import Engine
    from hutch.service.context import ServiceContext

T = TypeVar("T")
TICK = 0.5


def background(
    ctx: ServiceContext,
    work: Callable[[Engine], T],
    heartbeat: Callable[[], bytes] = lambda: b"",
    every: float = 10.0,
    poll: Callable[[], bytes] = lambda: b"",
    *,
    stops_when_gone: bool = False,
) -> Generator[bytes, None, T]:
    """Run ``work(engine)`` in a thread until it ends; return its result or raise its
    exception. Meanwhile yield ``poll()`` every half second (what the work wrote
    so far; b"" if nothing) and ``heartbeat()`` every ``every`` seconds; ``poll``
    is called once more at the end.

    ``stops_when_gone``: the work asks ``Request.gone`` and ends soon after its
    client left (build, pull, push, load, import), so the generator, closed
    because the client left, waits for it: what the caller's ``finally`` removes
    (the build's context, the uploaded archive) is no longer in use then. Other
    work runs on to its end unwaited."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append((True, work(ctx.engine())))
        except BaseException as exc:  # handed to the waiting generator
            outcome.append((False, exc))
        finally:
            ctx.release_engine()

    worker = threading.Thread(target=run, daemon=True, name="engine-work")
    worker.start()
    waited = 0.0
    try:
        while worker.is_alive():
            worker.join(TICK)
            waited += TICK
            yield poll()
            if waited >= every:
                waited = 0.0
                yield heartbeat()
    finally:
        if stops_when_gone:
            worker.join()
    yield poll()
    ok, value = outcome[0]
    if not ok:
        raise value
    result: T = value
    return result


def json_line(value: Any) -> bytes:
    return json.dumps(value).encode() + b"\n"


def error_line(exc: BaseException) -> bytes:
    """Docker's in-stream error (the status is already sent)."""
    if isinstance(exc, HutchError):
        message = message_of(exc)
    elif isinstance(exc, ApiError):
        message = exc.message
    else:
        message = f"internal error: {exc}"
    return json_line({"errorDetail": {"message": message}, "error": message})


def streamed(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """``chunks``, ending with Docker's error line when they fail."""
    try:
        yield from chunks
    except Exception as exc:
        yield error_line(exc)


# -- registries -------------------------------------------------------------------------


def registry_access(header: str | None, registry: str) -> RegistryAccess:
    """The ``X-Registry-Auth`` header (base64url JSON: username, password) as hutch's
    access; a loopback registry is reached without TLS, as Docker's default
    insecure range 127.0.0.0/8 allows."""
    creds = None
    if header:
        try:
            padded = header + "=" * (-len(header) % 4)
            data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        except ValueError as exc:
            raise ApiError(400, f"invalid X-Registry-Auth header: {exc}") from None
        if isinstance(data, dict) and data.get("username"):
            creds = f"{data['username']}:{data.get('password') or ''}"
    host = registry.rsplit(":", 1)[0] if registry.count(":") == 1 else registry
    return RegistryAccess(tls_verify=False if is_loopback(host.strip("[]")) else None, creds=creds)


def registry_of(reference: str) -> str:
    """The registry part of an image reference (``""``: a short name)."""
    first, sep, _ = reference.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        return first
    return ""
