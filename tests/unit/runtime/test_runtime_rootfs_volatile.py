"""--rm containers' overlay is mounted ``volatile`` (no syncfs at its unmount)."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from hutch.runtime import rootfs as rootfs_mod
from hutch.runtime.spec import Rootfs

Call = tuple[object, ...]


def overlay(tmp_path: Path, *, volatile: bool) -> Rootfs:
    (tmp_path / "l").mkdir(exist_ok=True)
    return Rootfs(
        kind="overlay",
        target=str(tmp_path / "merged"),
        lowers=("l",),
        lower_base=str(tmp_path),
        upper=str(tmp_path / "upper"),
        work=str(tmp_path / "work"),
        volatile=volatile,
    )


@pytest.fixture(autouse=True)
def _keep_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # mount_rootfs changes into lower_base; undone after


def recorder(calls: list[Call], refuse: str = "") -> object:
    def mount(*args: object) -> None:
        calls.append(args)
        if refuse and refuse in str(args[4:]):
            raise OSError(errno.EINVAL, "Invalid argument")

    return mount


def overlay_data(calls: list[Call]) -> list[object]:
    return [c[4] for c in calls if c[0] == "overlay"]


def test_a_volatile_rootfs_is_mounted_with_the_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Call] = []
    monkeypatch.setattr(rootfs_mod.sc, "mount", recorder(calls))
    rootfs_mod.mount_rootfs(overlay(tmp_path, volatile=True))
    [data] = overlay_data(calls)
    assert isinstance(data, str) and data.endswith(",userxattr,volatile")


def test_a_kept_rootfs_is_not_volatile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Call] = []
    monkeypatch.setattr(rootfs_mod.sc, "mount", recorder(calls))
    rootfs_mod.mount_rootfs(overlay(tmp_path, volatile=False))
    [data] = overlay_data(calls)
    assert isinstance(data, str) and not data.endswith(",volatile")


def test_a_kernel_without_volatile_gets_the_plain_mount(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Call] = []
    monkeypatch.setattr(rootfs_mod.sc, "mount", recorder(calls, refuse=",volatile"))
    rootfs_mod.mount_rootfs(overlay(tmp_path, volatile=True))
    first, second = overlay_data(calls)
    assert isinstance(first, str) and first.endswith(",volatile")
    assert isinstance(second, str) and not second.endswith(",volatile")


def test_the_marker_of_an_earlier_volatile_mount_goes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the kernel refuses a work dir holding work/incompat/volatile: a --rm
    # container started again (restart) would not mount
    marker = tmp_path / "work" / "work" / "incompat" / "volatile"
    marker.mkdir(parents=True)
    (marker / "dirty").write_bytes(b"")
    monkeypatch.setattr(rootfs_mod.sc, "mount", recorder([]))
    rootfs_mod.mount_rootfs(overlay(tmp_path, volatile=True))
    assert not marker.exists()
    assert marker.parent.is_dir()  # only the marker: the rest is the kernel's
