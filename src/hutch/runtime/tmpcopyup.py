"""``tmpcopyup``: a tmpfs mounted over a directory of the image starts with its content.

podman's option (the default of its --systemd tmpfs mounts on /run, /tmp, ...):
the directory is opened before the tmpfs hides it, and its tree is copied
through that descriptor into the new tmpfs, owners, modes and times kept,
symbolic links copied as links (never followed: the tree is the image's).
Runs in the container's init, before pivot_root, as root of its user namespace.
"""

from __future__ import annotations

import contextlib
import os
import stat

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def open_below(target: str) -> int | None:
    """An fd of the directory at ``target`` (before the mount hides it); None when
    there is no directory there (nothing to copy)."""
    try:
        return os.open(target, _DIR_FLAGS)
    except OSError:
        return None


def copy_up(src_fd: int, target: str) -> None:
    """The tree under ``src_fd`` into ``target`` (the fresh tmpfs), then close it.
    The tmpfs's own root takes the directory's owner and mode."""
    try:
        dst_fd = os.open(target, _DIR_FLAGS)
        try:
            _copy_dir(src_fd, dst_fd)
            _same_meta(os.fstat(src_fd), dst_fd)
        finally:
            os.close(dst_fd)
    finally:
        os.close(src_fd)


def _copy_dir(src_fd: int, dst_fd: int) -> None:
    for name in os.listdir(src_fd):
        st = os.stat(name, dir_fd=src_fd, follow_symlinks=False)
        mode = st.st_mode
        if stat.S_ISDIR(mode):
            os.mkdir(name, 0o700, dir_fd=dst_fd)
            sub_src = os.open(name, _DIR_FLAGS, dir_fd=src_fd)
            try:
                sub_dst = os.open(name, _DIR_FLAGS, dir_fd=dst_fd)
                try:
                    _copy_dir(sub_src, sub_dst)
                    _same_meta(st, sub_dst)  # after its entries changed its mtime
                finally:
                    os.close(sub_dst)
            finally:
                os.close(sub_src)
            continue
        if stat.S_ISLNK(mode):
            os.symlink(os.readlink(name, dir_fd=src_fd), name, dir_fd=dst_fd)
        elif stat.S_ISREG(mode):
            _copy_file(src_fd, dst_fd, name)
        elif stat.S_ISFIFO(mode):
            os.mkfifo(name, 0o600, dir_fd=dst_fd)
        else:
            continue  # devices and sockets: not made (no mknod in a user namespace)
        with contextlib.suppress(OSError):  # an owner the namespace does not map: ours
            os.chown(name, st.st_uid, st.st_gid, dir_fd=dst_fd, follow_symlinks=False)
        if not stat.S_ISLNK(mode):
            os.chmod(name, stat.S_IMODE(mode), dir_fd=dst_fd)
        os.utime(name, ns=(st.st_atime_ns, st.st_mtime_ns), dir_fd=dst_fd, follow_symlinks=False)


def _copy_file(src_fd: int, dst_fd: int, name: str) -> None:
    fin = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=src_fd)
    try:
        fout = os.open(
            name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600, dir_fd=dst_fd
        )
        try:
            while os.sendfile(fout, fin, None, 1 << 20):
                pass
        finally:
            os.close(fout)
    finally:
        os.close(fin)


def _same_meta(st: os.stat_result, fd: int) -> None:
    with contextlib.suppress(OSError):
        os.fchown(fd, st.st_uid, st.st_gid)
    os.fchmod(fd, stat.S_IMODE(st.st_mode))
    os.utime(fd, ns=(st.st_atime_ns, st.st_mtime_ns))
