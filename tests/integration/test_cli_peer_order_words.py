"""Differential, through hutch and Debian's podman 4.3.1 (issue 15): the order ``ps``
lists containers in (podman's default sort is by creation, the oldest first; Docker
lists the newest first, and hutch's API socket does, as Docker's), and the words of
``cp`` and ``commit`` when what they name is not there."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture


def test_ps_lists_the_oldest_first_as_podman(hutch: Hutch, base_image: str, podman: Run) -> None:
    for name in ("first", "second", "third"):
        assert hutch("create", "--name", name, base_image, "true").returncode == 0
        assert podman("create", "--name", name, "base", "true").returncode == 0
        time.sleep(0.05)  # distinct creation times
    for argv in (
        ("ps", "-a", "--format", "{{.Names}}"),
        ("ps", "-a", "--sort", "created", "--format", "{{.Names}}"),
        ("ps", "-a", "--last", "2", "--format", "{{.Names}}"),
        ("ps", "-a", "--sort", "names", "--format", "{{.Names}}"),
    ):
        mine, theirs = hutch(*argv).stdout, podman(*argv).stdout
        assert mine == theirs, argv
    assert hutch("ps", "-a", "--format", "{{.Names}}").stdout == "first\nsecond\nthird\n"
    for name in ("first", "second", "third"):
        podman("rm", name)


@pytest.mark.parametrize(
    "argv",
    [
        ("cp", "nosuch:/etc/hostname", "{tmp}/out"),
        ("cp", "{tmp}/nosuch", "nosuch:/tmp"),
        ("cp", "words:/nosuch", "{tmp}/out"),
        ("cp", "words:/nosuch/deeper", "{tmp}/out"),
        ("cp", "{tmp}/nosuch", "words:/tmp"),
        ("commit", "nosuch", "img"),
    ],
    ids=lambda a: " ".join(a),
)
def test_cp_and_commit_of_what_is_not_there_say_podmans_words(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path, argv: tuple[str, ...]
) -> None:
    args = [a.format(tmp=tmp_path) for a in argv]
    hutch("create", "--name", "words", base_image, "true")
    podman("create", "--name", "words", "base", "true")
    try:
        mine, theirs = hutch(*args, check=False), podman(*args)
        assert (mine.returncode, mine.stdout, mine.stderr) == (
            theirs.returncode,
            theirs.stdout,
            theirs.stderr,
        )
        assert mine.returncode == 125
    finally:
        podman("rm", "words")
