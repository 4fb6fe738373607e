"""``hutch run`` isolates the container: pid, uts, mount, user and network namespaces.

Each test runs the real binary rootless and checks one property from both
sides: what the container sees, and what the host sees of the container.
"""

from __future__ import annotations

import os
import pwd
import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness import Hutch, HutchEnv, pids_with_cmdline, subid_ranges


def _uid_of(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Uid:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _wait_for_pid(argv: list[str], timeout: float = 15) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = pids_with_cmdline(argv)
        if pids:
            assert len(pids) == 1, f"more than one {argv}: {pids}"
            return pids[0]
        time.sleep(0.02)
    raise AssertionError(f"no process {argv} appeared within {timeout} s")


@contextmanager
def _background(hutch: Hutch, *args: str) -> Iterator[subprocess.Popen[str]]:
    """``hutch ARGS`` running in the background; killed if still running at the end."""
    proc = subprocess.Popen(
        [str(hutch.binary), *args],
        env=hutch.env.environ(),
        cwd=hutch.env.home,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)


def _storage(env: HutchEnv) -> Path:
    return env.data_home / "hutch" / "storage"


def _only_container_dir(env: HutchEnv) -> Path:
    dirs = list((_storage(env) / "containers").iterdir())
    assert len(dirs) == 1, f"expected one container dir, found {dirs}"
    return dirs[0]


def _host_id(kind: str, inside: int) -> int:
    """The host id that container id INSIDE (>= 1) maps to with this user's range."""
    me = os.getuid()
    ranges = subid_ranges(Path(f"/etc/sub{kind}"), pwd.getpwuid(me).pw_name, me)
    start, count = ranges[0]
    assert 1 <= inside <= count
    return start + inside - 1


def test_command_is_pid_1(hutch: Hutch, base_image: str) -> None:
    """The container's command is PID 1 of a new pid namespace."""
    assert hutch("run", "--rm", base_image, "sh", "-c", "echo $$").stdout == "1\n"


def test_default_hostname_is_short_container_id(hutch: Hutch, base_image: str) -> None:
    """Without --hostname the host name is the first 12 hex digits of the container id."""
    out = hutch("run", "--name", "hn", base_image, "hostname").stdout.strip()
    assert re.fullmatch(r"[0-9a-f]{12}", out), out
    assert _only_container_dir(hutch.env).name.startswith(out)


def test_hostname_option(hutch: Hutch, base_image: str) -> None:
    """--hostname sets the uts name, and $HOSTNAME agrees."""
    out = hutch(
        "run", "--rm", "--hostname", "box-x", base_image, "sh", "-c", 'hostname; echo "$HOSTNAME"'
    ).stdout
    assert out == "box-x\nbox-x\n"


def test_host_processes_are_invisible(hutch: Hutch, base_image: str) -> None:
    """ps inside lists only the container's processes, not a host process running now."""
    outside = subprocess.Popen(["sleep", "1234.5"])
    try:
        out = hutch("run", "--rm", base_image, "ps", "-o", "pid,args").stdout
    finally:
        outside.kill()
        outside.wait()
    assert "1234.5" not in out
    rows = [line.split(None, 1) for line in out.strip().splitlines()[1:]]
    assert [r[0] for r in rows] == ["1"], out
    assert rows[0][1].startswith("ps")


def test_container_root_is_the_user_outside(hutch: Hutch, base_image: str) -> None:
    """A process of container root runs on the host with the invoking user's real uid."""
    with _background(hutch, "run", "--rm", base_image, "sleep", "777.7") as proc:
        pid = _wait_for_pid(["sleep", "777.7"])
        assert _uid_of(pid) == os.getuid()
        assert hutch("run", "--rm", base_image, "id", "-u").stdout == "0\n"
        os.kill(pid, 9)
        proc.wait(timeout=15)


def test_file_of_container_uid_1000_is_owned_by_subordinate_id(
    hutch: Hutch, base_image: str
) -> None:
    """A file written by container uid 1000 is owned on the host by subuid start + 999."""
    hutch(
        "run", "--name", "writer", "-u", "1000", base_image, "sh", "-c", "echo data > /tmp/by-user"
    )
    written = _only_container_dir(hutch.env) / "upper" / "tmp" / "by-user"
    st = written.lstat()
    assert (st.st_uid, st.st_gid) == (_host_id("uid", 1000), _host_id("gid", 1000))


def test_containers_of_one_image_do_not_share_writes(hutch: Hutch, base_image: str) -> None:
    """A write in one container is in its own upper dir only: not in another, not in the image."""
    hutch("run", "--name", "first", base_image, "sh", "-c", "echo one > /x")
    first_dir = _only_container_dir(hutch.env)
    assert (first_dir / "upper" / "x").read_text() == "one\n"
    other = hutch("run", "--rm", base_image, "sh", "-c", "cat /x", check=False)
    assert other.returncode == 1 and "No such file" in other.stderr
    layers = list((_storage(hutch.env) / "layers").iterdir())
    assert len(layers) == 1
    assert (layers[0] / "diff" / "bin" / "busybox").is_file()
    assert not (layers[0] / "diff" / "x").exists()


def test_masked_paths_are_empty(hutch: Hutch, base_image: str) -> None:
    """/proc/keys and /proc/timer_list read as empty, /sys/firmware is an empty directory."""
    assert Path("/proc/keys").exists() and Path("/sys/firmware").is_dir()
    assert any(Path("/sys/firmware").iterdir()), "host /sys/firmware should not be empty"
    script = (
        "wc -c < /proc/keys; wc -c < /proc/timer_list; ls -A /sys/firmware | wc -l; "
        "test -d /sys/firmware && echo dir; "
        "awk '{print $5}' /proc/self/mountinfo"
    )
    out = hutch("run", "--rm", base_image, "sh", "-c", script).stdout.split()
    assert out[:4] == ["0", "0", "0", "dir"]
    mount_points = set(out[4:])
    assert {"/proc/keys", "/proc/timer_list", "/sys/firmware"} <= mount_points


def test_proc_sys_is_read_only(hutch: Hutch, base_image: str) -> None:
    """A write to /proc/sys fails with a read-only file system error."""
    result = hutch(
        "run", "--rm", base_image, "sh", "-c", "echo box > /proc/sys/kernel/domainname", check=False
    )
    assert result.returncode != 0
    assert "Read-only file system" in result.stderr


def test_dev_has_the_standard_devices(hutch: Hutch, base_image: str) -> None:
    """/dev holds the standard nodes and mounts; /dev/null swallows, /dev/zero gives zeros."""
    listing = hutch("run", "--rm", base_image, "ls", "-A", "/dev").stdout.split()
    expected = {"null", "zero", "full", "random", "urandom", "tty", "ptmx", "pts", "shm", "mqueue"}
    assert expected <= set(listing), listing
    out = hutch(
        "run",
        "--rm",
        base_image,
        "sh",
        "-c",
        "echo gone > /dev/null && echo wrote; head -c 8 /dev/zero | od -An -tx1",
    ).stdout
    assert out.split() == ["wrote"] + ["00"] * 8


def _link_names(ip_output: str) -> set[str]:
    # "2: eth0@if3: <...>" -> "eth0"
    return {
        line.split(":")[1].strip().split("@")[0] for line in ip_output.splitlines() if line.strip()
    }


def test_network_none_has_only_loopback(hutch: Hutch, base_image: str) -> None:
    """--network none gives a network namespace with lo and nothing else."""
    out = hutch("run", "--rm", "--network", "none", base_image, "ip", "-o", "link").stdout
    assert _link_names(out) == {"lo"}


def test_network_host_sees_host_interfaces(hutch: Hutch, base_image: str) -> None:
    """--network host shares the host's network namespace: the same interfaces."""
    host = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True, check=True)
    host_links = _link_names(host.stdout)
    assert len(host_links) > 1
    out = hutch("run", "--rm", "--network", "host", base_image, "ip", "-o", "link").stdout
    assert _link_names(out) == host_links


def test_host_sys_is_read_only_all_the_way_down(hutch: Hutch, base_image: str) -> None:
    """--network host binds the host's /sys: every mount under it is read-only too."""
    script = "awk '$5 ~ \"^/sys\" {print $5, $6}' /proc/self/mountinfo"
    out = hutch("run", "--rm", "--network", "host", base_image, "sh", "-c", script).stdout
    mounts = [line.split() for line in out.splitlines()]
    assert len(mounts) > 1, out  # /sys and the mounts below it (cgroups on this host)
    writable = [point for point, opts in mounts if "ro" not in opts.split(",")]
    assert not writable, out


def test_bogus_network_is_refused(hutch: Hutch, base_image: str) -> None:
    """An unknown --network mode is refused with exit 125 and a one-line error."""
    result = hutch("run", "--rm", "--network", "bogus", base_image, "true", check=False)
    assert result.returncode == 125
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "bogus" in lines[0]
    assert result.stdout == ""
