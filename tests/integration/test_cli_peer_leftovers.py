"""Issue 15's leftovers, run through hutch and, where it has the flag, Debian's podman
4.3.1 on the same rootfs: ``logs`` of several containers (``-n/--names``), ``ps --ns``
and ``--external``."""

from __future__ import annotations

import os

from harness import Hutch
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
