"""Host cases that this machine cannot be changed into safely, in one guest boot.

Each phase first has root change the guest (remove /dev/fuse, hide pasta and
slirp4netns, shrink or break the subordinate id mapping, take a controller
away, switch user namespaces off), then runs hutch as the test user with
fresh directories, and keeps what hutch said. Settings that combine share a
phase; those that stop everything (user namespaces off) come last, each in
its own phase. The tests read the phases' files.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from guest import GuestResult

HUTCH = Path(sys.executable).parent / "hutch"

# Every phase: its own storage, config and runtime dirs (a session namespace
# left by one phase must not serve the next), its files in $P.
PROLOGUE = r"""
H={hutch}
P=/run/out/phases/{name}
export XDG_DATA_HOME=/tmp/{name}/d XDG_CONFIG_HOME=/tmp/{name}/c XDG_RUNTIME_DIR=/tmp/{name}/r
mkdir -p -m 700 $XDG_RUNTIME_DIR
"""

DEGRADED_ROOT = r"""
user=$(cat /run/out/user)
rm -f /dev/fuse
# which() skips a file that is not executable: /dev/null hides each helper.
for tool in pasta passt slirp4netns; do
    p=$(command -v $tool) && mount --bind /dev/null "$p"
done
printf '%s:100000:1000\n' "$user" > /tmp/subids
mount --bind /tmp/subids /etc/subuid && mount --bind /tmp/subids /etc/subgid
# Partial delegation: no io controller below the root. The boot's earlier
# job left cgroups that enable it: off in them first, the deepest first.
find /sys/fs/cgroup -mindepth 2 -name cgroup.subtree_control |
    awk -F/ '{ print NF, $0 }' | sort -rn | cut -d' ' -f2- |
    while read -r f; do echo -io > "$f" 2>/dev/null; done
echo -io > /sys/fs/cgroup/cgroup.subtree_control
cat /sys/fs/cgroup/user-$(id -u "$user")/cgroup.controllers
"""

DEGRADED_JOB = r"""
unset XDG_RUNTIME_DIR  # the /tmp/hutch-UID fallback of a machine without logind
id -u > $P/uid
$H import /run/out/rootfs.tar base > /dev/null 2> $P/import_err
# --network none works without helpers, and the delegated memory limit holds.
$H run --rm --network none --memory 64m base cat /sys/fs/cgroup/memory.max > $P/none 2> $P/none_err
$H run --rm base echo default > $P/default 2>&1; echo $? > $P/default_rc
$H run --rm --network none --blkio-weight 200 base true > $P/blkio 2>&1; echo $? > $P/blkio_rc
$H info > $P/info 2>&1
XDG_RUNTIME_DIR=/run $H ps > $P/foreign_runtime 2>&1; echo $? > $P/foreign_runtime_rc
"""

MAPTOOLS_ROOT = r"""
umount /etc/subuid /etc/subgid
# A copy without the setuid bit, as a nosuid mount or a careless install leaves it.
cp /usr/bin/newuidmap /tmp/newuidmap && chmod 0755 /tmp/newuidmap
mount --bind /tmp/newuidmap /usr/bin/newuidmap
"""

MAPTOOLS_JOB = r"""
$H import /run/out/rootfs.tar base > /dev/null 2> $P/import_err
$H run --rm --network none base cat /proc/self/uid_map > $P/run 2> $P/run_err
"""

USERNS_JOB = r"""
$H import /run/out/rootfs.tar base > $P/run 2>&1; echo $? > $P/run_rc
$H info > $P/info 2>&1; echo $? > $P/info_rc
"""

CLONE_OFF_ROOT = r"""
umount /usr/bin/newuidmap
f=/proc/sys/kernel/unprivileged_userns_clone
if [ -e $f ]; then echo 0 > $f; echo present; else echo absent; fi
f=/proc/sys/kernel/apparmor_restrict_unprivileged_userns
if [ -e $f ]; then echo apparmor-switch present; else echo apparmor-switch absent; fi
"""

MAX_OFF_ROOT = r"""
f=/proc/sys/kernel/unprivileged_userns_clone
[ -e $f ] && echo 1 > $f
echo 0 > /proc/sys/user/max_user_namespaces
"""


def _phase(name: str, root: str, job: str) -> tuple[str, str]:
    return root, PROLOGUE.format(hutch=HUTCH, name=name) + job


# Phases of the plain boot, after test_vm_limits.py's job (conftest.guest_boot).
GUEST_BOOT = "plain"
GUEST_PHASES = {
    "1-degraded": _phase("1-degraded", DEGRADED_ROOT, DEGRADED_JOB),
    "2-maptools": _phase("2-maptools", MAPTOOLS_ROOT, MAPTOOLS_JOB),
    "3-clone-off": _phase("3-clone-off", CLONE_OFF_ROOT, USERNS_JOB),
    "4-max-off": _phase("4-max-off", MAX_OFF_ROOT, USERNS_JOB),
}


@pytest.fixture(scope="module")
def guest(guest_boot: Callable[[str], GuestResult]) -> GuestResult:
    return guest_boot(GUEST_BOOT)


def read(guest: GuestResult, phase: str, name: str) -> str:
    path = guest.out / "phases" / phase / name
    assert path.exists(), f"{phase}/{name} missing; console: {guest.console[-2000:]}"
    return path.read_text()


def _errors(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("Error:")]


def test_without_fuse_and_network_helpers_none_works(guest: GuestResult) -> None:
    # (--network host is not run here: on a pure v2 host it fails on its own,
    # EBUSY mounting cgroup2 over the host's /sys; a separate bug.)
    assert read(guest, "1-degraded", "none") == f"{64 << 20}\n"
    info = read(guest, "1-degraded", "info")
    assert "/dev/fuse: missing" in info
    assert "storage driver: overlay" in info  # native overlay needs no /dev/fuse


def test_default_network_says_what_to_install(guest: GuestResult) -> None:
    out = read(guest, "1-degraded", "default")
    assert read(guest, "1-degraded", "default_rc").strip() == "125"
    assert len(_errors(out)) == 1 and "Traceback" not in out
    assert "install the Debian package passt" in out
    info = read(guest, "1-degraded", "info")
    assert "neither pasta nor slirp4netns" in info and "apt-get install passt" in info


def test_small_subordinate_range_is_said_at_import_and_run(guest: GuestResult) -> None:
    for name in ("import_err", "none_err"):
        text = read(guest, "1-degraded", name)
        assert "has only 1000 ids (65536 needed)" in text, text
    assert "subordinate uids: 1000 ids" in read(guest, "1-degraded", "info")


def test_partial_delegation_enforces_what_it_can_and_names_the_rest(
    guest: GuestResult,
) -> None:
    assert read(guest, "1-degraded", "none").strip() == str(64 << 20)
    blkio = read(guest, "1-degraded", "blkio")
    assert read(guest, "1-degraded", "blkio_rc").strip() == "125"
    assert len(_errors(blkio)) == 1 and "the io controller(s) are not delegated" in blkio


def test_runtime_dir_of_another_user_is_one_error(guest: GuestResult) -> None:
    out = read(guest, "1-degraded", "foreign_runtime")
    assert read(guest, "1-degraded", "foreign_runtime_rc").strip() == "125"
    uid = read(guest, "1-degraded", "uid").strip()
    assert _errors(out) == [f"Error: XDG_RUNTIME_DIR=/run belongs to uid 0, not to you (uid {uid})"]
    assert "unset XDG_RUNTIME_DIR" in out


def test_map_tool_without_setuid_falls_back_to_one_id_and_says_why(guest: GuestResult) -> None:
    uid_map = read(guest, "2-maptools", "run").strip().splitlines()
    assert len(uid_map) == 1 and uid_map[0].split()[2] == "1", uid_map  # one id, not a range
    err = read(guest, "2-maptools", "run_err")
    assert "newuidmap: /usr/bin/newuidmap is neither setuid root nor has file capabilities" in err
    assert "chmod u+s /usr/bin/newuidmap" in err


@pytest.mark.parametrize(
    ("phase", "cause", "fix"),
    [
        ("4-max-off", "user.max_user_namespaces = 0", "sysctl -w user.max_user_namespaces=15000"),
        (
            "3-clone-off",
            "kernel.unprivileged_userns_clone = 0",
            "sysctl -w kernel.unprivileged_userns_clone=1",
        ),
    ],
)
def test_user_namespaces_off_is_one_error_naming_the_sysctl(
    guest: GuestResult, phase: str, cause: str, fix: str
) -> None:
    if phase == "3-clone-off" and "absent" in read(guest, phase, "root.log").splitlines():
        pytest.fail("this guest kernel has no kernel.unprivileged_userns_clone to test")
    out = read(guest, phase, "run")
    assert read(guest, phase, "run_rc").strip() == "125"
    error = f"Error: cannot create a user namespace: disabled{_for(phase)} ({cause})"
    assert _errors(out) == [error]
    assert fix in out and "Traceback" not in out
    info = read(guest, phase, "info")
    assert f"user namespaces: disabled{_for(phase)} ({cause})" in info
    assert fix in info


def _for(phase: str) -> str:
    return " for unprivileged users" if phase == "3-clone-off" else ""
