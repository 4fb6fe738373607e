"""A pod's shared /etc/hosts: members appended as they start and taken out as they
exit, in place, the rest of the file (what members wrote into it) kept, as podman's."""

from __future__ import annotations

import os
from pathlib import Path

from hutch.runtime import etcfiles

BASE = "127.0.0.1\tlocalhost\n10.0.2.100\tpod abc-infra\n"


def test_members_are_listed_and_unlisted_in_place(tmp_path: Path) -> None:
    hosts = tmp_path / "hosts"
    hosts.write_text(BASE)
    inode = os.stat(hosts).st_ino
    etcfiles.list_pod_members(str(hosts), ["one"])
    etcfiles.list_pod_members(str(hosts), ["two"])
    etcfiles.list_pod_members(str(hosts), ["one"])  # listed already: once
    assert hosts.read_text() == BASE + "127.0.0.1\tone\n127.0.0.1\ttwo\n"
    etcfiles.unlist_pod_member(str(hosts), "one")
    assert hosts.read_text() == BASE + "127.0.0.1\ttwo\n"
    # the same inode: members see the file through a bind mount
    assert os.stat(hosts).st_ino == inode


def test_a_members_start_keeps_what_members_wrote_and_drops_stale_lines(
    tmp_path: Path,
) -> None:
    hosts = tmp_path / "hosts"
    hosts.write_text(BASE + "127.0.0.1\tstale\n127.0.0.1\tone\n192.0.2.1 added")
    etcfiles.list_pod_members(str(hosts), ["two"], gone=["stale", "two"])
    assert hosts.read_text() == (BASE + "127.0.0.1\tone\n192.0.2.1 added\n127.0.0.1\ttwo\n")


def test_unlisting_leaves_other_lines_and_missing_files_alone(tmp_path: Path) -> None:
    hosts = tmp_path / "hosts"
    hosts.write_text(BASE)
    etcfiles.unlist_pod_member(str(hosts), "pod")  # "pod" is on the infra's line, not its own
    assert hosts.read_text() == BASE
    etcfiles.unlist_pod_member(str(tmp_path / "gone"), "x")
    etcfiles.list_pod_members(str(tmp_path / "gone"), ["x"])
    assert not (tmp_path / "gone").exists()
