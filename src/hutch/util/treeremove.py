"""Remove a directory tree by descriptors, as ``store.layers.remove_tree`` did with
``shutil.rmtree`` and its retry handler.

Not ``shutil``: on Python 3.11 importing it loads ``zlib``, ``bz2`` and ``lzma``
for its archive helpers, about 4.9 M instructions of ``run --rm``'s removal, where
the walk below costs a fraction of one (issue 16).

What it keeps of the handler it replaces:

- no symlink is ever followed: each directory is opened with ``O_NOFOLLOW``
  under its parent's descriptor, so an entry swapped for a symlink mid-walk is
  unlinked, never entered;
- a container may leave directories it cannot read, search or write (rootless: the
  files are ours, the modes are the container's): a step refused for permission is
  retried once after ``chmod 0700`` of the directories involved;
- an entry that vanished meanwhile is no error;
- a directory still refused after the retry is left where it is (the caller sees the
  path remain), while a file that cannot be unlinked even then raises its
  ``OSError``, as the handler's own unlink did.
"""

from __future__ import annotations

import errno
import os
import stat
from contextlib import suppress

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_PARENT_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_OWNER_ALL = 0o700


def remove_tree(path: str | os.PathLike[str]) -> None:
    """Remove ``path`` and all under it; nothing if it is not there."""
    path = os.path.abspath(os.fspath(path))
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    parent, name = os.path.split(path)
    try:
        parent_fd = os.open(parent, _PARENT_FLAGS)
    except PermissionError:  # the handler's first step too: its parent made the owner's
        os.chmod(parent, _OWNER_ALL)
        parent_fd = os.open(parent, _PARENT_FLAGS)
    try:
        if stat.S_ISDIR(st.st_mode):
            _remove_dir(name, parent_fd)
        else:  # a file or a symlink given as the tree: the link goes, not its target
            _unlink(name, parent_fd)
    finally:
        os.close(parent_fd)


def _remove_dir(name: str, parent_fd: int) -> None:
    fd = _open_dir(name, parent_fd)
    if fd is None:
        return
    try:
        _empty(fd)
    finally:
        os.close(fd)
    try:
        os.rmdir(name, dir_fd=parent_fd)
    except FileNotFoundError:
        return
    except PermissionError:
        _make_accessible(parent_fd)
        with suppress(OSError):  # left for the caller to see
            os.rmdir(name, dir_fd=parent_fd)
    except OSError:
        pass  # not empty: something under it was refused; left as it stands


def _open_dir(name: str, parent_fd: int) -> int | None:
    """The directory's descriptor; None if it is gone or refused twice. One that turned
    out not to be a directory (a symlink put in its place) is unlinked instead."""
    for attempt in (1, 2):
        try:
            return os.open(name, _DIR_FLAGS, dir_fd=parent_fd)
        except FileNotFoundError:
            return None
        except PermissionError:
            if attempt == 2:
                return None
            _make_accessible(parent_fd)
            # a symlink put in its place refuses it (ValueError on Linux): the next open says so
            with suppress(OSError, ValueError):
                os.chmod(name, _OWNER_ALL, dir_fd=parent_fd, follow_symlinks=False)
        except OSError as exc:
            # ENOTDIR, or ELOOP for a symlink under O_NOFOLLOW: not a directory now
            if exc.errno not in (errno.ENOTDIR, errno.ELOOP):
                raise
            _unlink(name, parent_fd)
            return None
    return None


def _empty(fd: int) -> None:
    """Remove everything in the directory open at ``fd``."""
    try:
        entries = _names(fd)
    except PermissionError:
        _make_accessible(fd)
        try:
            entries = _names(fd)
        except OSError:
            return
    for name, is_dir in entries:
        if is_dir:
            _remove_dir(name, fd)
        else:
            _unlink(name, fd)


def _names(fd: int) -> list[tuple[str, bool]]:
    with os.scandir(fd) as it:
        out = []
        for entry in it:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except FileNotFoundError:
                continue
            out.append((entry.name, is_dir))
        return out


def _unlink(name: str, dir_fd: int) -> None:
    try:
        os.unlink(name, dir_fd=dir_fd)
    except FileNotFoundError:
        return
    except IsADirectoryError:  # a directory put in its place since the listing
        _remove_dir(name, dir_fd)
    except PermissionError:
        _make_accessible(dir_fd)
        with suppress(FileNotFoundError):
            os.unlink(name, dir_fd=dir_fd)


def _make_accessible(fd: int) -> None:
    """Owner's read, write and search on the directory open at ``fd``."""
    with suppress(OSError):
        os.chmod(fd, _OWNER_ALL)
