"""The copies of /etc/hosts and /etc/resolv.conf a start keeps, which the monitor
puts back before each run of the restart policy's (podman writes them anew)."""

from __future__ import annotations

from pathlib import Path

from hutch.runtime.etcfiles import restore_started, write_as_started


def test_a_restart_of_the_policys_takes_the_files_as_the_start_wrote_them(
    tmp_path: Path,
) -> None:
    hosts = tmp_path / "hosts"
    write_as_started(hosts, "127.0.0.1\tlocalhost\n")
    inode = hosts.stat().st_ino
    with open(hosts, "a", encoding="utf-8") as f:
        f.write("192.0.2.1 added\n")  # the container's own line
    (tmp_path / "resolv.conf").write_text("nameserver 192.0.2.53\n")  # no copy kept
    restore_started(tmp_path)
    assert hosts.read_text() == "127.0.0.1\tlocalhost\n"
    assert hosts.stat().st_ino == inode  # in place: a link to it stays the same file
    assert (tmp_path / "resolv.conf").read_text() == "nameserver 192.0.2.53\n"


def test_nothing_kept_nothing_restored(tmp_path: Path) -> None:
    restore_started(tmp_path)
    assert list(tmp_path.iterdir()) == []
