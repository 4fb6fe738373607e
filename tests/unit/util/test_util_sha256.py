"""util/sha256.py: the interpreter's sha256 for small data, OpenSSL's for bulk, one digest."""

from __future__ import annotations

import hashlib
from pathlib import Path

from hutch.build.sources import file_digest
from hutch.util import sha256 as s


def test_small_and_bulk_data_give_hashlib_s_digest() -> None:
    for data in (b"", b"abc", b"x" * (s.BULK - 1), b"y" * s.BULK):
        assert s.hexdigest(data) == hashlib.sha256(data).hexdigest()
    incremental = s.sha256(b"ab")
    incremental.update(b"c")
    assert incremental.digest() == hashlib.sha256(b"abc").digest()


def test_small_data_loads_no_openssl_object() -> None:
    # the interpreter's own type, not _hashlib's HASH (whose module loads OpenSSL)
    assert type(s.sha256(b"abc")).__module__ != "_hashlib"
    assert type(s.sha256(b"z" * s.BULK)).__module__ == "_hashlib"


def test_file_digest_is_the_same_whatever_the_size(tmp_path: Path) -> None:
    for size in (0, 10, s.BULK + 5):
        path = tmp_path / f"f{size}"
        path.write_bytes(b"q" * size)
        assert file_digest(str(path)) == hashlib.sha256(b"q" * size).hexdigest()
