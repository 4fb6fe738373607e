"""The maps of a per-container user namespace (keep-id, nomap, auto, --subuidname)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument
from hutch.engine.userns import (
    is_identity,
    keep_id_map,
    map_size,
    nomap_map,
    subid_map,
)
from hutch.engine.userns_auto import allocate, first_fit
from hutch.runtime.ids import IdMapEntry, IdRange, map_to_host
from hutch.runtime.spec_userns import UsernsSpec, maps_cover
from hutch.runtime.userns import add_identity_entries, map_text
from hutch.runtime.userns_copy import session_shift, shift_tree

SESSION = 65537  # the user + 65536 subordinate ids


def _one_to_one(entries: tuple[IdMapEntry, ...]) -> None:
    inside = sorted(i for e in entries for i in (e.inside, e.inside + e.count - 1))
    outside = [x for e in entries for x in range(e.outside, e.outside + e.count)]
    assert len(set(outside)) == len(outside)
    assert inside == sorted(inside)


def test_keep_id_maps_the_user_to_its_own_uid_and_root_to_the_first_subordinate() -> None:
    entries = keep_id_map(1001, SESSION)
    assert entries == (
        IdMapEntry(0, 1, 1001),
        IdMapEntry(1001, 0, 1),
        IdMapEntry(1002, 1002, SESSION - 1002),
    )
    assert map_to_host(entries, 1001) == 0  # the user
    assert map_to_host(entries, 0) == 1
    assert map_size(entries) == SESSION
    _one_to_one(entries)


def test_keep_id_with_another_uid_and_edges() -> None:
    assert keep_id_map(0, SESSION) == (IdMapEntry(0, 0, 1), IdMapEntry(1, 1, SESSION - 1))
    high = keep_id_map(100000, SESSION)  # above the range: all subordinates below it
    assert high == (IdMapEntry(0, 1, SESSION - 1), IdMapEntry(100000, 0, 1))
    _one_to_one(high)
    with pytest.raises(InvalidArgument, match="subordinate id range"):
        keep_id_map(1000, 1)


def test_nomap_leaves_the_user_out() -> None:
    entries = nomap_map(SESSION)
    assert entries == (IdMapEntry(0, 1, SESSION - 1),)
    assert all(not (e.outside <= 0 < e.outside + e.count) for e in entries)
    with pytest.raises(InvalidArgument):
        nomap_map(1)


def test_subuidname_must_lie_in_the_users_own_range() -> None:
    session = (IdMapEntry(0, 1001, 1), IdMapEntry(1, 100000, 65536))
    inside = subid_map("sub", (IdRange(110000, 1000),), session, "--subuidname")
    assert inside == (IdMapEntry(0, 10001, 1000),)
    with pytest.raises(InvalidArgument, match="not within your own"):
        subid_map("other", (IdRange(165536, 10),), session, "--subuidname")
    with pytest.raises(InvalidArgument, match="/etc/subuid"):
        subid_map("nobody", (), session, "--subuidname")


def test_identity_maps_need_no_shift() -> None:
    assert is_identity((IdMapEntry(0, 0, 100),))
    assert not is_identity(keep_id_map(1001, SESSION))


def test_auto_first_fit_skips_taken_ranges() -> None:
    assert first_fit([], 10, 1, 100) == 1
    assert first_fit([(1, 10), (20, 5)], 9, 1, 100) == 11
    assert first_fit([(1, 10), (20, 5)], 10, 1, 100) == 25
    assert first_fit([(1, 90)], 20, 1, 100) is None


def test_auto_allocations_do_not_overlap_and_dead_ones_are_freed(tmp_path: Path) -> None:
    path = tmp_path / "userns-auto.json"
    a = allocate(path, "a", 1024, SESSION, {"a"})
    b = allocate(path, "b", 500, SESSION, {"a", "b"})
    assert (a, b) == (1, 1025)
    c = allocate(path, "c", 1024, SESSION, {"b", "c"})  # a is gone: its range is free
    assert c == 1
    assert json.loads(path.read_text()) == {"b": [1025, 500], "c": [1, 1024]}
    with pytest.raises(InvalidArgument, match="no free range"):
        allocate(path, "d", SESSION, SESSION, {"b", "c", "d"})


def test_map_text_and_coverage() -> None:
    entries = keep_id_map(1001, SESSION)
    assert map_text(entries).splitlines()[1] == "1001 0 1"
    assert maps_cover(entries, 5) and not maps_cover((IdMapEntry(0, 1, 5),), 5)
    assert not UsernsSpec().enabled and UsernsSpec(uid_map=entries).enabled


def test_identity_entries_are_added_once(tmp_path: Path) -> None:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_text("root:x:0:0:root:/root:/bin/sh")
    spec = UsernsSpec(
        uid_map=(IdMapEntry(0, 1, 1),),
        passwd_entry="me:*:1001:1001::/home/me:/bin/sh",
        group_entry="me:x:1001:",
    )
    add_identity_entries(str(tmp_path), spec)
    add_identity_entries(str(tmp_path), spec)
    assert (tmp_path / "etc" / "passwd").read_text() == (
        "root:x:0:0:root:/root:/bin/sh\nme:*:1001:1001::/home/me:/bin/sh\n"
    )
    assert (tmp_path / "etc" / "group").read_text() == "me:x:1001:\n"


def test_shift_tree_maps_owners_through_the_container_map(tmp_path: Path) -> None:
    import os

    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "f").write_text("x")
    os.symlink("f", tmp_path / "d" / "l")
    uid, gid = os.getuid(), os.getgid()
    # container id `uid` shows as the same id: the identity keeps owners (the
    # test may not chown to other ids unprivileged).
    shift_tree(tmp_path, session_shift((IdMapEntry(uid, uid, 1),), (IdMapEntry(gid, gid, 1),)))
    assert os.lstat(tmp_path / "d" / "l").st_uid == uid


def test_keep_id_home_is_the_workdir_unless_the_users_home_is_mounted() -> None:
    from dataclasses import replace

    from hutch.engine.userns_plan import keep_id_home
    from hutch.runtime.spec import Mount, Process, Rootfs, Spec

    spec = Spec("c", "h", Process(("true",), (), cwd="/srv"), Rootfs("bind", "/r"))
    assert keep_id_home("/home/me", spec) == "/srv"
    mounted = replace(spec, mounts=(Mount("bind", "/home/me", "/x"),))
    assert keep_id_home("/home/me", mounted) == "/home/me"
    above = replace(spec, mounts=(Mount("bind", "/home/", "/x"),))
    assert keep_id_home("/home/me", above) == "/home/me"
    # a mount on / (the root) is no mount of the home
    assert keep_id_home("/home/me", replace(spec, mounts=(Mount("bind", "/", "/x"),))) == "/srv"
    assert keep_id_home("/home/me", replace(spec, process=replace(spec.process, cwd=""))) == "/"


def test_the_init_reaches_its_files_relative_to_the_containers_dir() -> None:
    """A namespace without the user cannot walk the store's 0700 dirs: the rootfs, the
    /etc files and the bind sources under the container's dir (a build step's RUN
    <<EOF script, the sources its monitor staged) are relative to it; the rest stays."""
    from hutch.runtime.spec import Mount, Process, Rootfs, Spec
    from hutch.runtime.userns import relative_paths

    base = "/store/containers/c1"
    spec = Spec(
        id="c1",
        hostname="c1",
        process=Process(args=("true",), env=()),
        rootfs=Rootfs("overlay", f"{base}/merged"),
        etc_files=(("/etc/hosts", f"{base}/etc/hosts"),),
        mounts=(
            Mount("bind", "/dev/.hutch-run-script", f"{base}/script", ("ro",)),
            Mount("bind", "/data", "/elsewhere/data"),
            Mount("tmpfs", "/t", "tmpfs"),
        ),
    )
    moved = relative_paths(spec)
    assert moved.rootfs.target == "merged"
    assert moved.etc_files == (("/etc/hosts", "etc/hosts"),)
    assert [m.source for m in moved.mounts] == ["script", "/elsewhere/data", "tmpfs"]
