"""Run a unit test's body as root of a user namespace over the test user's
subordinate IDs, where it is not root already.

Some logic under test chowns files to other IDs (the chowned copy of an image's
layers, a build step's upper dir shifted back) or needs directories of another
owner. CI runs the unit suite as the unprivileged test user, and a skip there
counts as a failure (HUTCH_REQUIRE_ALL): such a test runs, in a forked child, as
root of a namespace that maps the user to 0 and its subordinate IDs to 1..
(the session namespace's own map, made the same way with newuidmap/newgidmap).
The child gives what it chowned back to its root (the user outside) so that the
fixtures' and pytest's own clean-up, outside, can remove it.
"""

from __future__ import annotations

import functools
import os
import pwd
import shutil
import subprocess
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from hutch.linux import syscalls
from hutch.runtime.ids import session_map, subordinate_ranges

F = TypeVar("F", bound=Callable[..., None])


def as_namespace_root(test: F) -> F:
    """Decorate a test: its body runs as root (see the module's docstring); the
    Path arguments it gets (tmp_path, a fixture's directory) are handed back to the
    user afterwards."""

    @functools.wraps(test)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        paths = [value for value in (*args, *kwargs.values()) if isinstance(value, Path)]
        run_as_root(lambda: test(*args, **kwargs), paths)

    return wrapper  # type: ignore[return-value]


def run_as_root(action: Callable[[], None], paths: list[Path]) -> None:
    if os.geteuid() == 0:
        action()
        return
    uid, gid = os.getuid(), os.getgid()
    user = pwd.getpwuid(uid).pw_name
    uid_ranges = subordinate_ranges(Path("/etc/subuid"), user, uid)
    gid_ranges = subordinate_ranges(Path("/etc/subgid"), user, uid)
    if not uid_ranges or not gid_ranges or shutil.which("newuidmap") is None:
        pytest.skip("needs root, or subordinate IDs and newuidmap/newgidmap")
    ready_r, ready_w = os.pipe()
    go_r, go_w = os.pipe()
    out_r, out_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(ready_r)
        os.close(go_w)
        os.close(out_r)
        _child(action, paths, ready_w, go_r, out_w)
    os.close(ready_w)
    os.close(go_r)
    os.close(out_w)
    try:
        if os.read(ready_r, 1) != b"u":
            pytest.fail("the child could not make a user namespace")
        for tool, own, ranges in (("newuidmap", uid, uid_ranges), ("newgidmap", gid, gid_ranges)):
            args = [tool, str(pid)]
            for entry in session_map(own, ranges):
                args += [str(entry.inside), str(entry.outside), str(entry.count)]
            subprocess.run(args, check=True, capture_output=True)
        os.write(go_w, b"g")
        report = b""
        while chunk := os.read(out_r, 65536):
            report += chunk
    finally:
        os.close(go_w)
        os.close(ready_r)
        os.close(out_r)
        _, status = os.waitpid(pid, 0)
    if status != 0:
        pytest.fail(report.decode(errors="replace") or f"the child exited {status}")


def _child(
    action: Callable[[], None], paths: list[Path], ready: int, go: int, out: int
) -> None:  # pragma: no cover - runs in the forked child
    code = 1
    try:
        syscalls.unshare(syscalls.CLONE_NEWUSER)
        os.write(ready, b"u")
        if os.read(go, 1) == b"g":
            os.setresgid(0, 0, 0)
            os.setresuid(0, 0, 0)
            try:
                action()
                code = 0
            finally:
                for path in paths:
                    _give_back(path)
    except BaseException:
        os.write(out, traceback.format_exc().encode())
    os._exit(code)


def _give_back(path: Path) -> None:
    """Everything under ``path`` to this namespace's root, owner-writable, so that
    the user outside can remove it."""
    if not path.exists():
        return
    for top, dirs, files in os.walk(path):
        for name in (*dirs, *files):
            target = os.path.join(top, name)
            os.lchown(target, 0, 0)
            if name in dirs and not os.path.islink(target):
                os.chmod(target, 0o700)
    os.lchown(path, 0, 0)
