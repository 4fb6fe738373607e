"""write_all against real pipes: short writes, a full non-blocking pipe, EINTR, errors."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator

import pytest

from hutch.util import fdio

PIPE_SIZE = 1 << 16  # Linux's default pipe buffer


@pytest.fixture
def pipe() -> Iterator[tuple[int, int]]:
    r, w = os.pipe()
    yield r, w
    for fd in (r, w):
        with contextlib.suppress(OSError):
            os.close(fd)


def _drain(fd: int, want: int, out: bytearray) -> None:
    while len(out) < want:
        chunk = os.read(fd, 4096)  # small reads: the writer sees many short writes
        if not chunk:
            return
        out += chunk


def _write_through(w: int, r: int, data: bytes) -> bytes:
    got = bytearray()
    reader = threading.Thread(target=_drain, args=(r, len(data), got))
    reader.start()
    fdio.write_all(w, data)
    reader.join(timeout=30)
    assert not reader.is_alive()
    return bytes(got)


def test_more_than_the_pipe_holds_arrives_whole(pipe: tuple[int, int]) -> None:
    r, w = pipe
    data = os.urandom(4 * PIPE_SIZE + 123)
    assert _write_through(w, r, data) == data


def test_a_full_non_blocking_pipe_is_waited_for(
    pipe: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    r, w = pipe
    os.set_blocking(w, False)
    filled = 0
    with pytest.raises(BlockingIOError):  # what a plain os.write meets: EAGAIN
        while True:
            filled += os.write(w, b"f" * PIPE_SIZE)
    data = os.urandom(3 * PIPE_SIZE + 7)
    got = bytearray()
    reader = threading.Thread(target=_drain, args=(r, filled + len(data), got))
    waits: list[int] = []
    real_wait = fdio.wait_writable
    data = os.urandom(3 * PIPE_SIZE + 7)
    got = bytearray()
    # The reader starts only once write_all waits: the pipe is certainly full
    # then, however the threads are scheduled on a loaded machine.
    reader = threading.Thread(target=_drain, args=(r, filled + len(data), got))

    def counted_wait(fd: int) -> None:
        # The reader starts only once the writer has met the full pipe.
        if not waits:
            reader.start()
        waits.append(fd)
        if reader.ident is None:  # not started yet
            reader.start()
        real_wait(fd)

    monkeypatch.setattr(fdio, "wait_writable", counted_wait)
    fdio.write_all(w, data)
    reader.join(timeout=30)
    assert not reader.is_alive()
    assert bytes(got) == b"f" * filled + data
    assert waits and set(waits) == {w}


def test_interrupted_and_short_writes_are_continued(
    pipe: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    r, w = pipe
    real_write = os.write
    calls: list[int] = []

    def flaky_write(fd: int, data: memoryview) -> int:
        calls.append(len(data))
        if len(calls) == 1:
            raise InterruptedError()
        return real_write(fd, data[:3])  # at most three bytes a call

    monkeypatch.setattr(fdio.posix, "write", flaky_write)  # fdio writes through posix
    fdio.write_all(w, b"hello, world")
    monkeypatch.undo()
    assert os.read(r, 100) == b"hello, world"
    assert calls[:3] == [12, 12, 9]


def test_no_progress_is_an_error_not_a_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fdio.posix, "write", lambda fd, data: 0)
    with pytest.raises(OSError, match="no progress"):
        fdio.write_all(99, b"x")


def test_a_closed_reader_is_reported(pipe: tuple[int, int]) -> None:
    r, w = pipe
    os.close(r)
    with pytest.raises(BrokenPipeError):
        fdio.write_all(w, b"nobody reads this")


def test_nothing_to_write_touches_nothing() -> None:
    fdio.write_all(-1, b"")  # a bad descriptor is never used


def test_memoryviews_of_other_shapes_are_written_as_bytes(pipe: tuple[int, int]) -> None:
    r, w = pipe
    words = memoryview(bytearray(b"abcdefgh")).cast("I")  # two 4-byte items
    fdio.write_all(w, words)
    assert os.read(r, 100) == b"abcdefgh"
