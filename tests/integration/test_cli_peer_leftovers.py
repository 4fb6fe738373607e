"""Issue 15's leftovers, run through hutch and, where it has the flag, Debian's podman
4.3.1 on the same rootfs: ``logs`` of several containers (``-n/--names``)."""

from __future__ import annotations

from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture


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
