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

# A bare host: no newuidmap at all, no cgroup delegated to the user, an
# XDG_RUNTIME_DIR on a full tmpfs, the storage on a network filesystem (the
# out share is 9p, as an NFS home would be), and a kernel without the new mount
# API (open_tree, move_mount, mount_setattr answer ENOSYS, as before 5.2/5.12):
# a seccomp filter that root installs without no_new_privs, so the setuid map
# tools of later phases would still work under it, and the job inherits it.
BARE_ROOT = r"""
user=$(cat /run/out/user); uid=$(id -u "$user")
umount /usr/bin/newuidmap  # the previous phase's copy without setuid
mount --bind /dev/null /usr/bin/newuidmap  # which() skips it: missing
chown -R root:root /sys/fs/cgroup/user-$uid
mkdir -p /tmp/fullrt
mount -t tmpfs -o size=256k,mode=700,uid=$uid tmpfs /tmp/fullrt
dd if=/dev/zero of=/tmp/fullrt/fill bs=4k 2>/dev/null
df -k /tmp/fullrt
cat > /run/out/phases/2b-bare/enosys.py <<'PY'
import ctypes, os, struct, sys
ENOSYS, ALLOW, ERRNO = 38, 0x7FFF0000, 0x00050000
X86_64 = 0xC000003E
NEW_MOUNT_API = (428, 429, 442)  # open_tree, move_mount, mount_setattr
code = [(0x20, 0, 0, 4), (0x15, 1, 0, X86_64), (0x06, 0, 0, ALLOW), (0x20, 0, 0, 0)]
for nr in NEW_MOUNT_API:
    code += [(0x15, 0, 1, nr), (0x06, 0, 0, ERRNO | ENOSYS)]
code.append((0x06, 0, 0, ALLOW))
insns = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *i) for i in code))
prog = struct.pack("HxxxxxxP", len(code), ctypes.addressof(insns))
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(22, 2, ctypes.c_char_p(prog), 0, 0) != 0:  # PR_SET_SECCOMP, FILTER
    sys.exit(f"seccomp: {os.strerror(ctypes.get_errno())}")
os.execvp(sys.argv[1], sys.argv[1:])
PY
echo "python3 /run/out/phases/2b-bare/enosys.py" > /run/out/phases/2b-bare/prefix
"""

BARE_JOB = r"""
python3 -c 'import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)  # mount_setattr(-1, ...): EBADF if it exists
print(libc.syscall(442, -1, 0, 0, 0, 0), os.strerror(ctypes.get_errno()))' > $P/probe 2>&1
$H import /run/out/rootfs.tar base > /dev/null 2> $P/import_err
$H run --rm --network none base cat /proc/self/uid_map > $P/run 2> $P/run_err
$H run --rm --network none --memory 64m base true > $P/memory 2>&1; echo $? > $P/memory_rc
$H info > $P/info 2>&1
XDG_RUNTIME_DIR=/tmp/fullrt $H run --rm --network none base true > $P/fullrt 2>&1
echo $? > $P/fullrt_rc
export XDG_DATA_HOME=$P/nfs
timeout 600 $H info > $P/nfs_info 2>&1; echo $? > $P/nfs_info_rc
timeout 600 $H import /run/out/rootfs.tar base > $P/nfs_import 2>&1; echo $? > $P/nfs_import_rc
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
    "2b-bare": _phase("2b-bare", BARE_ROOT, BARE_JOB),
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


def _bare(guest: GuestResult, name: str) -> str:
    return read(guest, "2b-bare", name)


def test_kernel_without_the_new_mount_api_runs_and_info_says_so(guest: GuestResult) -> None:
    assert "Function not implemented" in _bare(guest, "probe")  # the filter held
    assert _bare(guest, "run").split() == ["0", str(_uid(guest)), "1"]
    info = _bare(guest, "info")
    assert "no idmapped layers (open_tree(" in info
    assert "Function not implemented)" in info


def test_without_newuidmap_one_id_is_mapped_and_the_package_named(guest: GuestResult) -> None:
    warning = (
        "WARN: newuidmap: missing (it maps the subordinate ids of "
        f"{(guest.out / 'user').read_text().strip()}): only one id is mapped"
    )
    assert _bare(guest, "run_err").startswith(warning)
    assert "fix: as root: apt-get install uidmap" in _bare(guest, "run_err")
    assert "  newuidmap: missing  [missing]" in _bare(guest, "info")


def test_without_delegation_limits_are_refused_by_name(guest: GuestResult) -> None:
    assert _bare(guest, "memory_rc").strip() == "125"
    error = _bare(guest, "memory").splitlines()[-1]
    assert error.startswith("Error: --memory cannot be enforced: no part of your cgroup ")
    assert "Delegate=yes" in error
    assert "--cgroups=disabled" in error
    assert "cgroup manager: disabled: no part of your cgroup" in _bare(guest, "info")


def test_full_runtime_dir_is_one_error_with_its_fix(guest: GuestResult) -> None:
    assert "100% /tmp/fullrt" in _bare(guest, "root.log")
    assert _bare(guest, "fullrt_rc").strip() == "125"
    lines = [line for line in _bare(guest, "fullrt").splitlines() if line.startswith(("E", "H"))]
    assert lines[0].startswith("Error: no space left on device: /tmp/fullrt is full (")
    assert lines[1].endswith("mount -o remount,size=64M /tmp/fullrt")


def test_storage_on_a_network_filesystem_is_refused_naming_the_setting(
    guest: GuestResult,
) -> None:
    # The out share is 9p: what an NFS home is to the store.
    info = _bare(guest, "nfs_info")
    assert _bare(guest, "nfs_info_rc").strip() == "0", info
    assert "/nfs/hutch is on 9p (/run/out): overlay cannot keep container layers" in info
    assert _bare(guest, "nfs_import_rc").strip() == "125"
    error = [line for line in _bare(guest, "nfs_import").splitlines() if line.startswith("E")]
    assert error[0].startswith("Error: the store's database ")
    assert "cannot be opened: " in error[0]
    assert "is on 9p (/run/out)" in error[0]
    assert "export XDG_DATA_HOME=" in _bare(guest, "nfs_import")


def _uid(guest: GuestResult) -> int:
    return int(read(guest, "1-degraded", "uid").strip())


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
