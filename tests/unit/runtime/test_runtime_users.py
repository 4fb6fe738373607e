"""--user against the image's own /etc/passwd and /etc/group."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hutch.api.errors import HutchError
from hutch.runtime.users import ResolvedUser, resolve_user

PASSWD = """\
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
# comment:x:9:9::/c:/bin/sh
alice:x:1000:1000:Alice:/home/alice:/bin/sh
nohome:x:1001:1001:::/bin/sh
short:x:7:7
"""
GROUP = """\
root:x:0:
daemon:x:1:alice
tty:x:5:alice,bob
alice:x:1000:
staff:x:50:bob,alice
wheel:x:10:root
"""


@pytest.fixture
def root(tmp_path: Path) -> str:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_text(PASSWD)
    (tmp_path / "etc" / "group").write_text(GROUP)
    return str(tmp_path)


def test_default_is_root(root: str) -> None:
    assert resolve_user(root, "") == ResolvedUser(0, 0, (10,), "/root")


@pytest.mark.parametrize("spec", ["alice", "1000"])
def test_user_by_name_or_number_with_supplementary_groups(root: str, spec: str) -> None:
    assert resolve_user(root, spec) == ResolvedUser(1000, 1000, (1, 5, 50, 1000), "/home/alice")


def test_user_and_group_names(root: str) -> None:
    # The primary group is the one asked for, and (a user being given) also among
    # the supplementary ones, as podman 4.3.1 sets them.
    assert resolve_user(root, "alice:staff") == ResolvedUser(1000, 50, (1, 5, 50), "/home/alice")


@pytest.mark.parametrize(("spec", "gid"), [("alice:5", 5), ("alice:4242", 4242), ("1000:0", 0)])
def test_numeric_groups(root: str, spec: str, gid: int) -> None:
    assert resolve_user(root, spec).gid == gid


def test_unknown_numeric_user_is_accepted(root: str) -> None:
    assert resolve_user(root, "4321") == ResolvedUser(4321, 0, (0,), "/")
    assert resolve_user(root, "4321:4321") == ResolvedUser(4321, 4321, (4321,), "/")


def test_a_given_root_has_its_group_the_default_one_not(root: str) -> None:
    # podman: `-u root id` shows groups=0(root), plain `id` no groups= at all.
    assert resolve_user(root, "root").additional_gids == (0, 10)
    assert resolve_user(root, "").additional_gids == (10,)


def test_exec_leaves_the_primary_group_out(root: str) -> None:
    # podman: `exec -u nobody CTR id` shows no groups=, `run -u nobody IMG id` does.
    assert resolve_user(root, "alice", primary_too=False).additional_gids == (1, 5, 50)
    assert resolve_user(root, "4321:7", primary_too=False).additional_gids == ()


def test_empty_home_becomes_slash(root: str) -> None:
    assert resolve_user(root, "nohome").home == "/"


def test_short_and_comment_lines_are_ignored(root: str) -> None:
    with pytest.raises(HutchError, match="unable to find user short"):
        resolve_user(root, "short")
    with pytest.raises(HutchError, match="unable to find user # comment"):
        resolve_user(root, "# comment")


def test_unknown_user_name(root: str) -> None:
    with pytest.raises(HutchError, match="unable to find user nobody: no matching entries"):
        resolve_user(root, "nobody")


def test_unknown_group_name(root: str) -> None:
    with pytest.raises(HutchError, match="unable to find group nogroup"):
        resolve_user(root, "alice:nogroup")


def test_no_passwd_file(tmp_path: Path) -> None:
    assert resolve_user(str(tmp_path), "0") == ResolvedUser(0, 0, (0,), "/")
    assert resolve_user(str(tmp_path), "") == ResolvedUser(0, 0, (), "/")
    with pytest.raises(HutchError):
        resolve_user(str(tmp_path), "alice")


def test_etc_symlinked_out_of_the_root_stays_inside(tmp_path: Path) -> None:
    # /etc -> /../../host-etc must not read the host's files.
    outside = tmp_path / "host-etc"
    outside.mkdir()
    (outside / "passwd").write_text("evil:x:0:0::/:/bin/sh\n")
    root = tmp_path / "rootfs"
    root.mkdir()
    (root / "host-etc").mkdir()
    (root / "host-etc" / "passwd").write_text("good:x:5:5::/g:/bin/sh\n")
    os.symlink("/../../host-etc", root / "etc")
    assert resolve_user(str(root), "good").uid == 5
    with pytest.raises(HutchError):
        resolve_user(str(root), "evil")


@pytest.mark.parametrize("spec", ["-1", "0:-1", "2147483648"])
def test_ids_out_of_range_are_refused_in_runcs_words(tmp_path: Path, spec: str) -> None:
    with pytest.raises(HutchError) as raised:
        resolve_user(str(tmp_path), spec)
    assert str(raised.value) == "uids and gids must be in range 0-2147483647"
