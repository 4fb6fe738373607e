"""Host settings that decide whether rootless containers can work, and how to fix them.

Each detector reads a few files (``/proc/sys``, ``/proc/self/mountinfo``, one
``stat``) and returns a ``Finding``: what it saw, whether hutch can work with
it, and the command that fixes it. None of them runs on a command's hot path:
``hutch info`` lists them all, and the code that meets a failure (creating the
session namespace, choosing the storage driver) asks the one detector that
names the cause. The paths are parameters so that unit tests can give a fake
``/proc``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path


def _which(name: str) -> str | None:
    """shutil.which, loaded when a detector runs: every command that joins the
    session imports this module, and shutil brings bz2 and lzma along."""
    import shutil

    return shutil.which(name)


# Images whose files belong to ``nobody`` (65534) need that many subordinate ids.
FULL_RANGE = 65536
APPARMOR_PROFILE = "contrib/apparmor/hutch"
_PROC_SYS = Path("/proc/sys")
# Network filesystems: overlayfs refuses them as an upper layer (no xattrs,
# no whiteout devices), so the storage must live elsewhere.
_NETWORK_FS = frozenset({"nfs", "nfs4", "cifs", "smb3", "9p", "afs", "ceph", "fuse.sshfs"})
_RUNTIME_MIN_FREE = 1 << 20


@dataclass(frozen=True)
class Finding:
    name: str
    value: str
    ok: bool
    fix: str = ""


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def userns(proc_sys: Path = _PROC_SYS) -> Finding:
    """Whether this user may create user namespaces, and which setting forbids it."""
    name = "user namespaces"
    max_ns = _read_int(proc_sys / "user" / "max_user_namespaces")
    if max_ns == 0:
        return Finding(
            name,
            "disabled (user.max_user_namespaces = 0)",
            False,
            "as root: sysctl -w user.max_user_namespaces=15000 "
            "(and set it in /etc/sysctl.d/ to keep it)",
        )
    # Debian's kernels before 6.x and some others carry this switch.
    if _read_int(proc_sys / "kernel" / "unprivileged_userns_clone") == 0:
        return Finding(
            name,
            "disabled for unprivileged users (kernel.unprivileged_userns_clone = 0)",
            False,
            "as root: sysctl -w kernel.unprivileged_userns_clone=1 "
            "(and set it in /etc/sysctl.d/ to keep it)",
        )
    # Ubuntu 23.10 and later: only programs with an AppArmor profile that
    # allows ``userns`` may create one.
    if _read_int(proc_sys / "kernel" / "apparmor_restrict_unprivileged_userns") == 1:
        return Finding(
            name,
            "restricted by AppArmor (kernel.apparmor_restrict_unprivileged_userns = 1)",
            False,
            f"as root: install {APPARMOR_PROFILE} to /etc/apparmor.d/hutch, set the path "
            "of your hutch in it, then apparmor_parser -r /etc/apparmor.d/hutch",
        )
    return Finding(name, "allowed" + (f" (max {max_ns})" if max_ns else ""), True)


def map_tool(
    tool: str,
    which: Callable[[str], str | None] = _which,
    has_capability: Callable[[str], bool] | None = None,
) -> Finding:
    """``newuidmap``/``newgidmap``: installed, and setuid root or with a file capability."""
    path = which(tool)
    if path is None:
        return Finding(tool, "missing", False, "as root: apt-get install uidmap (or your uidmap)")
    try:
        info = os.stat(path)
    except OSError as exc:
        return Finding(tool, f"{path}: {exc.strerror}", False, "as root: reinstall uidmap")
    if info.st_uid == 0 and info.st_mode & stat.S_ISUID:
        return Finding(tool, f"{path} (setuid root)", True)
    if (has_capability or _has_file_capability)(path):
        return Finding(tool, f"{path} (file capabilities)", True)
    return Finding(
        tool,
        f"{path} is neither setuid root nor has file capabilities",
        False,
        f"as root: chmod u+s {path} (or: setcap cap_set{tool[3]}id+ep {path})",
    )


def map_tools_problem(which: Callable[[str], str | None] = _which) -> Finding | None:
    """The first of newuidmap/newgidmap that cannot map a range, or None."""
    for tool in ("newuidmap", "newgidmap"):
        finding = map_tool(tool, which)
        if not finding.ok:
            return finding
    return None


def _has_file_capability(path: str) -> bool:
    try:
        return bool(os.getxattr(path, "security.capability"))
    except OSError:
        return False


def subid_range(kind: str, counts: tuple[int, ...], user: str) -> Finding:
    """A subordinate range big enough for images whose files belong to ``nobody``."""
    name = f"subordinate {kind}s"
    total = sum(counts)
    if total == 0:
        return Finding(
            name,
            "none",
            False,
            f"as root: usermod --add-sub{kind}s 100000-165535 {user}; then hutch system migrate",
        )
    if total < FULL_RANGE:
        return Finding(
            name,
            f"{total} ids: files owned by {kind} {total} and above (nobody is 65534) "
            "cannot be used in images",
            False,
            f"as root: usermod --add-sub{kind}s 100000-165535 {user} (65536 ids); "
            "then hutch system migrate",
        )
    return Finding(name, f"{total} ids", True)


def small_range_warning(uid_count: int, gid_count: int, user: str) -> str | None:
    """The warning a command that uses images prints when the ranges are too small."""
    if not (0 < min(uid_count, gid_count) < FULL_RANGE):
        return None
    smaller = min(uid_count, gid_count)
    return (
        f"the subordinate id range of {user} has only {smaller} ids (65536 needed): "
        f"images with files owned by ids {smaller} and above (nobody is 65534) cannot "
        f"be pulled or run; fix: `usermod --add-subuids 100000-165535 --add-subgids "
        f"100000-165535 {user}` (as root), then `hutch system migrate`"
    )


def runtime_dir(
    env: Mapping[str, str], uid: int, fallback: str, min_free: int = _RUNTIME_MIN_FREE
) -> Finding:
    """``$XDG_RUNTIME_DIR``: unset (the fallback is used), not this user's, or full."""
    name = "XDG_RUNTIME_DIR"
    value = env.get(name, "")
    if not value or not os.path.isabs(value):
        return Finding(name, f"unset: runtime state in {fallback}", True)
    try:
        info = os.stat(value)
    except OSError as exc:
        return Finding(
            name,
            f"{value}: {exc.strerror}",
            False,
            f"unset XDG_RUNTIME_DIR (hutch then uses {fallback}), or log in through "
            "a session manager (logind) that creates it",
        )
    if info.st_uid != uid or not stat.S_ISDIR(info.st_mode):
        return Finding(
            name,
            f"{value} is owned by uid {info.st_uid}, not by uid {uid}",
            False,
            f"unset XDG_RUNTIME_DIR (hutch then uses {fallback}), or log in as this user "
            "(su - or machinectl shell) so that it points to your own /run/user/UID",
        )
    try:
        vfs = os.statvfs(value)
    except OSError:
        return Finding(name, value, True)
    free = vfs.f_bavail * vfs.f_frsize
    if free < min_free:
        return Finding(
            name,
            f"{value} is full ({free // 1024} KiB free)",
            False,
            f"free space there (du -sh {value}/*), or, as root, make the tmpfs larger: "
            f"mount -o remount,size=64M {value}",
        )
    return Finding(name, value, True)


def filesystem_of(path: str, mountinfo: str = "/proc/self/mountinfo") -> tuple[str, str]:
    """(mount point, filesystem type) of the mount that holds ``path``."""
    best = ("/", "")
    target = os.path.realpath(path)
    try:
        with open(mountinfo) as f:
            lines = f.read().splitlines()
    except OSError:
        return best
    for line in lines:
        fields = line.split()
        if " - " not in line or len(fields) < 5:
            continue
        point = fields[4].replace("\\040", " ")
        fstype = line.split(" - ", 1)[1].split()[0]
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best[0]):
            best = (point, fstype)
    return best


def storage_location(data_dir: str, mountinfo: str = "/proc/self/mountinfo") -> Finding:
    """The storage directory on a filesystem overlay can use for its upper dirs."""
    probe = data_dir
    while not os.path.exists(probe) and probe != os.path.dirname(probe):
        probe = os.path.dirname(probe)  # not created yet: its future filesystem
    point, fstype = filesystem_of(probe, mountinfo)
    if fstype in _NETWORK_FS:
        return Finding(
            "storage location",
            f"{data_dir} is on {fstype} ({point}): overlay cannot keep container "
            "layers there, and ownership of subordinate ids is lost",
            False,
            "point the storage to a local disk: export XDG_DATA_HOME=/var/tmp/$USER/share "
            "(or hutch --root DIR), then start again",
        )
    return Finding("storage location", f"{data_dir} ({fstype or 'unknown'})", True)


def network_helpers(which: Callable[[str], str | None] = _which) -> Finding:
    """pasta or slirp4netns for private networks; without both, none and host still work."""
    found = [tool for tool in ("pasta", "slirp4netns") if which(tool)]
    if found:
        return Finding("network helpers", " ".join(found), True)
    return Finding(
        "network helpers",
        "neither pasta nor slirp4netns: only --network none and --network host work",
        False,
        "as root: apt-get install passt (pasta), or slirp4netns",
    )


def fuse_device(path: str = "/dev/fuse") -> Finding:
    """/dev/fuse for fuse-overlayfs, the fallback when native overlay cannot mount."""
    if not os.path.exists(path):
        return Finding(
            path,
            "missing: fuse-overlayfs cannot be used (native overlay or the copying vfs)",
            False,
            "as root: modprobe fuse (in a container: give it --device /dev/fuse)",
        )
    ok = os.access(path, os.R_OK | os.W_OK)
    return Finding(
        path,
        "usable" if ok else "not accessible",
        ok,
        "" if ok else f"needed for fuse-overlayfs; as root: chmod 0666 {path}",
    )
