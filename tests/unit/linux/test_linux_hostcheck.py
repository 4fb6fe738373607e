"""The host detectors (linux/hostcheck.py): each cause named, each fix a command."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from hutch.linux import hostcheck


def _proc_sys(tmp_path: Path, **values: int) -> Path:
    root = tmp_path / "sys"
    names = {
        "max_user_namespaces": "user/max_user_namespaces",
        "unprivileged_userns_clone": "kernel/unprivileged_userns_clone",
        "apparmor_restrict_unprivileged_userns": "kernel/apparmor_restrict_unprivileged_userns",
    }
    for key, value in values.items():
        path = root / names[key]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{value}\n")
    return root


def test_userns_allowed(tmp_path: Path) -> None:
    finding = hostcheck.userns(_proc_sys(tmp_path, max_user_namespaces=15000))
    assert finding.ok and finding.value == "allowed (max 15000)"


@pytest.mark.parametrize(
    ("values", "cause", "fix"),
    [
        (
            {"max_user_namespaces": 0, "unprivileged_userns_clone": 0},
            "user.max_user_namespaces = 0",
            "sysctl -w user.max_user_namespaces=15000",
        ),
        (
            {"max_user_namespaces": 15000, "unprivileged_userns_clone": 0},
            "kernel.unprivileged_userns_clone = 0",
            "sysctl -w kernel.unprivileged_userns_clone=1",
        ),
        (
            {"max_user_namespaces": 15000, "apparmor_restrict_unprivileged_userns": 1},
            "kernel.apparmor_restrict_unprivileged_userns = 1",
            "contrib/apparmor/hutch",
        ),
    ],
)
def test_userns_names_the_setting_that_forbids_it(
    tmp_path: Path, values: dict[str, int], cause: str, fix: str
) -> None:
    finding = hostcheck.userns(_proc_sys(tmp_path, **values))
    assert not finding.ok
    assert cause in finding.value and fix in finding.fix


def test_userns_switches_that_this_kernel_lacks_are_not_a_problem(tmp_path: Path) -> None:
    # Debian's 6.x kernels have no unprivileged_userns_clone, nor Ubuntu's AppArmor switch.
    finding = hostcheck.userns(_proc_sys(tmp_path, max_user_namespaces=100))
    assert finding.ok


def _tool(tmp_path: Path, mode: int) -> str:
    path = tmp_path / "newuidmap"
    path.write_text("#!/bin/sh\n")
    path.chmod(mode)
    return str(path)


def test_map_tool_missing() -> None:
    finding = hostcheck.map_tool("newuidmap", which=lambda _: None)
    assert not finding.ok and finding.value == "missing" and "apt-get install uidmap" in finding.fix


def test_map_tool_without_setuid_or_capability(tmp_path: Path) -> None:
    path = _tool(tmp_path, 0o755)
    finding = hostcheck.map_tool("newuidmap", lambda _: path, lambda _: False)
    assert not finding.ok
    assert "neither setuid root nor has file capabilities" in finding.value
    assert finding.fix == f"as root: chmod u+s {path} (or: setcap cap_setuid+ep {path})"
    gid = hostcheck.map_tool("newgidmap", lambda _: path, lambda _: False)
    assert "cap_setgid+ep" in gid.fix


def test_map_tool_with_file_capabilities(tmp_path: Path) -> None:
    path = _tool(tmp_path, 0o755)
    finding = hostcheck.map_tool("newuidmap", lambda _: path, lambda _: True)
    assert finding.ok and "file capabilities" in finding.value


def test_map_tool_setuid_root() -> None:
    # The real one on this machine (Debian's uidmap is setuid root).
    real = "/usr/bin/newuidmap"
    info = os.stat(real)
    assert info.st_uid == 0 and info.st_mode & stat.S_ISUID, "the test host needs uidmap"
    finding = hostcheck.map_tool("newuidmap", lambda _: real, lambda _: False)
    assert finding.ok and finding.value == f"{real} (setuid root)"


def test_map_tools_problem_names_the_first_unusable_tool() -> None:
    finding = hostcheck.map_tools_problem(which=lambda name: None)
    assert finding is not None and finding.name == "newuidmap"


@pytest.mark.parametrize(
    ("counts", "ok", "words"),
    [
        ((65536,), True, "65536 ids"),
        ((1000, 64536), True, "65536 ids"),
        ((1000,), False, "files owned by uid 1000 and above"),
        ((), False, "none"),
    ],
)
def test_subid_range(counts: tuple[int, ...], ok: bool, words: str) -> None:
    finding = hostcheck.subid_range("uid", counts, "alice")
    assert finding.ok is ok and words in finding.value
    if not ok:
        assert "usermod --add-subuids 100000-165535 alice" in finding.fix


def test_small_range_warning_only_below_65536() -> None:
    assert hostcheck.small_range_warning(65536, 65536, "alice") is None
    assert hostcheck.small_range_warning(0, 0, "alice") is None  # single-id says it instead
    warning = hostcheck.small_range_warning(65536, 1000, "alice")
    assert warning is not None
    assert "only 1000 ids (65536 needed)" in warning and "hutch system migrate" in warning


def test_runtime_dir_unset_uses_the_fallback() -> None:
    finding = hostcheck.runtime_dir({}, os.getuid(), "/tmp/hutch-1")
    assert finding.ok and finding.value == "unset: runtime state in /tmp/hutch-1"


def test_runtime_dir_of_another_user(tmp_path: Path) -> None:
    finding = hostcheck.runtime_dir({"XDG_RUNTIME_DIR": str(tmp_path)}, 4242, "/tmp/hutch-4242")
    assert not finding.ok
    assert f"owned by uid {os.getuid()}, not by uid 4242" in finding.value
    assert "unset XDG_RUNTIME_DIR (hutch then uses /tmp/hutch-4242)" in finding.fix


def test_runtime_dir_full(tmp_path: Path) -> None:
    env = {"XDG_RUNTIME_DIR": str(tmp_path)}
    finding = hostcheck.runtime_dir(env, os.getuid(), "/tmp/x", min_free=1 << 62)
    assert not finding.ok and "is full" in finding.value and "remount,size=" in finding.fix
    assert hostcheck.runtime_dir(env, os.getuid(), "/tmp/x").ok


def test_runtime_dir_missing(tmp_path: Path) -> None:
    env = {"XDG_RUNTIME_DIR": str(tmp_path / "gone")}
    finding = hostcheck.runtime_dir(env, os.getuid(), "/tmp/x")
    assert not finding.ok and "No such file" in finding.value


MOUNTINFO = """\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 0:35 / /home rw,relatime shared:2 - nfs4 server:/home rw,vers=4.2
41 40 0:36 / /home/alice/local\\040disk rw - ext4 /dev/sdb1 rw
"""


def test_filesystem_of_picks_the_deepest_mount(tmp_path: Path) -> None:
    info = tmp_path / "mountinfo"
    info.write_text(MOUNTINFO)
    assert hostcheck.filesystem_of("/home/alice/x", str(info)) == ("/home", "nfs4")
    assert hostcheck.filesystem_of("/home/alice/local disk/y", str(info)) == (
        "/home/alice/local disk",
        "ext4",
    )
    assert hostcheck.filesystem_of("/var/tmp", str(info)) == ("/", "ext4")
    assert hostcheck.filesystem_of("/homeless", str(info)) == ("/", "ext4")


def test_storage_on_nfs_names_the_setting(tmp_path: Path) -> None:
    info = tmp_path / "mountinfo"
    info.write_text(MOUNTINFO)
    finding = hostcheck.storage_location("/home/alice/.local/share/hutch", str(info))
    assert not finding.ok and "is on nfs4 (/home)" in finding.value
    assert "XDG_DATA_HOME" in finding.fix and "--root" in finding.fix
    assert hostcheck.storage_location("/var/tmp/alice/hutch", str(info)).ok


def test_network_helpers() -> None:
    assert hostcheck.network_helpers(lambda name: f"/usr/bin/{name}").value == "pasta slirp4netns"
    only = hostcheck.network_helpers(lambda name: "/x" if name == "slirp4netns" else None)
    assert only.ok and only.value == "slirp4netns"
    none = hostcheck.network_helpers(lambda name: None)
    assert not none.ok and "--network none and --network host work" in none.value
    assert "apt-get install passt" in none.fix


def test_fuse_device(tmp_path: Path) -> None:
    missing = hostcheck.fuse_device(str(tmp_path / "fuse"))
    assert not missing.ok and "missing" in missing.value and "modprobe fuse" in missing.fix
    usable = tmp_path / "dev"
    usable.write_text("")
    assert hostcheck.fuse_device(str(usable)).ok
