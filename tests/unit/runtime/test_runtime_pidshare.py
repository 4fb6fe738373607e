"""A container that joins another's pid namespace (runtime/pidshare.py): which
spec asks for it, the forker that leaves the init to a subreaper, and how the
container's processes are told from the pod's (their mount namespace)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from hutch.runtime import freeze, pidshare, spawn
from hutch.runtime.spec import NAMESPACES, Process, Rootfs, Spec


def _proc(root: Path, pid: int, mnt: Path, innermost: int) -> None:
    """A /proc entry: ns/mnt a hard link of ``mnt`` (one inode = one namespace)."""
    (root / str(pid) / "ns").mkdir(parents=True)
    os.link(mnt, root / str(pid) / "ns" / "mnt")
    (root / str(pid) / "status").write_text(f"Name:\tx\nNSpid:\t{pid}\t{innermost}\n")


def test_the_spec_says_whether_the_container_has_a_pid_namespace_of_its_own() -> None:
    assert pidshare.own_pidns(NAMESPACES)
    assert not pidshare.own_pidns(tuple(ns for ns in NAMESPACES if ns != "pid"))
    assert pidshare.joined_pidns((("ipc", "/proc/9/ns/ipc"), ("pid", "/proc/9/ns/pid"))) == (
        "/proc/9/ns/pid"
    )
    assert pidshare.joined_pidns((("ipc", "/proc/9/ns/ipc"),)) == ""


def test_the_monitor_of_a_joining_container_is_spawned_without_a_pid_namespace(
    tmp_path: Path,
) -> None:
    spec = Spec(
        id="c", hostname="h", process=Process(args=("sh",), env=()), rootfs=Rootfs("bind", "/x")
    )
    spawn.write_bundle(spec, tmp_path)
    assert spawn.bundle_own_pidns(tmp_path)
    joining = Spec(
        id="c",
        hostname="h",
        process=Process(args=("sh",), env=()),
        rootfs=Rootfs("bind", "/x"),
        namespaces=tuple(ns for ns in NAMESPACES if ns != "pid"),
        joins=(("pid", "/proc/1/ns/pid"),),
    )
    spawn.write_bundle(joining, tmp_path)
    assert not spawn.bundle_own_pidns(tmp_path)
    config = spawn.MonitorConfig(bundle=tmp_path, attach_socket="/s", gid5_mapped=False)
    assert config.own_pidns  # the default: PID 1 of its own


def test_the_containers_processes_are_those_of_the_inits_mount_namespace(tmp_path: Path) -> None:
    ours, pods = tmp_path / "mnt-a", tmp_path / "mnt-b"
    ours.touch()
    pods.touch()
    proc = tmp_path / "proc"
    _proc(proc, 10, ours, innermost=2)  # the member's init: pid 2 of the pod's namespace
    _proc(proc, 11, ours, innermost=5)  # its child, or an exec'd process
    _proc(proc, 12, pods, innermost=3)  # another member of the pod
    mntns = pidshare.mntns_of(10, str(proc))
    assert sorted(pidshare.processes_in_mntns(mntns, str(proc))) == [10, 11]
    assert not pidshare.is_pidns_init(10, str(proc))
    _proc(proc, 20, pods, innermost=1)
    assert pidshare.is_pidns_init(20, str(proc))


def test_a_container_with_its_own_pid_namespace_is_found_as_before() -> None:
    # This test process is no container init: its processes are its mount
    # namespace's, which holds (at least) itself.
    assert not pidshare.is_pidns_init(os.getpid())
    assert os.getpid() in freeze.container_processes(os.getpid())
    assert freeze.container_processes(2**22 + 1) == []  # gone: nothing to pause


def test_the_forker_leaves_the_init_to_the_subreaper(tmp_path: Path) -> None:
    """fork_init("") in a child that is a subreaper: the init is its child once
    fork_init returns (the forker is gone), so waitpid() gets its status; the
    forker ran ``enter`` (a pod's user namespace) before it forked."""
    entered = tmp_path / "entered"

    def enter() -> None:
        entered.write_text(str(os.getpid()))

    pid = os.fork()
    if pid == 0:  # pragma: no cover - the would-be monitor
        code = 1
        try:
            pidshare.become_subreaper()
            init = pidshare.fork_init("", enter)
            if init == 0:
                os._exit(7)
            _, status = os.waitpid(init, 0)
            code = 0 if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 7 else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    assert int(entered.read_text()) not in (pid, os.getpid())  # in the forker


def test_a_pods_user_namespace_is_opened_by_its_path(tmp_path: Path) -> None:
    from hutch.runtime import userns

    spec = Spec(
        id="c",
        hostname="h",
        process=Process(args=("sh",), env=()),
        rootfs=Rootfs("bind", "/x"),
        joins=(("user", str(tmp_path / "gone")),),
    )
    with pytest.raises(OSError, match=r"joining the pod's user namespace .*/gone"):
        userns.open_userns(spec)


def test_the_forker_says_which_namespace_it_could_not_join(tmp_path: Path) -> None:
    with pytest.raises(OSError, match=r"joining the pid namespace .*/nope"):
        pidshare.fork_init(str(tmp_path / "nope"))


def test_the_init_sees_a_monitor_that_died_before_it_asked_for_its_signal() -> None:
    monitor, init = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        assert not pidshare.monitor_gone(init)
        monitor.close()
        assert pidshare.monitor_gone(init)
    finally:
        init.close()


def test_what_a_killed_monitor_left_is_found_by_its_mount_namespaces_id() -> None:
    """A process in a mount namespace of its own (unshare(1), as a member's init
    child): found and killed by the recorded (device, inode) and id; a wrong id
    (an inode number given to another namespace) kills nothing."""
    import shutil
    import subprocess
    import time

    if shutil.which("unshare") is None:
        pytest.skip("no unshare(1)")
    if not pidshare.mntns_id(os.getpid()):
        pytest.skip("this kernel gives mount namespaces no id (before Linux 6.8)")
    child = subprocess.Popen(["unshare", "--user", "--map-root-user", "--mount", "sleep", "60"])
    try:
        deadline = time.monotonic() + 30
        while pidshare.mntns_of(child.pid) == pidshare.mntns_of(os.getpid()):
            assert time.monotonic() < deadline, "unshare did not make a mount namespace"
            time.sleep(0.01)
        while (Path(f"/proc/{child.pid}/comm").read_text().strip()) != "sleep":
            assert time.monotonic() < deadline, "unshare did not exec sleep"
            time.sleep(0.01)
        mntns, ns_id = pidshare.mntns_of(child.pid), pidshare.mntns_id(child.pid)
        assert ns_id and ns_id != pidshare.mntns_id(os.getpid())
        assert pidshare.processes_of(mntns, ns_id) == [child.pid]
        assert pidshare.kill_left_behind(mntns, ns_id + 1) == 0
        assert pidshare.kill_left_behind(mntns, 0) == 0  # no id recorded: nothing
        assert child.poll() is None
        assert pidshare.kill_left_behind(mntns, ns_id) >= 1
        assert child.wait(timeout=30) == -9
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
