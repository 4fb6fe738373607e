"""containers/storage's tar headers (export): type bits in the mode, owner names."""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

from hutch.store.gotar_headers import TypedModeTarInfo, id_names


def test_the_mode_field_keeps_the_type_bits_and_the_checksum_holds() -> None:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        entry = TypedModeTarInfo("d")
        entry.type, entry.mode, entry.full_mode = tarfile.DIRTYPE, 0o755, 0o40755
        tar.addfile(entry)
        # a long name gets a pax header first: the member's own block is still patched
        long = TypedModeTarInfo("x" * 150)
        long.mode, long.full_mode = 0o644, 0o100644
        tar.addfile(long, io.BytesIO(b""))
    raw = out.getvalue()
    assert raw[100:108] == b"0040755\0"
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:  # a bad checksum raises
        assert [(m.name, m.mode) for m in tar] == [("d", 0o40755), ("x" * 150, 0o100644)]


def test_names_come_from_the_roots_files_first_match_wins(tmp_path: Path) -> None:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_text(
        "root:x:0:0:root:/root:/bin/sh\n#c:x:5:5\nuser:x:1000:1000::/home:/bin/sh\n"
        "again:x:1000:1000::/:/bin/sh\nbad\n"
    )
    assert id_names(str(tmp_path), "etc/passwd") == {0: "root", 1000: "user"}
    assert id_names(str(tmp_path), "etc/group") == {}
    os.mkfifo(tmp_path / "etc" / "group")  # a FIFO is not read (it would block)
    assert id_names(str(tmp_path), "etc/group") == {}
