"""Container paths resolve inside the rootfs, whatever symlinks the image holds."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from hutch.runtime.paths_in_root import resolve_in_root


@pytest.fixture
def root(tmp_path: Path) -> str:
    r = tmp_path / "root"
    for d in ("etc", "usr/lib", "var/run", "a/b/c"):
        (r / d).mkdir(parents=True)
    (r / "etc" / "passwd").write_text("root:x:0:0::/root:/bin/sh\n")
    return str(r)


def link(root: str, path: str, target: str) -> None:
    os.symlink(target, os.path.join(root, path.lstrip("/")))


def test_plain_paths(root: str) -> None:
    assert resolve_in_root(root, "/etc/passwd") == f"{root}/etc/passwd"
    assert resolve_in_root(root, "etc//./passwd") == f"{root}/etc/passwd"
    assert resolve_in_root(root, "/") == root
    assert resolve_in_root(root, "/does/not/exist") == f"{root}/does/not/exist"


@pytest.mark.parametrize(
    "path", ["/../../etc/passwd", "/a/../../../../etc/passwd", "/../etc/x/../passwd"]
)
def test_dotdot_chains_stop_at_the_root(root: str, path: str) -> None:
    assert resolve_in_root(root, path) == f"{root}/etc/passwd"


def test_absolute_symlink_is_reinterpreted_under_root(root: str) -> None:
    link(root, "/lib", "/usr/lib")
    link(root, "/proc", "/etc")
    assert resolve_in_root(root, "/lib/x.so") == f"{root}/usr/lib/x.so"
    assert resolve_in_root(root, "/proc/passwd") == f"{root}/etc/passwd"


def test_symlink_escaping_with_dotdot_is_clamped(root: str) -> None:
    link(root, "/a/esc", "/../../etc")
    link(root, "/a/b/c/up", "../../../../../../etc")
    assert resolve_in_root(root, "/a/esc/passwd") == f"{root}/etc/passwd"
    assert resolve_in_root(root, "/a/b/c/up/passwd") == f"{root}/etc/passwd"


def test_relative_symlink_resolves_from_its_directory(root: str) -> None:
    link(root, "/var/run/lnk", "../../usr/lib")
    link(root, "/a/b/sib", "c")
    assert resolve_in_root(root, "/var/run/lnk/f") == f"{root}/usr/lib/f"
    assert resolve_in_root(root, "/a/b/sib") == f"{root}/a/b/c"


def test_symlink_chain_and_final_component(root: str) -> None:
    link(root, "/one", "/two")
    link(root, "/two", "three/../etc")
    link(root, "/etc/pw", "passwd")
    assert resolve_in_root(root, "/one/pw") == f"{root}/etc/passwd"


def test_result_never_leaves_the_root(root: str) -> None:
    link(root, "/x", "/../../../..")
    link(root, "/y", "../../../../../tmp")
    for path in ("/x", "/x/etc", "/y", "/y/../..", "/x/../y"):
        resolved = resolve_in_root(root, path)
        assert resolved == root or resolved.startswith(root + "/"), (path, resolved)


def test_loops_raise_eloop(root: str) -> None:
    link(root, "/loop1", "/loop2")
    link(root, "/loop2", "loop1")
    link(root, "/self", "self")
    for path in ("/loop1", "/self/x"):
        with pytest.raises(OSError) as exc_info:
            resolve_in_root(root, path)
        assert exc_info.value.errno == errno.ELOOP
