"""``diff A B`` (podman-diff(1)): a container's or image's changes against a second
one, through hutch and Debian's podman 4.3.1. podman walks the trees in a Go map's
order, so lines are compared as sets (hutch sorts them by path)."""

from __future__ import annotations

import json
from pathlib import Path

from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture

A = "echo a > /a; rm /bin/ls; mkdir /m; echo x > /etc/hostname2"
B = "echo b > /a; echo b > /b; touch /etc/passwd"


def _same(hutch: Hutch, podman: Run, *args: str) -> list[str]:
    ours, theirs = hutch(*args, check=False), podman(*args)
    assert (ours.returncode, ours.stderr) == (theirs.returncode, theirs.stderr), args
    assert sorted(ours.stdout.splitlines()) == sorted(theirs.stdout.splitlines()), args
    lines = ours.stdout.splitlines()
    assert lines == sorted(lines, key=lambda line: line[2:]), args
    return lines


def test_two_containers_a_container_and_an_image_and_two_images(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    for tool in (hutch, podman):
        assert tool("run", "--name", "da", "base", "sh", "-c", A).returncode == 0
        assert tool("run", "--name", "db", "base", "sh", "-c", B).returncode == 0
    assert _same(hutch, podman, "diff", "da", "db") == [
        "C /a", "D /b", "C /bin", "D /bin/ls", "C /etc", "A /etc/hostname2", "C /etc/passwd",
        "A /m",
    ]  # fmt: skip
    assert "A /bin/ls" in _same(hutch, podman, "diff", "db", "da")
    assert _same(hutch, podman, "container", "diff", "da", "db")
    # a container against its own image: what it changed, as with one name
    alone = _same(hutch, podman, "diff", "da")
    assert _same(hutch, podman, "diff", "da", "base") == alone
    ours = json.loads(hutch("diff", "--format", "json", "da", "db").stdout)
    theirs = json.loads(podman("diff", "--format", "json", "da", "db").stdout)
    assert list(ours) == list(theirs) == ["changed", "added", "deleted"]
    assert {k: sorted(v) for k, v in ours.items()} == {k: sorted(v) for k, v in theirs.items()}
    # two images, the same layers in both stores: podman's build, loaded into hutch
    (tmp_path / "ctx").mkdir()
    (tmp_path / "ctx" / "Containerfile").write_text("FROM base\nRUN echo a > /a\n")
    assert podman("build", "-q", "-t", "two", str(tmp_path / "ctx")).returncode == 0
    assert podman("save", "-q", "-o", str(tmp_path / "two.tar"), "two").returncode == 0
    hutch("load", "-q", "-i", str(tmp_path / "two.tar"))
    assert "A /a" in _same(hutch, podman, "diff", "two", "base")  # a parent
    assert "D /a" in _same(hutch, podman, "diff", "base", "two")  # not one: the trees
    assert _same(hutch, podman, "image", "diff", "base", "two") == _same(
        hutch, podman, "diff", "base", "two"
    )
    # podman's words: a name that is neither, three names
    code, _out, err = _words(hutch, podman, "diff", "da", "nosuch")
    assert (code, err) == (125, "Error: nosuch not found: layer not known\n")
    code, _out, err = _words(hutch, podman, "diff", "da", "db", "da")
    assert (code, err) == (125, "Error: accepts between 1 and 2 arg(s), received 3\n")
    for tool in (hutch, podman):
        tool("rm", "da", "db")
        tool("rmi", "two")


def _words(hutch: Hutch, podman: Run, *args: str) -> tuple[int, str, str]:
    ours, theirs = hutch(*args, check=False), podman(*args)
    assert (ours.returncode, ours.stdout, ours.stderr) == (
        theirs.returncode,
        theirs.stdout,
        theirs.stderr,
    ), args
    return ours.returncode, ours.stdout, ours.stderr


def test_latest_takes_no_names_as_podmans(hutch: Hutch, base_image: str, podman: Run) -> None:
    """``diff --latest``: the container made last against its image; with any name
    (a second one to compare with too) refused, before the count of names; --format
    checked after the names are found; no container at all in podman's words."""
    for tool in (hutch, podman):
        assert tool("run", "--name", "dl1", "base", "sh", "-c", "echo x > /x").returncode == 0
        assert tool("run", "--name", "dl2", "base", "sh", "-c", "echo y > /y").returncode == 0
    latest = _same(hutch, podman, "diff", "-l")
    assert "A /y" in latest and "A /x" not in latest
    assert _same(hutch, podman, "container", "diff", "--latest") == latest
    ours = json.loads(hutch("diff", "--latest", "--format", "json").stdout)
    theirs = json.loads(podman("diff", "--latest", "--format", "json").stdout)
    assert {k: sorted(v) for k, v in ours.items()} == {k: sorted(v) for k, v in theirs.items()}
    together = "Error: --latest and containers cannot be used together\n"
    for args in (
        ("diff", "-l", "dl1"),
        ("diff", "-l", "dl1", "base"),
        ("diff", "--latest", "a", "b", "c"),
        ("container", "diff", "-l", "dl1", "dl2"),
    ):
        assert _words(hutch, podman, *args) == (125, "", together)
    for args in (("diff", "--format", "yaml", "nosuch"), ("diff", "--format", "yaml", "dl1")):
        _words(hutch, podman, *args)
    for tool in (hutch, podman):
        tool("rm", "dl1", "dl2")
    none = "Error: unable to get latest container: no such container\n"
    assert _words(hutch, podman, "diff", "-l") == (125, "", none)
