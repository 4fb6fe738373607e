"""--rootfs PATH[:O]: podman's split of the argument, the directory checked at
create, the runtime's root (the directory itself, or an overlay over it), and
the user namespaces that would change the directory refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.container_config import RunOptions, SecurityOptions
from hutch.api.errors import InvalidArgument
from hutch.engine import rootfs_dir
from hutch.store.containers import ContainerDirs


def test_only_a_final_colon_o_asks_for_the_overlay(tmp_path: Path) -> None:
    assert rootfs_dir.RootfsDir.of("/a:b:O") == rootfs_dir.RootfsDir("/a:b", True)
    assert rootfs_dir.RootfsDir.of("/a:b/c:") == rootfs_dir.RootfsDir("/a:b/c:", False)
    assert rootfs_dir.RootfsDir.of("/a/b") == rootfs_dir.RootfsDir("/a/b", False)
    assert rootfs_dir.RootfsDir.of("/a/b:O").text() == "/a/b:O"


def test_a_relative_path_is_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "root").mkdir()
    monkeypatch.chdir(tmp_path)
    assert rootfs_dir.parse("root:O") == rootfs_dir.RootfsDir(str(tmp_path / "root"), True)


@pytest.mark.parametrize(
    ("name", "reason"), [("missing", "no such file or directory"), ("file", "not a directory")]
)
def test_a_missing_directory_is_refused(tmp_path: Path, name: str, reason: str) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(InvalidArgument) as exc:
        rootfs_dir.parse(str(tmp_path / name))
    assert str(exc.value) == f"running container create option: stat {tmp_path / name}: {reason}"


def test_without_o_the_directory_itself_is_the_root(tmp_path: Path) -> None:
    dirs = ContainerDirs(tmp_path / "c")
    root = rootfs_dir.rootfs(rootfs_dir.RootfsDir("/srv/root", False), dirs, "overlay")
    assert (root.kind, root.target) == ("bind", "/srv/root")
    assert dirs.userdata.is_dir() and dirs.upper.is_dir()  # sizes and mounts find them


@pytest.mark.parametrize(
    ("driver", "kind"),
    [("overlay", "overlay"), ("vfs", "overlay"), ("fuse-overlayfs", "fuse-overlayfs")],
)
def test_with_o_an_overlay_keeps_the_directory_as_its_lower(
    tmp_path: Path, driver: str, kind: str
) -> None:
    dirs = ContainerDirs(tmp_path / "c")
    root = rootfs_dir.rootfs(rootfs_dir.RootfsDir("/srv/root", True), dirs, driver)
    assert (root.kind, root.lower_base, root.lowers) == (kind, "/srv", ("root",))
    assert (root.target, root.upper, root.work) == (
        str(dirs.merged),
        str(dirs.upper),
        str(dirs.work),
    )


def test_an_own_user_namespace_needs_the_overlay() -> None:
    keep_id = SecurityOptions(userns="keep-id")
    with pytest.raises(InvalidArgument) as exc:
        rootfs_dir.check_userns(rootfs_dir.RootfsDir("/srv/root", False), keep_id)
    assert "use /srv/root:O" in str(exc.value)
    rootfs_dir.check_userns(rootfs_dir.RootfsDir("/srv/root", True), keep_id)
    rootfs_dir.check_userns(rootfs_dir.RootfsDir("/srv/root", False), SecurityOptions())


def test_inspect_shows_the_directory_only_for_a_rootfs_container() -> None:
    assert rootfs_dir.shown(RunOptions("/srv/root:O", rootfs=True)) == "/srv/root"
    assert rootfs_dir.shown(RunOptions("busybox")) == ""
    config = rootfs_dir.image_config().config
    assert (config.cmd, config.entrypoint, config.env) == (None, None, ())
