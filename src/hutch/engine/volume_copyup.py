"""Copy-up: fill a new volume with what the image holds at its mount point.

Runs in the engine, inside the session user namespace (so subordinate ids
are ordinary ids here and ``chown`` to them works). The image's view of the
path is read from a temporary read-only overlay of the lower layers, mounted
in a forked child's own mount namespace, which disappears with the child;
the vfs driver already has the full tree, and a one-layer image is its layer.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

from hutch.api.errors import HutchError
from hutch.linux import syscalls as sc
from hutch.runtime.paths_in_root import resolve_in_root
from hutch.runtime.spec import Rootfs


def copy_up(rootfs: Rootfs, path: str, dest: Path, tmp: Path, *, contents: bool = True) -> bool:
    """Copy container ``path`` of the image below ``rootfs`` into ``dest`` (without
    ``contents``, only the directory's owner and mode); whether the image has a
    directory there."""
    if rootfs.kind == "bind":
        return copy_tree(rootfs.target, path, dest, contents=contents)
    if len(rootfs.lowers) == 1:
        top = os.path.join(rootfs.lower_base, rootfs.lowers[0])
        return copy_tree(top, path, dest, contents=contents)
    tmp.mkdir(parents=True, exist_ok=True)
    mountpoint = tempfile.mkdtemp(prefix="copyup-", dir=tmp)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(read_fd)
        code = 0
        try:
            sc.unshare(sc.CLONE_NEWNS)
            sc.mount(None, "/", None, sc.MS_REC | sc.MS_PRIVATE)
            os.chdir(rootfs.lower_base)
            data = f"lowerdir={':'.join(rootfs.lowers)},userxattr"
            sc.mount("overlay", mountpoint, "overlay", sc.MS_RDONLY, data)
            found = copy_tree(mountpoint, path, dest, contents=contents)
            code = 0 if found else _NOTHING_THERE
        except BaseException as exc:
            os.write(write_fd, str(exc).encode(errors="replace")[:4000])
            code = 1
        os._exit(code)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as f:
        message = f.read().decode(errors="replace")
    _, status = os.waitpid(pid, 0)
    with contextlib.suppress(OSError):
        os.rmdir(mountpoint)
    if os.waitstatus_to_exitcode(status) == _NOTHING_THERE:
        return False
    if status != 0:
        raise HutchError(f"copying {path} from the image into the volume: {message or status}")
    return True


# the child's exit status when the image has no directory at the path
_NOTHING_THERE = 3


def copy_tree(root: str, path: str, dest: Path, *, contents: bool = True) -> bool:
    """Copy the tree at container ``path`` under ``root`` into ``dest``, with owners and
    modes (only the top's without ``contents``); whether there is a directory there."""
    src = resolve_in_root(root, path)
    try:
        info = os.lstat(src)
    except FileNotFoundError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    links: dict[tuple[int, int], str] = {}
    for entry in sorted(os.listdir(src)) if contents else ():
        _copy_entry(os.path.join(src, entry), os.path.join(dest, entry), links)
    _copy_meta(str(dest), info)
    return True


def _copy_entry(src: str, dst: str, links: dict[tuple[int, int], str]) -> None:
    info = os.lstat(src)
    mode = info.st_mode
    if stat.S_ISCHR(mode) and info.st_rdev == 0:
        return  # an overlay whiteout of a one-layer image: nothing is there
    if stat.S_ISDIR(mode):
        os.mkdir(dst, 0o700)
        for entry in sorted(os.listdir(src)):
            _copy_entry(os.path.join(src, entry), os.path.join(dst, entry), links)
        _copy_meta(dst, info)
        return
    key = (info.st_dev, info.st_ino)
    if info.st_nlink > 1 and key in links:
        os.link(links[key], dst)
        return
    if stat.S_ISLNK(mode):
        os.symlink(os.readlink(src), dst)
        os.lchown(dst, info.st_uid, info.st_gid)
        return
    if stat.S_ISREG(mode):
        shutil.copyfile(src, dst, follow_symlinks=False)
    elif stat.S_ISFIFO(mode):
        os.mkfifo(dst)
    else:
        return  # device nodes cannot be made in a user namespace
    links[key] = dst
    _copy_meta(dst, info)


def _copy_meta(dst: str, info: os.stat_result) -> None:
    os.chown(dst, info.st_uid, info.st_gid, follow_symlinks=False)
    os.chmod(dst, stat.S_IMODE(info.st_mode))
    os.utime(dst, ns=(info.st_atime_ns, info.st_mtime_ns), follow_symlinks=False)
