"""The guest lane itself: a pure cgroup v2 hierarchy delegated to the test user."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from guest import GuestResult


def test_guest_has_delegated_cgroup_v2(in_guest: Callable[..., GuestResult]) -> None:
    """The job runs unprivileged in a subtree it owns, with the v2 controllers enabled."""
    result = in_guest(
        "id -u\n"
        "cat /proc/self/cgroup\n"
        "parent=/sys/fs/cgroup$(dirname $(cut -d: -f3 /proc/self/cgroup))\n"
        "cat $parent/cgroup.controllers\n"
        "mkdir $parent/probe && echo made\n"
        "echo +memory > $parent/cgroup.subtree_control && echo delegated\n"
    )
    assert result.rc == 0, result.console[-3000:] + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] != "0"
    assert lines[1].startswith("0::/user-")
    assert {"cpu", "memory", "pids", "io"} <= set(lines[2].split())
    assert "made" in lines and "delegated" in lines


def test_hutch_runs_in_the_guest(in_guest: Callable[..., GuestResult], rootfs_tar: Path) -> None:
    """hutch works rootless in the guest (its kernel is not the host's)."""
    import sys

    hutch = Path(sys.executable).parent / "hutch"
    result = in_guest(
        "export XDG_DATA_HOME=/tmp/d XDG_CONFIG_HOME=/tmp/c XDG_RUNTIME_DIR=/tmp/r\n"
        "mkdir -p -m 700 /tmp/r\n"
        f"{hutch} import /run/out/rootfs.tar base >/dev/null\n"
        f"{hutch} run --rm --network none base "
        "sh -c 'echo hello from $(hostname); cat /proc/self/cgroup'\n",
        files={"rootfs.tar": rootfs_tar},
    )
    assert result.rc == 0, result.console[-3000:] + result.stderr
    assert "hello from" in result.stdout
