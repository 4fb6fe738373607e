"""Where ``import`` reads its tarball from, as podman's import: a file, ``-`` for
standard input, or a URL (anything with a scheme and a ``/`` after it, which Go's
url.ParseRequestURI takes) fetched over HTTP(S). podman's words for the failures."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO
from urllib.parse import urlsplit

from hutch.api.errors import InvalidArgument
from hutch.api.images import is_import_url

# an empty input is an image with an empty layer in podman; here the layer is an
# empty tar (two zero blocks), so that it unpacks and saves like any other
EMPTY_TAR = b"\0" * 1024


def _go_reason(exc: OSError) -> str:
    """Go's lower-case words for an errno (``no such file or directory``)."""
    text = exc.strerror or str(exc)
    return text[:1].lower() + text[1:]


def _fetch_error(url: str, exc: BaseException) -> InvalidArgument:
    reason: BaseException | str = getattr(exc, "reason", exc)
    parts = urlsplit(url)
    if isinstance(reason, ConnectionRefusedError):
        port = parts.port or (443 if parts.scheme == "https" else 80)
        reason = f"dial tcp {parts.hostname}:{port}: connect: connection refused"
    return InvalidArgument(f'downloading {url}: Get "{url}": {reason}')


def _open_url(url: str) -> BinaryIO:
    import urllib.error
    import urllib.request

    scheme = urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise InvalidArgument(
            f'downloading {url}: Get "{url}": unsupported protocol scheme "{scheme}"'
        )
    try:
        response: BinaryIO = urllib.request.urlopen(url, timeout=60)
    except urllib.error.HTTPError as exc:
        return exc  # type: ignore[return-value]  # podman reads the body whatever the status
    except (urllib.error.URLError, OSError) as exc:
        raise _fetch_error(url, exc) from exc
    return response


def _nonempty(stream: BinaryIO) -> BinaryIO:
    peek = getattr(stream, "peek", None)
    head = peek(1) if peek is not None else b"?"
    return io.BytesIO(EMPTY_TAR) if not head else stream


@contextmanager
def open_source(source: str) -> Iterator[BinaryIO]:
    """The tarball's bytes (an empty input reads as an empty tar)."""
    if source == "-":
        yield _nonempty(sys.stdin.buffer)
        return
    if is_import_url(source):
        stream = _open_url(source)
    else:
        try:
            stream = open(source, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:  # podman's words, Go's reason
            raise InvalidArgument(
                f'error opening "{source}": open {source}: {_go_reason(exc)}'
            ) from exc
    with stream:
        yield _nonempty(stream)
