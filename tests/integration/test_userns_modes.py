"""Per-container user namespaces: --userns keep-id, nomap, auto and --uidmap.

Each container's namespace is nested in the session namespace, whose id 0 is
the user and 1.. the subordinate range; /proc/self/uid_map inside therefore
names session ids on its outside column.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from harness import Hutch

# Both ways of showing the image's files with the container's maps.
SHIFTS = ("fuse-overlayfs", "copy")


def _map(text: str) -> list[tuple[int, int, int]]:
    rows = [tuple(int(x) for x in line.split()) for line in text.splitlines() if line.strip()]
    return [(a, b, c) for a, b, c in rows]


@pytest.mark.parametrize("shift", SHIFTS)
def test_keep_id_is_the_user_inside_and_out(
    hutch: Hutch, base_image: str, tmp_path: Path, shift: str
) -> None:
    """keep-id: `id -u` is the user's, bind-mount files are the user's, the image root's."""
    uid, gid = os.getuid(), os.getgid()
    shared = tmp_path / "shared"
    shared.mkdir()
    out = hutch(
        "run", "--rm", "--userns", "keep-id", "-v", f"{shared}:/shared", base_image,
        "sh", "-c", "id -u; id -g; stat -c %u /bin/busybox; touch /shared/made; "
        "grep -c ':*:'$(id -u): /etc/passwd",
        env={"HUTCH_USERNS_SHIFT": shift},
    ).stdout.split()  # fmt: skip
    assert out == [str(uid), str(gid), "0", "1"]
    made = (shared / "made").stat()
    assert (made.st_uid, made.st_gid) == (uid, gid)


def test_keep_id_with_chosen_ids(hutch: Hutch, base_image: str) -> None:
    """keep-id:uid=2000,gid=2000: the user is 2000 inside, mapped to session id 0."""
    out = hutch(
        "run", "--rm", "--userns", "keep-id:uid=2000,gid=2000", base_image,
        "sh", "-c", "id -u; id -g; cat /proc/self/uid_map",
    ).stdout  # fmt: skip
    lines = out.splitlines()
    assert lines[:2] == ["2000", "2000"]
    assert (2000, 0, 1) in _map("\n".join(lines[2:]))


def test_keep_id_exec_joins_the_containers_namespace(hutch: Hutch, base_image: str) -> None:
    hutch("run", "-d", "--name", "k", "--userns", "keep-id", base_image, "sleep", "60")
    assert hutch("exec", "k", "id", "-u").stdout.strip() == str(os.getuid())
    assert hutch("exec", "-u", "0", "k", "stat", "-c", "%u", "/etc").stdout.strip() == "0"
    hutch("rm", "-f", "-t", "0", "k")


def test_nomap_leaves_the_user_unmapped(hutch: Hutch, base_image: str) -> None:
    """nomap: no line of the map covers session id 0 (the user); the image is still root's."""
    out = hutch(
        "run", "--rm", "--userns", "nomap", base_image,
        "sh", "-c", "cat /proc/self/uid_map; echo --; stat -c %u /bin/busybox",
    ).stdout  # fmt: skip
    uid_map, owner = out.split("--\n")
    entries = _map(uid_map)
    assert entries and not any(outside <= 0 < outside + n for _i, outside, n in entries)
    assert owner.strip() == "0"


def test_auto_gives_each_container_its_own_range(hutch: Hutch, base_image: str) -> None:
    hutch("run", "-d", "--name", "a1", "--userns", "auto", base_image, "sleep", "60")
    hutch("run", "-d", "--name", "a2", "--userns", "auto:size=500", base_image, "sleep", "60")
    (a,) = _map(hutch("exec", "a1", "cat", "/proc/self/uid_map").stdout)
    (b,) = _map(hutch("exec", "a2", "cat", "/proc/self/uid_map").stdout)
    assert a[0] == b[0] == 0 and (a[2], b[2]) == (1024, 500)
    assert a[1] >= 1 and b[1] >= 1  # never the user
    assert a[1] + a[2] <= b[1] or b[1] + b[2] <= a[1]  # no overlap
    hutch("rm", "-f", "-t", "0", "a1", "a2")


def test_uidmap_shows_in_the_container(hutch: Hutch, base_image: str) -> None:
    out = hutch(
        "run", "--rm", "--uidmap", "0:1:1000", base_image,
        "sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; stat -c %u:%g /bin/busybox",
    ).stdout  # fmt: skip
    lines = out.splitlines()
    assert _map("\n".join(lines[:2])) == [(0, 1, 1000), (0, 1, 1000)]  # gid map follows
    assert lines[2] == "0:0"


def test_subuidname_of_the_users_own_name(hutch: Hutch, base_image: str) -> None:
    import pwd

    name = pwd.getpwuid(os.getuid()).pw_name
    entries = _map(
        hutch("run", "--rm", "--subuidname", name, base_image, "cat", "/proc/self/uid_map").stdout
    )
    assert entries and entries[0][:2] == (0, 1)  # the range starts at session id 1
