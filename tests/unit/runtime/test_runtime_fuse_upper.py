"""A build step's upper dir as fuse-overlayfs leaves it, put in the kernel overlay's form
(the layer becomes a lower dir of the store), and a copy-shifted one shifted back."""

from __future__ import annotations

import os
import stat
import tarfile
from pathlib import Path

import pytest

from hutch.runtime.fuse_upper import to_overlay_form
from hutch.runtime.ids import IdMapEntry
from hutch.runtime.userns_copy import session_shift, unshift_tree
from hutch.store.tarwrite import write_layer_tar
from unit.subid_root import as_namespace_root


def _device(path: Path) -> None:
    try:
        os.mknod(path, stat.S_IFCHR, os.makedev(0, 0))
    except PermissionError:
        pytest.skip("no mknod of a 0/0 device here")


def _fuse_upper(tmp_path: Path) -> Path:
    """What fuse-overlayfs 1.10 wrote for mkdir /new and rm /etc/gone (measured)."""
    upper = tmp_path / "upper"
    (upper / "new").mkdir(parents=True)
    (upper / "new" / "f").write_text("x")
    (upper / "new" / ".wh..wh..opq").write_text("")
    _device(upper / "new" / ".wh..opq")
    os.setxattr(upper / "new", "user.fuseoverlayfs.opaque", b"y")
    (upper / "etc").mkdir()
    (upper / "etc" / ".wh.gone").write_text("")  # its whiteout where mknod failed
    return upper


def test_opaque_marks_and_whiteout_files_become_overlays(tmp_path: Path) -> None:
    upper = _fuse_upper(tmp_path)
    to_overlay_form(upper)
    assert sorted(os.listdir(upper / "new")) == ["f"]
    assert os.getxattr(upper / "new", "user.overlay.opaque") == b"y"
    assert "user.fuseoverlayfs.opaque" not in os.listxattr(upper / "new")
    assert os.listdir(upper / "etc") == ["gone"]
    gone = os.lstat(upper / "etc" / "gone")
    assert stat.S_ISCHR(gone.st_mode) and gone.st_rdev == 0


def test_the_layer_tar_has_one_opaque_marker_and_no_bookkeeping(tmp_path: Path) -> None:
    """Even untouched, fuse-overlayfs's three marks of one opaque directory make one
    entry (they made two, the .wh..wh..opq file one of them), and its xattr none."""
    upper = _fuse_upper(tmp_path)
    with open(tmp_path / "layer.tar", "wb") as out:
        write_layer_tar(upper, out, source="overlay-upper")
    with tarfile.open(tmp_path / "layer.tar") as archive:
        names = archive.getnames()
        headers = archive.getmember("new").pax_headers
    assert names.count("new/.wh..wh..opq") == 1
    assert not any("fuseoverlayfs" in key for key in headers)


@as_namespace_root  # chowns to other IDs
def test_unshift_gives_back_the_ids_the_step_saw(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "f").write_text("x")
    (tmp_path / "d" / "s").write_text("x")
    os.chown(tmp_path / "d", 1000, 1000)  # a step's root (0 -> session 1000)
    os.chown(tmp_path / "d" / "f", 1500, 5003)  # its 500 and 1003
    os.chown(tmp_path / "d" / "s", 1000, 1000)
    os.chmod(tmp_path / "d" / "s", 0o4755)
    os.chown(tmp_path, 77, 77)  # outside the map: left as it is
    entries = (IdMapEntry(0, 1000, 1000), IdMapEntry(1000, 5000, 10))
    unshift_tree(tmp_path, session_shift(entries, entries))
    owners = {p: (os.lstat(tmp_path / p).st_uid, os.lstat(tmp_path / p).st_gid)
              for p in ("d", "d/f", "d/s", ".")}  # fmt: skip
    assert owners == {"d": (0, 0), "d/f": (500, 1003), "d/s": (0, 0), ".": (77, 77)}
    assert stat.S_IMODE(os.lstat(tmp_path / "d" / "s").st_mode) == 0o4755  # set-id kept
