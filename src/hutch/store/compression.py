"""Layer compression: recognise it from magic bytes and stream it away (and, for a
push, gzip a plain layer as it is read: ``GzipReader``).

gzip is decoded by zlib in large steps (``_GzipStream``); zstd goes through Debian's
``zstd -dc`` (the standard library has no zstd before 3.14). Every reader
here is a streaming wrapper so that one pass over the blob yields both the
compressed digest and the uncompressed diff id.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import shutil
import subprocess
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from types import ModuleType
from typing import IO, BinaryIO, Literal, Protocol

from hutch.api.errors import HostNotReady, HutchError

Compression = Literal["gzip", "zstd", "none"]

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_CHUNK = 1 << 20


def detect(head: bytes) -> Compression:
    """Name the compression of a stream from its first bytes (4 are enough)."""
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    return "none"


class _Source(Protocol):
    """Anything with ``read(size)``: files, pipes, GzipFile, our own wrappers."""

    def read(self, size: int, /) -> bytes: ...


class _Reader(io.BufferedIOBase, BinaryIO):
    """A read-only, non-seekable stream; subclasses implement ``_read``."""

    def readable(self) -> bool:
        return True

    def _read(self, size: int) -> bytes:
        raise NotImplementedError

    def read(self, size: int | None = -1, /) -> bytes:
        """Up to ``size`` bytes, fewer only at the end of the stream."""
        parts = []
        wanted = -1 if size is None or size < 0 else size
        while wanted != 0:
            chunk = self._read(_CHUNK if wanted < 0 else wanted)
            if not chunk:
                break
            parts.append(chunk)
            if wanted > 0:
                wanted -= len(chunk)
        return b"".join(parts)

    def read1(self, size: int = -1, /) -> bytes:
        return self.read(size)

    def readinto(self, buffer: memoryview | bytearray, /) -> int:  # type: ignore[override]
        data = self._read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class HashingReader(_Reader):
    """Pass reads through to ``src`` and keep a sha256 of every byte read."""

    def __init__(self, src: _Source) -> None:
        super().__init__()
        self._src = src
        self._hash = hashlib.sha256()
        self.count = 0

    def _read(self, size: int) -> bytes:
        data = self._src.read(size)
        self._hash.update(data)
        self.count += len(data)
        return data

    def drain(self) -> None:
        """Read to end of stream so that the digest covers all of it."""
        while self._read(_CHUNK):
            pass

    @property
    def digest(self) -> str:
        return f"sha256:{self._hash.hexdigest()}"


class _Refilled(_Reader):
    """A reader that hands out ``_out`` and asks ``_fill`` for more (setting
    ``_eof`` at the end): the decoder's and the encoder's shared shape."""

    _out = b""
    _pos = 0
    _eof = False

    def _read(self, size: int) -> bytes:
        while self._pos >= len(self._out):
            if self._eof:
                return b""
            self._fill()
        data = self._out[self._pos : self._pos + size]
        self._pos += len(data)
        return data

    def _fill(self) -> None:
        raise NotImplementedError


GZIP_BLOCK = 1 << 20  # plain bytes per deflate block: part of what the output is
_WINDOW = 32 << 10  # deflate's window: each block is primed with the 32 KiB before it
_AHEAD = 4  # blocks read and compressing ahead of the one being sent


def deflater() -> ModuleType:
    """zlib-ng's zlib module where it is installed (a dependency: deflate at level 6
    in about half of zlib's time, measured 3.8 s against 6.7 s for a 94 MB layer
    tar, for 1.4 % more bytes), else the standard zlib. Both release the GIL while
    they compress. The bytes differ between the two, so which one made a record
    matters only as a zlib upgrade does: a record the registry lacks is made again."""
    import importlib

    try:
        return importlib.import_module("zlib_ng.zlib_ng")
    except ImportError:
        return zlib


def _deflate_block(engine: ModuleType, block: bytes, primer: bytes, level: int) -> bytes:
    """One block as raw deflate, primed with the data before it, ending byte-aligned
    and not final (a sync flush), so blocks made apart join into one stream."""
    wbits = -zlib.MAX_WBITS
    if primer:
        c = engine.compressobj(level, zlib.DEFLATED, wbits, 8, 0, zdict=primer)
    else:
        c = engine.compressobj(level, zlib.DEFLATED, wbits)
    return bytes(c.compress(block) + c.flush(zlib.Z_SYNC_FLUSH))


class GzipReader(_Refilled):
    """The gzip of ``src``, made as it is read: a push sends a plain layer gzipped
    while it compresses it (one pass, no file of the compressed blob).

    As pigz and Go's pgzip (podman's gzip) do, the layer is cut into
    ``GZIP_BLOCK`` pieces deflated apart on ``workers`` threads (zlib lets go of
    the GIL while it compresses: both cores work), each primed with the 32 KiB
    before it so the ratio stays near one stream's; the pieces join into one gzip
    member that any gunzip reads. The bytes depend only on the input and the level
    (not on the threads, nor on how it is read), so a layer compressed again gives
    the digest its record names. ``on_plain`` is told how many plain bytes each
    step took from ``src`` (progress counts the layer as stored).
    """

    def __init__(
        self,
        src: _Source,
        level: int,
        on_plain: Callable[[int], None] | None = None,
        workers: int = 2,
        engine: ModuleType | None = None,
    ) -> None:
        super().__init__()
        from concurrent.futures import ThreadPoolExecutor

        self._src = src
        self._level = level
        self._engine = engine or deflater()
        self._on_plain = on_plain
        self._pool = ThreadPoolExecutor(max(1, workers), thread_name_prefix="gzip")
        self._ahead: list[Future[bytes]] = []
        self._primer = b""
        self._crc = 0
        self._size = 0
        self._read_all = False
        # gzip.GzipFile's header for mtime 0 and no name: XFL 2 at level 9, 4 at 1
        xfl = 2 if level == 9 else 4 if level == 1 else 0
        self._out = GZIP_MAGIC + bytes([8, 0, 0, 0, 0, 0, xfl, 255])

    def _fill(self) -> None:
        while not self._read_all and len(self._ahead) < _AHEAD:
            block = self._src.read(GZIP_BLOCK)
            if not block:
                self._read_all = True
                break
            self._crc = zlib.crc32(block, self._crc)
            self._size += len(block)
            self._ahead.append(
                self._pool.submit(_deflate_block, self._engine, block, self._primer, self._level)
            )
            self._primer = block[-_WINDOW:]
            if self._on_plain is not None:
                self._on_plain(len(block))
        self._pos = 0
        if self._ahead:
            self._out = self._ahead.pop(0).result()
            return
        # a final empty block, then the trailer: CRC-32 and size (mod 2**32), LSB first
        tail = self._crc.to_bytes(4, "little") + (self._size & 0xFFFFFFFF).to_bytes(4, "little")
        self._out = b"\x03\x00" + tail
        self._eof = True
        self.close()

    def close(self) -> None:
        """Stop the compressing threads (a push cancelled mid-layer drops the rest)."""
        for future in self._ahead:
            future.cancel()
        self._pool.shutdown(wait=False, cancel_futures=True)
        super().close()


class _PrefixedReader(_Reader):
    """Give back ``head`` (already read from ``src`` to sniff it), then the rest."""

    def __init__(self, head: bytes, src: _Source) -> None:
        super().__init__()
        self._head = head
        self._src = src

    def _read(self, size: int) -> bytes:
        if self._head:
            data, self._head = self._head[:size], self._head[size:]
            return data
        return self._src.read(size)


class _GzipStream(_Refilled):
    """gzip decoded by zlib in large steps, member after member.

    Python 3.11's gzip module reads its input 8 KiB at a time: a 100 MB
    layer went through some 13,000 rounds of Python (network read, blob
    write, two hashes, decompression), most of a pull's time. Here the
    input comes in ``_CHUNK`` pieces. zlib checks each member's CRC and
    length; zero padding between or after members is skipped, as the gzip
    module does, and anything else after a member must be another member.
    """

    _MAX_OUT = 4 * _CHUNK  # decoded bytes held at once, whatever the ratio

    def __init__(self, src: _Source) -> None:
        super().__init__()
        self._src = src
        self._d: zlib._Decompress | None = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._out = b""
        self._pos = 0
        self._pending = b""  # input after a member's end, not yet looked at
        self._eof = False

    def _input(self) -> bytes:
        if self._pending:
            data, self._pending = self._pending, b""
            return data
        return self._src.read(_CHUNK)

    def _fill(self) -> None:
        self._out, self._pos = b"", 0
        if self._d is None:  # between members: padding, another member, or the end
            data = self._input().lstrip(b"\0")
            while not data:
                more = self._input()
                if not more:
                    self._eof = True
                    return
                data = more.lstrip(b"\0")
            if not data.startswith(GZIP_MAGIC[:1]) or data[1:2] not in (b"", GZIP_MAGIC[1:]):
                raise gzip.BadGzipFile("Not a gzipped file (trailing data after a member)")
            self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            self._out = self._d.decompress(data, self._MAX_OUT)
        else:
            data = self._d.unconsumed_tail or self._input()
            if not data:
                raise EOFError("Compressed file ended before the end-of-stream marker was reached")
            self._out = self._d.decompress(data, self._MAX_OUT)
        if self._d.eof:
            self._pending = self._d.unused_data + self._pending
            self._d = None


class _CheckedReader(_Reader):
    """Turn the decoder's own exceptions into one HutchError with a clear message."""

    def __init__(self, src: _Source, compression: str) -> None:
        super().__init__()
        self._src = src
        self._compression = compression

    def _read(self, size: int) -> bytes:
        try:
            return self._src.read(size)
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise HutchError(f"layer is not valid {self._compression} data: {exc}") from exc


def _read_exactly(src: BinaryIO, size: int) -> bytes:
    parts: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = src.read(remaining)
        if not chunk:
            break
        parts.append(chunk)
        remaining -= len(chunk)
    return b"".join(parts)


@contextmanager
def sniff(src: BinaryIO) -> Iterator[tuple[Compression, BinaryIO]]:
    """Yield the compression of ``src`` and a stream of its decompressed bytes.

    The whole of ``src`` is consumed only if the caller reads the yielded
    stream to its end.
    """
    head = _read_exactly(src, len(ZSTD_MAGIC))
    compression = detect(head)
    whole = _PrefixedReader(head, src)
    if compression == "gzip":
        yield compression, _CheckedReader(_GzipStream(whole), "gzip")
    elif compression == "zstd":
        with _zstd_stream(whole) as unzstd:
            yield compression, unzstd
    else:
        yield compression, whole


@contextmanager
def open_decompressed(src: BinaryIO) -> Iterator[BinaryIO]:
    """Stream the decompressed content of ``src`` (gzip, zstd or plain)."""
    with sniff(src) as (_, stream):
        yield stream


@contextmanager
def _zstd_stream(src: _Source) -> Iterator[BinaryIO]:
    """Run ``zstd -dc`` with ``src`` fed in by a thread, yield its stdout.

    A thread feeds stdin because ``src`` is a Python object (often a hashing
    wrapper around a network stream), not something with a file descriptor.
    """
    zstd = shutil.which("zstd")
    if zstd is None:
        raise HostNotReady(
            "the layer is zstd-compressed but the zstd command is not installed",
            hint="install it (Debian: apt-get install zstd)",
        )
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(
            [zstd, "-dc", "-q"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors
        )
        assert proc.stdin is not None and proc.stdout is not None
        feeder = _Feeder(src, proc.stdin)
        feeder.start()
        try:
            yield _PrefixedReader(b"", proc.stdout)
        except BaseException:
            proc.kill()
            proc.wait()
            feeder.join(timeout=5)
            raise
        # The caller may stop before EOF (a tar ends with zero blocks): finish
        # reading so zstd sees the whole input and can report trailing damage.
        while proc.stdout.read(_CHUNK):
            pass
        proc.stdout.close()
        status = proc.wait()
        feeder.join()
        if feeder.error is not None:
            raise feeder.error
        if status != 0:
            errors.seek(0)
            detail = errors.read().decode(errors="replace").strip() or f"exit status {status}"
            raise HutchError(f"layer is not valid zstd data: {detail}")


class _Feeder(threading.Thread):
    """Copy a Python stream into a pipe; keep the error for the main thread."""

    def __init__(self, src: _Source, sink: IO[bytes]) -> None:
        super().__init__(daemon=True)
        self._src = src
        self._sink = sink
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while chunk := self._src.read(_CHUNK):
                self._sink.write(chunk)
        except BrokenPipeError:
            pass  # zstd stopped early; its exit status tells why
        except BaseException as exc:
            self.error = exc
        finally:
            with suppress(BrokenPipeError):
                self._sink.close()
