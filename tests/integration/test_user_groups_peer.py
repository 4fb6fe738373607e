"""Differential, through hutch and Debian's podman 4.3.1 (issue 15): a container's
process given a user (--user, or the image's USER) has its primary group among its
supplementary groups too (`id` prints groups=GID); the default root has none, and
neither has `exec -u`. An unknown user is refused at start with exit 126, in podman's
words."""

from __future__ import annotations

import pytest
from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture


@pytest.mark.parametrize(
    "flags",
    [(), ("-u", "root"), ("-u", "1234"), ("-u", "1234:5"), ("-u", "nobody"), ("--group-add", "7")],
    ids=str,
)
def test_run_groups_as_podman(
    hutch: Hutch, base_image: str, podman: Run, flags: tuple[str, ...]
) -> None:
    mine = hutch("run", "--rm", *flags, base_image, "id")
    theirs = podman("run", "--rm", *flags, "base", "id")
    assert mine.stdout == theirs.stdout
    assert ("groups=" in mine.stdout) == bool(flags)


def test_exec_user_has_no_primary_group_added(hutch: Hutch, base_image: str, podman: Run) -> None:
    hutch("run", "-d", "--name", "groupy", base_image, "sleep", "60")
    podman("run", "-d", "--name", "groupy", "base", "sleep", "60")
    try:
        for user in ("nobody", "7:7"):
            mine = hutch("exec", "-u", user, "groupy", "id").stdout
            assert mine == podman("exec", "-u", user, "groupy", "id").stdout
            assert "groups=" not in mine
    finally:
        hutch("rm", "-f", "-t", "0", "groupy")
        podman("rm", "-f", "-t", "0", "groupy")


def test_unknown_user_is_refused_at_start(hutch: Hutch, base_image: str, podman: Run) -> None:
    mine = hutch("run", "--rm", "-u", "nosuch", base_image, "id", check=False)
    theirs = podman("run", "--rm", "-u", "nosuch", "base", "id")
    assert (mine.returncode, theirs.returncode) == (126, 126)
    words = "Error: unable to find user nosuch: no matching entries in passwd file"
    assert words in mine.stderr and words in theirs.stderr
