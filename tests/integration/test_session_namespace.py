"""The session user namespace: one holder process per user, reused by every command,
rebuilt by ``system migrate``, entered by ``hutch unshare``."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import time
from pathlib import Path

import pytest
from harness import Hutch, HutchEnv, subid_ranges


@pytest.fixture
def base_image(hutch: Hutch, rootfs_tar: Path) -> str:
    """``base`` imported by this test's hutch, as the suite's fixture did before it
    copied a store: the import is the command that started the session holder these
    tests look at."""
    hutch("import", str(rootfs_tar), "base")
    return "base"


def _holder_pid(env: HutchEnv) -> int:
    # session.pid: "<pid> <start time> <mode>"
    return int(env.session_pid_file.read_text().split()[0])


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _map_rows(text: str) -> list[list[int]]:
    return [[int(f) for f in line.split()] for line in text.strip().splitlines()]


def _expected_map(kind: str) -> list[list[int]]:
    me = os.getuid()
    (start, count), *_ = subid_ranges(Path(f"/etc/sub{kind}"), pwd.getpwuid(me).pw_name, me)
    own = os.getuid() if kind == "uid" else os.getgid()
    return [[0, own, 1], [1, start, count]]


def test_holder_maps_user_and_subordinate_range(hutch: Hutch, base_image: str) -> None:
    """After a command, session.pid names a live holder whose uid and gid maps give
    container 0 to the user and 1.. to the subordinate range."""
    pid = _holder_pid(hutch.env)
    assert _alive(pid)
    assert _map_rows(Path(f"/proc/{pid}/uid_map").read_text()) == _expected_map("uid")
    assert _map_rows(Path(f"/proc/{pid}/gid_map").read_text()) == _expected_map("gid")
    assert os.readlink(f"/proc/{pid}/ns/user") != os.readlink("/proc/self/ns/user")


def test_commands_reuse_the_holder(hutch: Hutch, base_image: str) -> None:
    """Later commands join the same holder instead of making a new namespace."""
    pid = _holder_pid(hutch.env)
    hutch("run", "--rm", base_image, "true")
    hutch("rmi", base_image)
    assert _holder_pid(hutch.env) == pid and _alive(pid)


def test_migrate_replaces_the_holder(hutch: Hutch, base_image: str) -> None:
    """`system migrate` stops the holder; the next command starts a new one that works."""
    old = _holder_pid(hutch.env)
    hutch("system", "migrate")
    assert not _alive(old)
    assert hutch("run", "--rm", base_image, "echo", "after").stdout == "after\n"
    new = _holder_pid(hutch.env)
    assert new != old and _alive(new)
    assert _map_rows(Path(f"/proc/{new}/uid_map").read_text()) == _expected_map("uid")


def _holders(env: HutchEnv) -> list[int]:
    """Live processes marked as a holder of this environment's runtime dir."""
    marker = f"HUTCH_SESSION={env.runtime_dir / 'hutch'}".encode()
    out = []
    for entry in os.listdir("/proc"):
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()
        except OSError:
            continue
        if marker in environ.split(b"\0") and _alive(int(entry)):
            out.append(int(entry))
    return out


def _kill_holder(env: HutchEnv) -> int:
    pid = _holder_pid(env)
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    return pid


def test_containers_stay_manageable_after_the_holder_dies(hutch: Hutch, base_image: str) -> None:
    """A new holder joins a live container's namespace: exec, cp and rm -f still work,
    also for a container whose processes run under a subordinate id."""
    hutch("run", "-d", "--name", "u", "-u", "1000:1000", base_image, "sleep", "600")
    hutch("run", "-d", "--name", "r", base_image, "sh", "-c", "echo hi > /f; sleep 600")
    old = _kill_holder(hutch.env)
    assert hutch("exec", "u", "id", "-u").stdout == "1000\n"
    new = _holder_pid(hutch.env)
    assert new != old and _alive(new)
    ctr = int(hutch("inspect", "--format", "{{.State.Pid}}", "r").stdout)
    assert os.readlink(f"/proc/{new}/ns/user") == os.readlink(f"/proc/{ctr}/ns/user")
    assert _holders(hutch.env) == [new]
    hutch("cp", "r:/f", str(hutch.env.home / "f"))
    assert (hutch.env.home / "f").read_text() == "hi\n"
    _kill_holder(hutch.env)
    hutch("rm", "-af", "-t", "0")  # sleep, pid 1, ignores SIGTERM: 10 s without -t 0
    assert hutch("ps", "-aq").stdout == ""


def test_a_garbled_pid_file_does_not_leak_the_holder(hutch: Hutch, base_image: str) -> None:
    """The live holder is found again by its mark instead of a second one being made."""
    pid = _holder_pid(hutch.env)
    hutch.env.session_pid_file.write_text("garbage\n")
    assert hutch("run", "--rm", base_image, "true").returncode == 0
    assert _holder_pid(hutch.env) == pid
    assert _holders(hutch.env) == [pid]


def test_migrate_stops_running_containers(hutch: Hutch, base_image: str) -> None:
    """As podman's: the containers go with the old namespace, which is not joined again."""
    hutch("run", "-d", "--name", "c", base_image, "sleep", "600")
    old = _holder_pid(hutch.env)
    hutch("system", "migrate")
    assert hutch("inspect", "--format", "{{.State.Status}}", "c").stdout.strip() == "exited"
    assert not _alive(old)
    assert hutch("run", "--rm", base_image, "echo", "new").stdout == "new\n"
    hutch("rm", "c")


def test_unshare_is_root_in_the_session(hutch: Hutch, base_image: str) -> None:
    """`hutch unshare` runs a command as root of the session namespace, with its map."""
    assert hutch("unshare", "id", "-u").stdout == "0\n"
    uid_map = _map_rows(hutch("unshare", "cat", "/proc/self/uid_map").stdout)
    assert uid_map == _expected_map("uid")
    holder = _holder_pid(hutch.env)
    inside = hutch("unshare", "readlink", "/proc/self/ns/user").stdout.strip()
    assert inside == os.readlink(f"/proc/{holder}/ns/user")


def test_unshare_removes_files_of_subordinate_ids(hutch: Hutch, base_image: str) -> None:
    """Files that container uid 1000 made in storage resist the user's own rm, and
    `hutch unshare rm -rf` removes them."""
    hutch(
        "run",
        "--name",
        "maker",
        "-u",
        "1000",
        base_image,
        "sh",
        "-c",
        "mkdir -p /tmp/made/sub && echo x > /tmp/made/sub/file && chmod 755 /tmp/made",
    )
    (container,) = (hutch.env.data_home / "hutch" / "storage" / "containers").iterdir()
    made = container / "upper" / "tmp" / "made"
    assert (made / "sub" / "file").stat().st_uid != os.getuid()
    with pytest.raises(PermissionError):
        shutil.rmtree(made)
    hutch("unshare", "rm", "-rf", str(made))
    assert not made.exists()


def test_without_map_tools_a_single_id_is_mapped_with_a_warning(
    hutch: Hutch, rootfs_tar: Path, tmp_path: Path
) -> None:
    """Where newuidmap/newgidmap cannot be found (as where no subordinate range is
    configured), the session maps the user's own id only, says so with the fix on
    every command, and containers still run (as the user)."""
    bare = tmp_path / "bin"  # a PATH with sleep but without the map tools
    bare.mkdir()
    sleep = shutil.which("sleep")
    assert sleep is not None
    (bare / "sleep").symlink_to(sleep)
    env = {"PATH": str(bare)}
    imported = hutch("import", str(rootfs_tar), "single", env=env)
    assert "only one id is mapped" in imported.stderr
    # The cause is named (the tool, not the range), with the command that fixes it.
    assert "newuidmap: missing" in imported.stderr
    assert "apt-get install uidmap" in imported.stderr
    assert pwd.getpwuid(os.getuid()).pw_name in imported.stderr  # names the user to fix
    run = hutch("run", "--rm", "--network", "none", "single", "cat", "/proc/self/uid_map", env=env)
    assert _map_rows(run.stdout) == [[0, os.getuid(), 1]]
    assert "only one id is mapped" in run.stderr
    assert _holder_pid(hutch.env) > 0
