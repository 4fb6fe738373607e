"""The mount plan as data: checked without executing a single mount."""

from __future__ import annotations

import errno
from dataclasses import replace
from pathlib import Path
from unittest import mock

import pytest

from hutch.runtime.mounts import MTAB, Step, Symlink, base_plan
from hutch.runtime.spec import DEVICES, NAMESPACES, Mount, Process, Rootfs, Spec
from hutch.runtime.spec_network import NetworkSpec


def spec(
    *,
    namespaces: tuple[str, ...] = NAMESPACES,
    etc_files: tuple[tuple[str, str], ...] = (),
    mounts: tuple[Mount, ...] = (),
) -> Spec:
    return Spec(
        id="c" * 64,
        hostname="h",
        process=Process(args=("sh",), env=()),
        rootfs=Rootfs(kind="bind", target="/nonexistent"),
        mounts=mounts,
        namespaces=namespaces,
        etc_files=etc_files,
    )


def destinations(plan: list[Step | Symlink]) -> list[str]:
    return [s.destination for s in plan]


def step_at(plan: list[Step | Symlink], destination: str) -> Step:
    found = [s for s in plan if isinstance(s, Step) and s.destination == destination]
    assert len(found) == 1, destination
    return found[0]


def test_order_proc_then_dev_then_devices_then_pts() -> None:
    dests = destinations(base_plan(spec(), gid5_mapped=True))
    assert dests[:2] == ["/proc", "/dev"]
    assert dests.index("/proc") < dests.index("/dev") < dests.index("/dev/null")
    assert dests[2 : 2 + len(DEVICES)] == [f"/dev/{d}" for d in DEVICES]
    pts = dests.index("/dev/pts")
    assert pts > dests.index("/dev/tty")
    assert pts < dests.index("/dev/ptmx"), "the ptmx link points into the devpts mount"
    assert dests.index("/dev/shm") > dests.index("/dev")
    assert dests.index("/sys") > dests.index("/dev/mqueue")


def test_full_plan_descriptions() -> None:
    plan = base_plan(spec(etc_files=(("/etc/hosts", "/u/hosts"),)), gid5_mapped=True)
    assert [s.describe() for s in plan] == [
        "proc proc on /proc (nosuid,nodev,noexec)",
        "tmpfs tmpfs on /dev (nosuid,strictatime,mode=755,size=65536k)",
        *[f"bind /dev/{d} on /dev/{d}" for d in DEVICES],
        "devpts devpts on /dev/pts (nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5)",
        "symlink /dev/ptmx -> pts/ptmx",
        "symlink /dev/fd -> /proc/self/fd",
        "symlink /dev/stdin -> /proc/self/fd/0",
        "symlink /dev/stdout -> /proc/self/fd/1",
        "symlink /dev/stderr -> /proc/self/fd/2",
        "symlink /dev/core -> /proc/kcore",
        "tmpfs shm on /dev/shm (nosuid,nodev,noexec,mode=1777,size=65536k)",
        "mqueue mqueue on /dev/mqueue (nosuid,nodev,noexec)",
        "sysfs sysfs on /sys (ro,nosuid,nodev,noexec)",
        "bind /u/hosts on /etc/hosts",
    ]


def test_devices_are_file_binds_of_the_hosts_nodes() -> None:
    plan = base_plan(spec(), gid5_mapped=False)
    for name in DEVICES:
        step = step_at(plan, f"/dev/{name}")
        assert (step.kind, step.source, step.is_file) == ("bind", f"/dev/{name}", True)


@pytest.mark.parametrize(("mapped", "has_gid"), [(True, True), (False, False)])
def test_devpts_gid5_only_when_mapped(mapped: bool, has_gid: bool) -> None:
    pts = step_at(base_plan(spec(), gid5_mapped=mapped), "/dev/pts")
    assert pts.kind == "devpts"
    assert ("gid=5" in pts.options) == has_gid
    assert {"newinstance", "ptmxmode=0666", "mode=0620", "nosuid", "noexec"} <= set(pts.options)


def test_private_network_mounts_sysfs() -> None:
    sys_step = step_at(base_plan(spec(), gid5_mapped=False), "/sys")
    assert (sys_step.kind, sys_step.source) == ("sysfs", "sysfs")
    assert "ro" in sys_step.options


def test_host_network_binds_the_hosts_sys_read_only() -> None:
    no_net = tuple(ns for ns in NAMESPACES if ns != "net")
    sys_step = step_at(base_plan(spec(namespaces=no_net), gid5_mapped=False), "/sys")
    assert (sys_step.kind, sys_step.source) == ("bind", "/sys")
    assert sys_step.options == ("ro", "nosuid", "nodev", "noexec")
    assert sys_step.describe() == "bind /sys on /sys (ro,nosuid,nodev,noexec)"


def test_a_joined_network_gets_its_own_sysfs_over_the_bind_where_allowed() -> None:
    # a pod member, container:NAME: /sys/class/net shows the joined namespace's links
    no_net = tuple(ns for ns in NAMESPACES if ns != "net")
    joined = replace(
        spec(namespaces=no_net), network=NetworkSpec(mode="join", join="/proc/7/ns/net")
    )
    steps = [s for s in base_plan(joined, gid5_mapped=False) if isinstance(s, Step)]
    at_sys = [(s.kind, s.keep_on) for s in steps if s.destination == "/sys"]
    # the bind first, so that the kernel's refusal (another owner) leaves it in place
    assert at_sys == [("bind", ()), ("sysfs", (errno.EPERM, errno.EACCES, errno.EBUSY))]


def test_user_mounts_then_etc_files_come_last(tmp_path: Path) -> None:
    src_file = tmp_path / "f"
    src_file.write_text("x")
    user_mounts = (
        Mount("bind", "/data", str(tmp_path), ("ro",)),
        Mount("bind", "/cfg", str(src_file)),
        Mount("tmpfs", "/scratch", "", ("size=1m",)),
    )
    etc = (("/etc/hostname", "/u/hostname"), ("/etc/resolv.conf", "/u/resolv.conf"))
    plan = base_plan(spec(etc_files=etc, mounts=user_mounts), gid5_mapped=False)
    tail = plan[-5:]
    # podman's order: a volume at /etc still shows the container's hostname and DNS
    assert destinations(tail) == ["/data", "/cfg", "/scratch", "/etc/hostname", "/etc/resolv.conf"]
    assert all(isinstance(s, Step) and s.kind == "bind" and s.is_file for s in tail[3:])
    data, cfg, scratch = tail[:3]
    assert isinstance(data, Step) and not data.is_file  # a directory bind
    assert isinstance(cfg, Step) and cfg.is_file  # a file bind needs a file target
    assert isinstance(scratch, Step) and scratch.source == "tmpfs"
    assert scratch.describe() == "tmpfs tmpfs on /scratch (size=1m)"


def test_a_users_own_etc_file_is_not_covered(tmp_path: Path) -> None:
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 x\n")
    etc = (("/etc/hostname", "/u/hostname"), ("/etc/hosts", "/u/hosts"))
    plan = base_plan(
        spec(etc_files=etc, mounts=(Mount("bind", "/etc/hosts", str(hosts)),)), gid5_mapped=False
    )
    assert [s.source for s in plan if isinstance(s, Step) and s.destination == "/etc/hosts"] == [
        str(hosts)
    ]


def test_an_etc_file_under_a_read_only_mount_is_left_out(tmp_path: Path) -> None:
    step = Step("bind", "/etc/hostname", "/u/hostname", (), True, keep_on=(errno.EROFS,))
    refused = OSError(errno.EROFS, "Read-only file system")
    with mock.patch("hutch.runtime.mounts._ensure_target", side_effect=refused):
        step.execute(str(tmp_path))  # no mount tried, no error
    other = Step("bind", "/etc/hostname", "/u/hostname", (), True)
    with (
        mock.patch("hutch.runtime.mounts._ensure_target", side_effect=refused),
        pytest.raises(OSError),
    ):
        other.execute(str(tmp_path))


def test_describe_without_source_or_options() -> None:
    assert Step("proc", "/proc").describe() == "proc on /proc"
    assert Symlink("/dev/fd", "/proc/self/fd").describe() == "symlink /dev/fd -> /proc/self/fd"


def test_symlink_step_creates_link_inside_the_root(tmp_path: Path) -> None:
    (tmp_path / "dev").mkdir()
    Symlink("/dev/fd", "/proc/self/fd").execute(str(tmp_path))
    assert (tmp_path / "dev" / "fd").readlink() == Path("/proc/self/fd")


def test_symlink_step_keeps_an_existing_file(tmp_path: Path) -> None:
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "core").write_text("kept")
    Symlink("/dev/core", "/proc/kcore").execute(str(tmp_path))
    assert (tmp_path / "dev" / "core").read_text() == "kept"


def test_symlink_step_keeps_an_existing_link(tmp_path: Path) -> None:
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "fd").symlink_to("/proc/self/fd")
    Symlink("/dev/fd", "/elsewhere").execute(str(tmp_path))
    assert (tmp_path / "dev" / "fd").readlink() == Path("/proc/self/fd")
    assert not (tmp_path / "proc").exists()


def test_mtab_link_only_for_a_container_and_before_the_users_mounts() -> None:
    """podman's /etc/mtab link is a container's; a build step's RUN gets none (it
    would be committed). Before the user's mounts: a volume at /etc covers it."""
    assert MTAB not in base_plan(spec(), gid5_mapped=True)
    volume = Mount("bind", "/etc", "/host/etc", ())
    plan = base_plan(replace(spec(mounts=(volume,)), mtab=True), gid5_mapped=True)
    assert plan.index(MTAB) < destinations(plan).index("/etc") and plan.index(MTAB) == 2


def test_mtab_link_where_the_image_has_no_etc(tmp_path: Path) -> None:
    MTAB.execute(str(tmp_path))
    assert (tmp_path / "etc" / "mtab").readlink() == Path("/proc/mounts")
    assert (tmp_path / "etc").stat().st_mode & 0o777 == 0o755 & ~_umask()


def test_mtab_link_keeps_the_images_own(tmp_path: Path) -> None:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "mtab").symlink_to("/nowhere")  # dangling: still the image's
    MTAB.execute(str(tmp_path))
    assert (tmp_path / "etc" / "mtab").readlink() == Path("/nowhere")


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask
