"""Differential: ``top``'s descriptors of current podman (psgo) that 4.3.1 has too
(``groups``, ``hgroups``, the AIX codes) and ``gid``, which is none of psgo's: both
run ps(1) in the container with it. ``huid`` is newer than 4.3.1's psgo: checked
against the host's /proc."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from harness import Hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture

RUN = ("run", "-d", "--name", "t", "-u", "1000:1000", "--group-add", "0", "--group-add", "1000",
       "--group-add", "4242", "base", "sleep", "300")  # fmt: skip


@pytest.fixture(name="running")
def fixture_running(hutch: Hutch, podman: Run, base_image: str) -> Iterator[None]:
    ours = hutch(*RUN, check=False)
    assert ours.returncode == 0, ours.stderr
    made = podman(*RUN)
    assert made.returncode == 0, made.stderr
    yield None
    hutch("rm", "-f", "-t", "0", "t", check=False)
    podman("rm", "-f", "-t", "0", "t")


@pytest.mark.parametrize(
    "words",
    [
        ("groups", "hgroups"),
        ("pid,groups,hgroups,hgroup,huser",),
        # psgo's codes, case-sensitive (the time-dependent %C, %t and %x left out)
        ("%G,%P,%U,%a,%c,%g,%n,%p,%r,%u,%y,%z",),
        ("gid",),  # no descriptor: busybox's ps in the container prints its default
    ],
    ids=" ".join,
)
def test_top_descriptors_as_podman(
    hutch: Hutch, podman: Run, running: None, words: tuple[str, ...]
) -> None:
    both(hutch, podman, "top", "t", *words)


def test_top_huid_is_the_host_uid(hutch: Hutch, base_image: str) -> None:
    hutch("run", "-d", "--name", "h", "-u", "1000", base_image, "sleep", "300")
    lines = hutch("top", "h", "uid,huid,hpid").stdout.splitlines()
    assert lines[0].split() == ["UID", "HUID", "HPID"]
    uid, huid, hpid = lines[1].split()
    assert uid == "1000" and int(huid) == os.stat(f"/proc/{hpid}").st_uid != 1000
    hutch("rm", "-f", "-t", "0", "h")
