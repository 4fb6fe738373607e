"""Issue 15's leftovers, run through hutch and, where it has the flag, Debian's podman
4.3.1 on the same rootfs: ``logs`` of several containers (``-n/--names``), ``ps --ns``
and ``--external``; ``stats --no-reset`` (podman 4.3.1 has no rootless stats on this
host: hutch's alone, in a terminal); ``update --restart`` (podman 4.3.1 has none);
``mount --notruncate``; ``manifest add LIST IMAGE...``; ``exec``'s HOSTNAME."""

from __future__ import annotations

import functools
import os
import time
from pathlib import Path

import pytest
from harness import Hutch, run_in_pty
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture


def _logs_both(hutch: Hutch, podman: Run, *flags: str) -> tuple[list[str], list[str]]:
    """``logs FLAGS one two`` through both, each tool's ids written as ``<one>``/``<two>``."""
    seen = []
    for tool in (hutch, podman):
        got = tool("logs", *flags, "one", "two")
        assert got.returncode == 0, got.stderr
        text = got.stdout + "|" + got.stderr
        for name in ("one", "two"):
            cid = tool("inspect", "--format", "{{.Id}}", name).stdout.strip()
            text = text.replace(cid[:12], f"<{name}>")
        seen.append(text)
    return seen[0].split("|"), seen[1].split("|")


def test_logs_of_several_containers_as_podman(hutch: Hutch, base_image: str, podman: Run) -> None:
    for tool in (hutch, podman):
        tool("run", "--name", "one", base_image, "sh", "-c", "echo 1a; echo 1b >&2")
        tool("run", "--name", "two", base_image, "sh", "-c", "echo 2a")
    ours, theirs = _logs_both(hutch, podman)
    # the lines of both, in the order they were written, after their short ids
    assert ours == ["<one> 1a\n<two> 2a\n", "<one> 1b\n"]
    # podman reads the containers side by side: its order between them may vary
    assert [sorted(part.splitlines()) for part in theirs] == [
        sorted(part.splitlines()) for part in ours
    ]
    ours, theirs = _logs_both(hutch, podman, "--names")
    assert ours == ["one 1a\ntwo 2a\n", "one 1b\n"]
    assert [sorted(p.splitlines()) for p in theirs] == [sorted(p.splitlines()) for p in ours]
    # one container: no prefix, --names or not
    for tool in (hutch, podman):
        assert tool("logs", "-n", "two").stdout == "2a\n"
    for tool in (hutch, podman):
        tool("rm", "one", "two")


def test_logs_follow_several_at_once(hutch: Hutch, base_image: str) -> None:
    """-f follows every container together: the short one's lines come before the
    long one's last line (read one after the other, they came after it)."""
    hutch("run", "-d", "--name", "long", base_image, "sh", "-c", "echo l1; sleep 6; echo l2")
    hutch("run", "-d", "--name", "short", base_image, "sh", "-c", "echo s1; sleep 1; echo s2")
    lines = hutch("logs", "-f", "-n", "long", "short", timeout=40).stdout.splitlines()
    assert sorted(lines) == ["long l1", "long l2", "short s1", "short s2"]
    assert lines[-1] == "long l2", lines
    hutch("rm", "long", "short")


NS_FORMAT = "{{.Pid}} {{.Namespaces.NET}} {{.Namespaces.User}} {{.Namespaces.UTS}}"


def test_ps_ns_as_podman(hutch: Hutch, base_image: str, podman: Run) -> None:
    # nothing runs in either: the header row alone, byte for byte
    assert both(hutch, podman, "ps", "--ns")[0] == 0
    for args in (("-q", "--ns"), ("-q", "-s"), ("--ns", "-s")):
        assert both(hutch, podman, "ps", *args)[0] == 125
    hutch("pod", "create", "--name", "p")
    for name, where in (("a", "p"), ("b", "p"), ("c", "")):
        pod = ("--pod", where) if where else ()
        hutch("run", "-d", "--name", name, *pod, base_image, "sleep", "60")
    got = {}
    for name in "abc":
        shown = hutch("ps", "--ns", "-f", f"name=^{name}$", "--format", NS_FORMAT).stdout
        pid, net, user, uts = shown.split()
        # the inodes of the container's own process, as /proc shows them to its user
        assert net == str(os.stat(f"/proc/{pid}/ns/net").st_ino)
        assert user == str(os.stat(f"/proc/{pid}/ns/user").st_ino)
        got[name] = (net, uts)
    assert got["a"] == got["b"] != got["c"]  # the pod's members share its net and uts
    header, *rows = hutch("ps", "--ns", "-f", "name=^c$").stdout.splitlines()
    assert header.split()[4:] == ["CGROUPNS", "IPC", "MNT", "NET", "PIDNS", "USERNS", "UTS"]
    assert rows[0].split()[1] == "c" and got["c"][0] in rows[0].split()
    hutch("stop", "-t", "0", "c")
    stopped = hutch("ps", "-a", "--ns", "-f", "name=^c$", "--format", "json").stdout
    assert '"Namespaces": {}' in stopped
    listed = ("ps", "-a", "--format", "{{.ID}} {{.Names}}")  # the times in a table move on
    plain = hutch(*listed).stdout
    assert len(plain.splitlines()) == 4  # a, b, c and the pod's infra
    assert hutch(*listed, "--external").stdout == plain
    hutch("pod", "rm", "-f", "-t", "0", "p")
    hutch("rm", "c")


@pytest.mark.parametrize("no_reset", [False, True], ids=["reset", "no-reset"])
def test_stats_clears_the_terminal_unless_no_reset(
    hutch: Hutch, base_image: str, no_reset: bool
) -> None:
    hutch("run", "-d", "--name", "busy", base_image, "sleep", "60")
    flags = ["--no-reset"] if no_reset else []
    # about five samples half a second apart; then the terminal's run is cut short
    _, shown = run_in_pty(hutch, ["stats", *flags, "-i", "0.5", "busy"], timeout=3)
    tables = shown.count("MEM USAGE / LIMIT")
    assert tables >= 3, shown
    assert shown.count("\x1b[2J") == (0 if no_reset else tables)
    hutch("rm", "-f", "-t", "0", "busy")


def _until_exited(hutch: Hutch, name: str, timeout: float = 45) -> str:
    """The container's ``RestartCount`` once it has exited for good (in the back-off
    before a restart its status is exited too, with Restarting true, as podman's)."""
    deadline = time.monotonic() + timeout
    fmt = "{{.State.Status}} {{.State.Restarting}} {{.RestartCount}}"
    while time.monotonic() < deadline:
        status, restarting, count = hutch("inspect", "--format", fmt, name).stdout.split()
        if status == "exited" and restarting == "false":
            return count
        time.sleep(0.3)
    raise AssertionError(f"{name} still {status} after {timeout} s")


def test_update_restart_reaches_a_running_monitor(hutch: Hutch, base_image: str) -> None:
    # created with no policy: each run fails after three seconds
    cid = hutch("run", "-d", "--name", "flaky", base_image, "sh", "-c", "sleep 3; exit 3").stdout
    # no cgroup on this host: a limit is refused, the policy alone is not
    assert hutch("update", "--restart", "on-failure:2", "flaky").stdout == cid
    fmt = "{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}"
    assert hutch("inspect", "--format", fmt, "flaky").stdout == "on-failure:2\n"
    assert hutch("ps", "-a", "--filter", "restart-policy=on-failure", "-q").stdout.strip()
    assert _until_exited(hutch, "flaky") == "2"  # the monitor begun with "no" restarted it
    bad = hutch("update", "--restart", "sometimes", "flaky", check=False)
    assert bad.returncode == 125 and bad.stderr == (
        'Error: "sometimes" is not a valid restart policy: invalid argument\n'
    )
    # no flag: podman 4.3.1 prints the id and changes nothing (hutch refused it once)
    none = hutch("update", "flaky", check=False)
    assert (none.returncode, none.stdout.strip()) == (0, flaky_id(hutch))
    # and back: an always-restarting container stops at its next exit
    hutch("run", "-d", "--name", "loop", "--restart", "always", base_image, "sh", "-c", "sleep 3")
    hutch("update", "--restart", "no", "loop")
    assert int(_until_exited(hutch, "loop")) <= 1
    time.sleep(1.5)  # no run after that one
    assert hutch("inspect", "--format", "{{.State.Status}}", "loop").stdout == "exited\n"
    hutch("rm", "flaky", "loop")


def test_mount_listing_full_ids_as_podman(hutch: Hutch, base_image: str, podman: Run) -> None:
    """``mount`` lists short ids; ``--notruncate`` (podman's older name, which 4.3.1 still
    takes) and ``--no-trunc`` the full ones, both inside unshare as podman's rootless."""
    listings = []
    for tool, argv in ((hutch, [str(hutch.binary)]), (podman, podman("--help").args[:-1])):
        tool("create", "--name", "held", base_image, "true")
        cid = tool("inspect", "--format", "{{.Id}}", "held").stdout.strip()
        script = 'p="$@"; $p mount held >/dev/null; $p mount; $p mount --notruncate; '
        script += "$p mount --no-trunc; $p umount held"
        shown = tool("unshare", "sh", "-c", script, "sh", *argv).stdout
        short, full, full_too, _ = shown.splitlines()
        assert short.split()[0] == cid[:12] and full.split()[0] == cid, shown
        assert full_too == full and full.split()[1] == short.split()[1]
        assert full.split()[1].endswith("/merged")
        listings.append(full.replace(cid, "<id>").split()[0])
        tool("rm", "held")
    assert listings == ["<id>", "<id>"]


def test_manifest_add_several_images_as_podman(
    hutch: Hutch, base_image: str, podman: Run, rootfs_tar: Path
) -> None:
    images = (
        "containers-storage:localhost/base:latest",
        "containers-storage:localhost/other:latest",
    )
    missing = "containers-storage:localhost/nosuch:latest"
    # hutch unchecked, as podman's runner: the exit codes are asserted here
    for tool in (functools.partial(hutch, check=False), podman):
        tool("import", "-q", "--change", "CMD=/bin/true", str(rootfs_tar), "other")
        tool("manifest", "create", "ml")
        added = tool("manifest", "add", "ml", *images)
        assert added.returncode == 0 and len(added.stdout.split()) == 1, added.stderr  # the id
        assert tool("manifest", "inspect", "ml").stdout.count('"digest"') == 2
        # the first that fails ends the command: the ones before it stay added
        tool("manifest", "create", "m2")
        failed = tool("manifest", "add", "m2", images[0], missing, images[1])
        assert (failed.returncode, failed.stdout) == (125, ""), failed
        assert tool("manifest", "inspect", "m2").stdout.count('"digest"') == 1
        tool("manifest", "rm", "ml", "m2")
        tool("rmi", "other")


def test_info_id_maps_and_rootless_as_podman(hutch: Hutch, base_image: str, podman: Run) -> None:
    # info enters the session namespace (its store counts): the maps are
    # the ones outside it, the user's own uid first (they read uid 0's).
    template = "{{json .Host.IDMappings}} {{.Host.Security.Rootless}}"
    ours = hutch("info", "--format", template)
    theirs = podman("info", "--format", template)
    assert theirs.returncode == 0, theirs.stderr
    assert ours.stdout == theirs.stdout
    assert f'"host_id":{os.getuid()},' in ours.stdout


def test_exec_has_hostname_only_where_the_config_set_it(
    hutch: Hutch, podman: Run, base_image: str
) -> None:
    """podman's exec: no HOSTNAME unless --hostname, -e or the like set it; the
    container's own command has it all the same."""
    # env, not the shell's $HOSTNAME: busybox sh sets that one itself
    show = ("sh", "-c", "env | grep ^HOSTNAME= | cut -d= -f2- | grep . || echo unset")
    for name, flags in (
        ("plain", ()),
        ("named", ("--hostname", "hh")),
        ("given", ("-e", "HOSTNAME=given")),
        ("hostuts", ("--uts", "host")),
    ):
        for tool in (hutch, podman):
            tool("run", "-d", "--name", name, *flags, base_image, "sleep", "100")
    try:
        for name, shown in (("plain", "unset"), ("named", "hh"), ("given", "given")):
            assert both(hutch, podman, "exec", name, *show) == (0, f"{shown}\n", ""), name
        assert both(hutch, podman, "exec", "hostuts", *show) == (0, "unset\n", "")
        got = both(hutch, podman, "exec", "-e", "HOSTNAME=x", "plain", *show)
        assert got == (0, "x\n", "")
        # the container's own process: its id's first 12 characters
        for tool in (hutch, podman):
            out = tool("run", "--rm", base_image, *show).stdout.strip()
            assert len(out) == 12 and out != "unset", out
    finally:
        for tool in (hutch, podman):
            tool("rm", "-f", "-t", "0", "plain", "named", "given", "hostuts")


def flaky_id(hutch: Hutch) -> str:
    return hutch("inspect", "--format", "{{.Id}}", "flaky").stdout.strip()
