"""The container's monitor is the CLI forked (issue 16), or a new interpreter with
``HUTCH_MONITOR_EXEC`` set: both give the container the same monitor, as seen from
outside (its command line and name, its descriptors, its session), and both run,
start, log and remove containers alike. Real containers, rootless."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from harness import Hutch
from lifecycle_basics import is_monitor

PROFILE = b"HUTCH_CODE_CACHE_PROFILE=monitor"
MODES = {"fork": {}, "exec": {"HUTCH_MONITOR_EXEC": "1"}}


def _monitor(hutch: Hutch, name: str) -> int:
    return int(hutch("inspect", "-f", "{{.State.ConmonPid}}", name).stdout)


def _fd_kinds(pid: int) -> list[str]:
    """What each descriptor of ``pid`` leads to, numbers and inode numbers left out."""
    kinds = []
    for entry in Path(f"/proc/{pid}/fd").iterdir():
        target = os.readlink(entry)
        kinds.append(target.split(":[")[0] if ":[" in target else Path(target).name)
    return sorted(kinds)


def _seen(
    hutch: Hutch, image: str, mode: str, name: str
) -> tuple[list[bytes], str, list[str], bool]:
    """A fresh ``run -d``'s monitor as ``ps`` and /proc show it, before it goes idle."""
    hutch("run", "-d", "--name", name, image, "sleep", "100", env=MODES[mode])
    pid = _monitor(hutch, name)
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().rstrip(b"\0").split(b"\0")
    comm = Path(f"/proc/{pid}/comm").read_text().strip()
    # a new interpreter got the monitor's environment at its exec; the forked one's
    # /proc environ is still the command's (its own changes are in its memory)
    exec_env = PROFILE in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    kinds = _fd_kinds(pid)
    assert os.getsid(pid) == pid, "the monitor leads a session of its own"
    return cmdline, comm, kinds, exec_env


def test_forked_and_exec_monitors_look_alike(hutch: Hutch, base_image: str) -> None:
    try:
        forked = _seen(hutch, base_image, "fork", "mf-fork")
        execd = _seen(hutch, base_image, "exec", "mf-exec")
    finally:
        hutch("rm", "-f", "-t", "0", "mf-fork", "mf-exec", check=False)
    assert forked[3] is False, "the default start forks the monitor"
    assert execd[3] is True, "HUTCH_MONITOR_EXEC starts a new interpreter"
    for cmdline, comm, _kinds, _env in (forked, execd):
        assert is_monitor(cmdline), cmdline
        assert cmdline[1:4] == [b"-S", b"-m", b"hutch.runtime.monitor"], cmdline
        assert comm.startswith("python"), comm
    # the same descriptors: none of the command's (its database, its pipes) in the fork
    assert forked[2] == execd[2]
    assert not any(kind.endswith(".db") for kind in forked[2]), forked[2]


@pytest.mark.parametrize("mode", sorted(MODES))
def test_each_runs_starts_logs_and_removes(hutch: Hutch, base_image: str, mode: str) -> None:
    env = MODES[mode]
    name = f"mf-life-{mode}"
    script = "echo out; echo err >&2; exit 3"
    out = hutch("run", "--rm", base_image, "sh", "-c", script, check=False, env=env)
    assert (out.returncode, out.stdout, out.stderr) == (3, "out\n", "err\n")
    hutch("create", "--name", name, base_image, "sh", "-c", "echo started; sleep 100")
    try:
        hutch("start", name, env=env)
        deadline = time.monotonic() + 10
        while "started" not in hutch("logs", name).stdout:
            assert time.monotonic() < deadline, "no output logged"
            time.sleep(0.05)
        assert hutch("inspect", "-f", "{{.State.Status}}", name).stdout.strip() == "running"
        hutch("stop", "-t", "0", name)
        assert hutch("inspect", "-f", "{{.State.Status}}", name).stdout.strip() == "exited"
    finally:
        hutch("rm", "-f", "-t", "0", name, check=False)
    assert name not in hutch("ps", "-a", "--format", "{{.Names}}").stdout.split()


@pytest.mark.parametrize("mode", sorted(MODES))
def test_an_init_that_stays_is_open_to_exec_and_to_a_pod(
    hutch: Hutch, base_image: str, mode: str
) -> None:
    """A forked monitor's memory was made in the host's user namespace, and so is
    that of the init it forks: an init that changed identity and never execs
    (``--init``), or one not yet exec'd (a pod's network being attached), must
    still be open to the user's other commands (``security.dumpable_again``)."""
    env = MODES[mode]
    name = f"mf-init-{mode}"
    hutch(
        "run",
        "-d",
        "--init",
        "--userns",
        "keep-id",
        "--user",
        "1000",
        "--name",
        name,
        base_image,
        "sleep",
        "100",
        env=env,
    )
    try:
        assert hutch("exec", name, "id", "-u").stdout.strip() == "1000"
    finally:
        hutch("rm", "-f", "-t", "0", name, check=False)
    pod = f"mf-pod-{mode}"
    hutch("pod", "create", "--name", pod, "--userns", "keep-id", env=env)
    try:
        hutch("run", "-d", "--pod", pod, "--name", f"{pod}-a", base_image, "sleep", "100", env=env)
        script = "readlink /proc/self/ns/user; readlink /proc/self/ns/net"
        theirs = hutch("exec", f"{pod}-a", "sh", "-c", script).stdout
        ours = hutch("run", "--rm", "--pod", pod, base_image, "sh", "-c", script, env=env)
        assert ours.stdout == theirs
    finally:
        hutch("pod", "rm", "-f", "-t", "0", pod, check=False)


def _pasta_of(monitor: int) -> list[bytes]:
    """The command line of the pasta child of ``monitor``."""
    for proc in Path("/proc").iterdir():
        try:
            stat = (proc / "stat").read_text()
            argv = (proc / "cmdline").read_bytes().rstrip(b"\0").split(b"\0")
        except OSError:
            continue
        if int(stat.rpartition(")")[2].split()[1]) == monitor and argv[0].endswith(b"pasta"):
            return argv
    raise AssertionError(f"no pasta under the monitor {monitor}")


@pytest.mark.parametrize("mode", sorted(MODES))
def test_the_network_made_ahead_of_the_options(hutch: Hutch, base_image: str, mode: str) -> None:
    """The forked monitor of a run makes the network its flags foretell while the CLI
    creates the container (nethelper.EarlyNetwork: pasta started, or the namespace of
    --network none with lo up); a new interpreter's start makes it as before. The
    container sees the same network either way, and pasta's output is in its bundle."""
    env = MODES[mode]
    name = f"mf-net-{mode}"
    script = "ip -o -4 addr show | grep -c 10.0.2.100; cat /sys/class/net/lo/flags"
    got = hutch("run", "--rm", base_image, "sh", "-c", script, env=env).stdout.split()
    assert got == ["1", "0x9"], got  # its address, lo up
    none = "ls /sys/class/net; cat /sys/class/net/lo/flags"
    got = hutch("run", "--rm", "--network", "none", base_image, "sh", "-c", none, env=env)
    assert got.stdout.split() == ["lo", "0x9"], got.stdout
    hutch("run", "-d", "--name", name, base_image, "sleep", "100", env=env)
    try:
        argv = _pasta_of(_monitor(hutch, name))
        pid_file = argv[argv.index(b"--pid") + 1].decode()
        ahead = Path(pid_file).parent == hutch.env.runtime_dir / "hutch" / "a"
        assert ahead is (mode == "fork"), pid_file
        bundle = hutch("inspect", "-f", "{{.StaticDir}}", name).stdout.strip()
        assert (Path(bundle) / "network.log").exists()
        assert not Path(pid_file).exists(), "the pid FIFO goes once pasta is up"
    finally:
        hutch("rm", "-f", "-t", "0", name, check=False)
