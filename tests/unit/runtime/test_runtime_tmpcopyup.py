"""tmpcopyup: the directory's tree copied through the fd opened before the mount
(here into a plain directory standing for the fresh tmpfs)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from hutch.runtime import tmpcopyup


def test_the_tree_is_copied_with_modes_times_and_links(tmp_path: Path) -> None:
    image = tmp_path / "run"
    (image / "lock" / "sub").mkdir(parents=True)
    (image / "utmp").write_text("who")
    os.chmod(image / "utmp", 0o640)
    os.symlink("/etc/shadow", image / "link")  # copied as a link, never followed
    os.mkfifo(image / "initctl")
    os.utime(image / "utmp", ns=(1_000_000_000, 2_000_000_000))
    os.chmod(image / "lock", 0o1777)
    os.chmod(image, 0o755)
    tmpfs = tmp_path / "tmpfs"
    tmpfs.mkdir(mode=0o700)
    before = len(os.listdir("/proc/self/fd"))
    fd = tmpcopyup.open_below(str(image))
    assert fd is not None
    tmpcopyup.copy_up(fd, str(tmpfs))
    assert len(os.listdir("/proc/self/fd")) == before  # its fds closed, the directory's too
    assert sorted(os.listdir(tmpfs)) == ["initctl", "link", "lock", "utmp"]
    assert (tmpfs / "utmp").read_text() == "who"
    assert stat.S_IMODE((tmpfs / "utmp").stat().st_mode) == 0o640
    assert (tmpfs / "utmp").stat().st_mtime_ns == 2_000_000_000
    assert os.readlink(tmpfs / "link") == "/etc/shadow"
    assert stat.S_ISFIFO((tmpfs / "initctl").lstat().st_mode)
    assert (tmpfs / "lock" / "sub").is_dir()
    assert stat.S_IMODE((tmpfs / "lock").stat().st_mode) == 0o1777
    assert stat.S_IMODE(tmpfs.stat().st_mode) == 0o755  # the root takes the directory's mode


def test_nothing_to_copy_where_the_image_has_no_directory(tmp_path: Path) -> None:
    assert tmpcopyup.open_below(str(tmp_path / "missing")) is None
    (tmp_path / "file").write_text("x")
    assert tmpcopyup.open_below(str(tmp_path / "file")) is None
    os.symlink(tmp_path, tmp_path / "link")
    assert tmpcopyup.open_below(str(tmp_path / "link")) is None  # never through a link
