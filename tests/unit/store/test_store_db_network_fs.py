"""A store whose database SQLite cannot open on a network filesystem names the cause."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.errors import HostNotReady
from hutch.store.db import _refuse_network_filesystem


def _mountinfo(tmp_path: Path, point: Path, fstype: str) -> str:
    lines = [
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/vda rw",
        f"90 22 0:50 / {point} rw,relatime shared:9 - {fstype} server:/export rw",
    ]
    info = tmp_path / "mountinfo"
    info.write_text("\n".join(lines) + "\n")
    return str(info)


@pytest.mark.parametrize("fstype", ["nfs4", "9p", "cifs"])
def test_network_filesystem_is_named_with_the_setting_that_moves_the_store(
    tmp_path: Path, fstype: str
) -> None:
    home = tmp_path / "home"
    db = home / "hutch" / "storage" / "hutch.db"
    db.parent.mkdir(parents=True)
    with pytest.raises(HostNotReady) as caught:
        _refuse_network_filesystem(db, _mountinfo(tmp_path, home, fstype))
    assert f"is on {fstype} ({home})" in str(caught.value)
    assert "cannot be opened" in str(caught.value)
    assert "XDG_DATA_HOME" in (caught.value.hint or "")


def test_local_filesystem_leaves_the_sqlite_error_to_the_caller(tmp_path: Path) -> None:
    db = tmp_path / "storage" / "hutch.db"
    db.parent.mkdir(parents=True)
    _refuse_network_filesystem(db, _mountinfo(tmp_path, tmp_path / "elsewhere", "nfs"))
