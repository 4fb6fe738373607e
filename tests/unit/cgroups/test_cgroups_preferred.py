"""``--cgroup-manager`` applied to what the host offers."""

from __future__ import annotations

from hutch.cgroups.host import DISABLED, CgroupHost, preferred
from hutch.cgroups.limits import CGROUPFS, SYSTEMD

SESSION = CgroupHost(SYSTEMD, "/sys/fs/cgroup/user.slice", ("memory",), "systemd user session")
DELEGATED = CgroupHost(CGROUPFS, "/sys/fs/cgroup/x", ("memory",), "delegated subtree")


def test_cgroupfs_inside_a_systemd_session_uses_the_subtree_directly() -> None:
    host, warnings = preferred(SESSION, CGROUPFS)
    assert (host.manager, host.root, warnings) == (CGROUPFS, SESSION.root, ())


def test_systemd_without_a_session_falls_back_with_podmans_warning() -> None:
    host, warnings = preferred(DELEGATED, SYSTEMD)
    assert host == DELEGATED
    assert warnings[-1] == "Falling back to --cgroup-manager=cgroupfs"


def test_nothing_asked_or_nothing_to_choose_changes_nothing() -> None:
    none = CgroupHost(DISABLED, "", (), "no cgroup v2")
    assert preferred(SESSION, "") == (SESSION, ())
    assert preferred(none, SYSTEMD) == (none, ())
