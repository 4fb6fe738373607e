"""Compression detection, streaming decompression and the hashing reader."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import subprocess

import pytest

from hutch.api.errors import HutchError
from hutch.store.compression import HashingReader, detect, open_decompressed, sniff

PAYLOAD = bytes(range(256)) * 4096  # 1 MiB, more than one read chunk of zstd's pipe


def zstd_compress(data: bytes) -> bytes:
    return subprocess.run(["zstd", "-q", "-c"], input=data, capture_output=True, check=True).stdout


def test_detect_from_magic_bytes() -> None:
    assert detect(gzip.compress(b"x")[:4]) == "gzip"
    assert detect(zstd_compress(b"x")[:4]) == "zstd"
    assert detect(b"ustar") == "none"
    assert detect(b"") == "none"
    assert detect(b"\x1f") == "none"


@pytest.mark.parametrize("kind", ["none", "gzip", "zstd"])
def test_open_decompressed_streams_each_kind(kind: str) -> None:
    given = {"none": PAYLOAD, "gzip": gzip.compress(PAYLOAD), "zstd": zstd_compress(PAYLOAD)}[kind]
    with open_decompressed(io.BytesIO(given)) as stream:
        assert stream.read(10) == PAYLOAD[:10]
        assert stream.read() == PAYLOAD[10:]
    with sniff(io.BytesIO(given)) as (found, _):
        assert found == kind


def test_multi_member_gzip_and_multi_frame_zstd() -> None:
    halves = (PAYLOAD[:1000], PAYLOAD[1000:])
    for given in (
        b"".join(gzip.compress(h) for h in halves),
        b"".join(zstd_compress(h) for h in halves),
    ):
        with open_decompressed(io.BytesIO(given)) as stream:
            assert stream.read() == PAYLOAD


def test_hashing_reader_sees_every_byte_once() -> None:
    reader = HashingReader(io.BytesIO(PAYLOAD))
    assert reader.read(100) == PAYLOAD[:100]
    reader.drain()
    assert reader.count == len(PAYLOAD)
    assert reader.digest == "sha256:" + hashlib.sha256(PAYLOAD).hexdigest()


def test_one_pass_gives_both_digests() -> None:
    given = zstd_compress(PAYLOAD)
    outer = HashingReader(io.BytesIO(given))
    with open_decompressed(outer) as stream:
        inner = HashingReader(stream)
        inner.drain()
    outer.drain()
    assert inner.digest == "sha256:" + hashlib.sha256(PAYLOAD).hexdigest()
    assert outer.digest == "sha256:" + hashlib.sha256(given).hexdigest()
    assert outer.count == len(given)


def test_corrupt_zstd_reports_zstd_error() -> None:
    given = bytearray(zstd_compress(PAYLOAD))
    given[len(given) // 2 :] = b"\xff" * (len(given) - len(given) // 2)
    with pytest.raises(HutchError, match="zstd"), open_decompressed(io.BytesIO(bytes(given))) as s:
        s.read()


def test_corrupt_gzip_reports_gzip_error() -> None:
    with pytest.raises(HutchError, match="gzip"), open_decompressed(io.BytesIO(b"\x1f\x8bxx")) as s:
        s.read()


def test_error_inside_the_block_stops_zstd() -> None:
    with pytest.raises(RuntimeError), open_decompressed(io.BytesIO(zstd_compress(PAYLOAD))) as s:
        s.read(1)
        raise RuntimeError("consumer failed")
    assert children() == []


def children() -> list[int]:
    """Processes (zombies included) whose parent is this test process."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == os.getpid():
                found.append(int(entry))
    return found


class Trickle(io.RawIOBase):
    """A source that hands out at most ``step`` bytes per read (a slow network)."""

    def __init__(self, data: bytes, step: int) -> None:
        self._data, self._pos, self._step = data, 0, step

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        n = self._step if size < 0 else min(size, self._step)
        chunk = self._data[self._pos : self._pos + n]
        self._pos += len(chunk)
        return chunk


def _decoded(given: bytes, step: int = 1 << 30) -> bytes:
    with open_decompressed(Trickle(given, step)) as stream:  # type: ignore[arg-type]
        return stream.read()


@pytest.mark.parametrize("step", [1, 7, 4096, 1 << 30])
def test_gzip_members_and_zero_padding_in_any_pieces(step: int) -> None:
    small = PAYLOAD[:3000]
    members = gzip.compress(small[:1000]) + b"\0" * 700 + gzip.compress(small[1000:]) + b"\0" * 9
    assert _decoded(members, step) == small


def test_gzip_of_a_highly_compressible_layer_stays_bounded() -> None:
    zeros = bytes(64 << 20)  # 64 MiB of zeros: a few KiB compressed
    with open_decompressed(io.BytesIO(gzip.compress(zeros))) as stream:
        sizes = []
        while chunk := stream.read(1 << 20):
            sizes.append(len(chunk))
    assert sum(sizes) == len(zeros) and max(sizes) <= 1 << 20


@pytest.mark.parametrize(
    ("damage", "needle"),
    [
        (lambda b: b[: len(b) // 2], "ended before"),  # cut short
        (lambda b: b + b"garbage", "gzip"),  # not another member after the end
        (lambda b: b[:-8] + bytes([b[-8] ^ 1]) + b[-7:], "gzip"),  # CRC of the member wrong
    ],
)
def test_damaged_gzip_is_refused(damage: object, needle: str) -> None:
    given = damage(gzip.compress(PAYLOAD))  # type: ignore[operator]
    with pytest.raises(HutchError, match=needle):
        _decoded(given)
