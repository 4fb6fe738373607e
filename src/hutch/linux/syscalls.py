"""The system calls Python's ``os`` module lacks, with their kernel names.

libc is loaded lazily (once per process, on first use) so that importing this
module costs nothing on paths that never create a container. Every wrapper
raises ``OSError`` with the errno, the call and the path, so that an error
reaching the user says which step failed.
"""

from __future__ import annotations

import ctypes
import errno
import os
from functools import cache

CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_MOVE = 8192
MS_REC = 16384
MS_PRIVATE = 1 << 18
MS_SLAVE = 1 << 19
MS_STRICTATIME = 1 << 24

MNT_DETACH = 2

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_RAISE = 2
PR_CAP_AMBIENT_CLEAR_ALL = 4

_NR_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}
_NR_RT_SIGACTION = {"x86_64": 13, "aarch64": 134}
_LINUX_CAPABILITY_VERSION_3 = 0x20080522

_USERNS_HINT = (
    "unprivileged user namespaces may be disabled "
    "(check sysctl kernel.unprivileged_userns_clone and user.max_user_namespaces)"
)


@cache
def _libc() -> ctypes.CDLL:
    lib = ctypes.CDLL(None, use_errno=True)
    lib.unshare.argtypes = [ctypes.c_int]
    lib.setns.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.mount.argtypes = [
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_ulong,
        ctypes.c_char_p,
    ]
    lib.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
    lib.prctl.argtypes = [
        ctypes.c_int,
        ctypes.c_ulong,
        ctypes.c_ulong,
        ctypes.c_ulong,
        ctypes.c_ulong,
    ]
    lib.syscall.restype = ctypes.c_long
    return lib


def _check(result: int, call: str, path: str | None = None) -> None:
    if result < 0:
        err = ctypes.get_errno()
        detail = f"{call}({path})" if path else call
        raise OSError(err, f"{detail}: {os.strerror(err)}")


def _b(text: str | None) -> bytes | None:
    return text.encode() if text is not None else None


def unshare(flags: int) -> None:
    result = _libc().unshare(flags)
    if result < 0:
        err = ctypes.get_errno()
        hint = f"; {_USERNS_HINT}" if err in (errno.EPERM, errno.ENOSPC, errno.EINVAL) else ""
        raise OSError(err, f"unshare({flags:#x}): {os.strerror(err)}{hint}")


def setns(fd: int, nstype: int) -> None:
    _check(_libc().setns(fd, nstype), "setns")


# personality(2) execution domains (linux/personality.h), by their OCI names
PER_LINUX = 0x0000
PER_LINUX32 = 0x0008


def personality(persona: int) -> None:
    """Set the calling process's execution domain; it is kept across execve."""
    lib = _libc()
    lib.personality.argtypes = [ctypes.c_ulong]
    _check(lib.personality(persona), "personality")


def setdomainname(name: str) -> None:
    """The NIS domain name of the calling process's UTS namespace (Python's socket
    module has sethostname only)."""
    raw = name.encode()
    lib = _libc()
    lib.setdomainname.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    _check(lib.setdomainname(raw, len(raw)), "setdomainname")


def mount(
    source: str | None, target: str, fstype: str | None, flags: int = 0, data: str | None = None
) -> None:
    result = _libc().mount(_b(source), _b(target), _b(fstype), flags, _b(data))
    _check(result, f"mount {fstype or 'bind'}", target)


def umount2(target: str, flags: int = 0) -> None:
    _check(_libc().umount2(_b(target), flags), "umount2", target)


def pivot_root(new_root: str, put_old: str) -> None:
    nr = _NR_PIVOT_ROOT.get(os.uname().machine)
    if nr is None:
        raise OSError(errno.ENOSYS, "pivot_root: unknown architecture")
    lib = _libc()
    result = lib.syscall(
        ctypes.c_long(nr), ctypes.c_char_p(_b(new_root)), ctypes.c_char_p(_b(put_old))
    )
    _check(int(result), "pivot_root", new_root)


def default_disposition(sig: int) -> None:
    """Put ``sig`` back to SIG_DFL through rt_sigaction(2) itself.

    For the two signals glibc keeps for itself (32 and 33), whose sigaction() it
    refuses with EINVAL: glibc's posix_spawn leaves them ignored in the child, and an
    ignored signal survives every exec after it. The kernel's struct sigaction is
    all zeros for SIG_DFL with no flags and an empty mask, whatever its layout.
    """
    nr = _NR_RT_SIGACTION.get(os.uname().machine)
    if nr is None:
        raise OSError(errno.ENOSYS, "rt_sigaction: unknown architecture")
    action = ctypes.create_string_buffer(64)  # larger than the kernel reads (32 bytes)
    result = _libc().syscall(
        ctypes.c_long(nr), ctypes.c_int(sig), action, ctypes.c_void_p(None), ctypes.c_size_t(8)
    )
    _check(int(result), f"rt_sigaction({sig})")


def prctl(option: int, arg2: int = 0, arg3: int = 0, arg4: int = 0, arg5: int = 0) -> int:
    result = int(_libc().prctl(option, arg2, arg3, arg4, arg5))
    _check(result, f"prctl({option})")
    return result


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def capset(effective: int, permitted: int, inheritable: int) -> None:
    """Set this thread's capability sets (64-bit masks, version 3 ABI)."""
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    for i in range(2):
        shift = 32 * i
        data[i].effective = (effective >> shift) & 0xFFFFFFFF
        data[i].permitted = (permitted >> shift) & 0xFFFFFFFF
        data[i].inheritable = (inheritable >> shift) & 0xFFFFFFFF
    _check(_libc().capset(ctypes.byref(header), data), "capset")


# -- openat2 (Linux 5.6): a path resolved by the kernel inside a directory --
_NR_OPENAT2 = 437  # one number on x86_64 and aarch64
RESOLVE_NO_MAGICLINKS = 0x02
RESOLVE_IN_ROOT = 0x10


class _OpenHow(ctypes.Structure):
    """``struct open_how``: three u64 (its size tells the kernel which version)."""

    _fields_ = [(name, ctypes.c_uint64) for name in ("flags", "mode", "resolve")]


def openat2(dirfd: int, path: str, flags: int, resolve: int) -> int:
    """``openat2(2)``: ``path`` opened relative to ``dirfd`` with the ``RESOLVE_*``
    rules (``RESOLVE_IN_ROOT``: ``dirfd`` is the root, for ``..`` and symbolic links
    alike). ENOSYS before Linux 5.6."""
    how = _OpenHow(flags, 0, resolve)
    fd = _syscall(
        _NR_OPENAT2,
        ctypes.c_int(dirfd),
        ctypes.c_char_p(_b(path)),
        ctypes.byref(how),
        ctypes.c_size_t(ctypes.sizeof(how)),
    )
    _check(fd, "openat2", path)
    return fd


# -- the new mount API (idmapped mounts): open_tree, mount_setattr, move_mount --
# One number on x86_64 and aarch64 (the unified table from 403 on).
_NR_OPEN_TREE = 428
_NR_MOVE_MOUNT = 429
_NR_MOUNT_SETATTR = 442

AT_FDCWD = -100
AT_EMPTY_PATH = 0x1000
AT_RECURSIVE = 0x8000
OPEN_TREE_CLONE = 1
OPEN_TREE_CLOEXEC = os.O_CLOEXEC
MOVE_MOUNT_F_EMPTY_PATH = 0x4
MOUNT_ATTR_IDMAP = 0x00100000
MOUNT_ATTR_RDONLY = 0x00000001


class _MountAttr(ctypes.Structure):
    _fields_ = [
        ("attr_set", ctypes.c_uint64),
        ("attr_clr", ctypes.c_uint64),
        ("propagation", ctypes.c_uint64),
        ("userns_fd", ctypes.c_uint64),
    ]


def _syscall(nr: int, *args: object) -> int:
    return int(_libc().syscall(ctypes.c_long(nr), *args))


def open_tree(path: str, flags: int, dirfd: int = AT_FDCWD) -> int:
    """A descriptor of the mount at ``path`` (a detached copy with ``OPEN_TREE_CLONE``)."""
    fd = _syscall(
        _NR_OPEN_TREE, ctypes.c_int(dirfd), ctypes.c_char_p(_b(path)), ctypes.c_uint(flags)
    )
    _check(fd, "open_tree", path)
    return fd


def mount_setattr_idmap(fd: int, userns_fd: int, recursive: bool = True) -> None:
    """Make the detached mount ``fd`` idmapped with the maps of user namespace ``userns_fd``."""
    flags = AT_EMPTY_PATH | (AT_RECURSIVE if recursive else 0)
    attr = _MountAttr(MOUNT_ATTR_IDMAP, 0, 0, userns_fd)
    _mount_setattr(fd, "", flags, attr, "mount_setattr(MOUNT_ATTR_IDMAP)")


def mount_setattr_readonly(path: str) -> None:
    """Make the mount at ``path`` and every mount below it read-only (Linux 5.12+)."""
    attr = _MountAttr(MOUNT_ATTR_RDONLY, 0, 0, 0)
    _mount_setattr(AT_FDCWD, path, AT_RECURSIVE, attr, "mount_setattr(MOUNT_ATTR_RDONLY)", path)


def _mount_setattr(
    dirfd: int, path: str, flags: int, attr: _MountAttr, call: str, shown: str | None = None
) -> None:
    result = _syscall(
        _NR_MOUNT_SETATTR,
        ctypes.c_int(dirfd),
        ctypes.c_char_p(_b(path)),
        ctypes.c_uint(flags),
        ctypes.byref(attr),
        ctypes.c_size_t(ctypes.sizeof(attr)),
    )
    _check(result, call, shown)


def move_mount(fd: int, target: str) -> None:
    """Attach the detached mount ``fd`` at ``target``."""
    result = _syscall(
        _NR_MOVE_MOUNT,
        ctypes.c_int(fd),
        ctypes.c_char_p(b""),
        ctypes.c_int(AT_FDCWD),
        ctypes.c_char_p(_b(target)),
        ctypes.c_uint(MOVE_MOUNT_F_EMPTY_PATH),
    )
    _check(result, "move_mount", target)
