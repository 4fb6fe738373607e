"""``hutch build --userns`` and ``--userns-uid-map``/``-gid-map``/``-uid-map-user``/
``-gid-map-group`` (issue 15): a RUN step in a user namespace of its own sees the
map and the image's owners, and what it writes reaches the image with the IDs it
saw; checked against podman 4.3.1 where the two agree."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest
from build_helpers import build, refused_before_any_step, write_context
from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture

# what a step sees, written to /seen (read back from the built image): its ids, its
# maps, the owners of the image's files and of the files it made
SEEN = (
    "RUN (id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map; "
    "stat -c '%u:%g %n' /bin/busybox /etc/passwd /home/user; "
    "touch /newfile && mkdir /newdir && stat -c '%u:%g %n' /newfile /newdir) > /seen\n"
)
MAP = ("--userns-uid-map", "0:1000:60000", "--userns-gid-map", "0:1000:60000")


@pytest.fixture(name="owned")
def fixture_owned(hutch: Hutch, base_image: str, tmp_path: Path) -> str:
    """``base`` with /home/user owned by 1000 again (the test store's copy of ``base``
    was made by the user, who could not keep that owner)."""
    steps = "FROM base\nRUN chown -R 1000:1000 /home/user\n"
    build(hutch, write_context(tmp_path / "owned", {}, containerfile=steps), "-t", "owned")
    return "owned"


def layer_owners(hutch: Hutch, image: str, directory: Path) -> dict[str, tuple[int, int]]:
    """The owners in the image's top layer, as ``save`` writes it."""
    archive = directory / f"{image}.tar"
    hutch("save", "-o", str(archive), image)
    with tarfile.open(archive) as outer:
        manifest = outer.extractfile("manifest.json")
        assert manifest is not None
        top = json.load(manifest)[0]["Layers"][-1]
        layer = outer.extractfile(top)
        assert layer is not None
        with tarfile.open(fileobj=layer) as inner:
            return {m.name.rstrip("/"): (m.uid, m.gid) for m in inner.getmembers()}


@pytest.mark.parametrize("shift", ["fuse-overlayfs", "copy"])
def test_a_mapped_step_sees_the_map_and_the_image_keeps_its_ids(
    hutch: Hutch, owned: str, tmp_path: Path, shift: str
) -> None:
    """0:1000:60000 (session IDs): the step is root, its uid_map shows the map, the
    image's files have their usual owners and its own files are root's; in the image
    (a normal run, and the layer's tar) they are 0:0, as the image's are."""
    context = write_context(tmp_path / "ctx", {}, containerfile=f"FROM {owned}\n{SEEN}")
    env = {"HUTCH_USERNS_SHIFT": shift}
    build(hutch, context, "--no-cache", *MAP, "-t", "mapped", env=env)
    seen = hutch("run", "--rm", "mapped", "cat", "/seen").stdout.splitlines()
    assert seen[:2] == ["0", "0"]
    assert [line.split() for line in seen[2:4]] == [["0", "1000", "60000"]] * 2
    assert seen[4:] == [
        "0:0 /bin/busybox",
        "0:0 /etc/passwd",
        "1000:1000 /home/user",
        "0:0 /newfile",
        "0:0 /newdir",
    ]
    out = hutch("run", "--rm", "mapped", "stat", "-c", "%u:%g %n", "/newfile", "/newdir")
    assert out.stdout == "0:0 /newfile\n0:0 /newdir\n"
    owners = layer_owners(hutch, "mapped", tmp_path)
    assert owners["newfile"] == owners["newdir"] == owners["seen"] == (0, 0)
    # fuse-overlayfs's own marks of an opaque directory stay out of the image
    listing = hutch("run", "--rm", "mapped", "ls", "-a", "/newdir").stdout.split()
    assert listing == [".", ".."]


def test_ids_outside_the_map_show_as_nobody_and_a_chown_keeps_its_id(
    hutch: Hutch, owned: str, tmp_path: Path
) -> None:
    """0:1000:1000 leaves out the image's 1000 (/home/user): nobody inside the step; a
    file the step gives its 500 is 500 in the image, set-uid bit and all; a whiteout
    and a deleted directory reach the layer as whiteouts."""
    steps = (
        f"FROM {owned}\n"
        "RUN stat -c '%u:%g' /home/user > /outside && touch /f500 && chown 500:500 /f500 "
        "&& chmod 4755 /f500 && rm /etc/group\n"
    )
    context = write_context(tmp_path / "ctx", {}, containerfile=steps)
    build(hutch, context, "--no-cache", "--userns-uid-map", "0:1000:1000", "-t", "small")
    out = hutch("run", "--rm", "small", "sh", "-c", "cat /outside; stat -c '%u:%g %a' /f500; "
                "ls /etc/group 2>&1; stat -c '%u:%g' /home/user").stdout  # fmt: skip
    assert out.splitlines() == [
        "65534:65534",
        "500:500 4755",
        "ls: /etc/group: No such file or directory",
        "1000:1000",
    ]
    owners = layer_owners(hutch, "small", tmp_path)
    assert owners["f500"] == (500, 500) and "etc/.wh.group" in owners


def test_a_mapped_steps_mounts_reach_it(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    """The sources of a mapped step's mounts lie in the user's 0700 directories (the
    store's, the test's), which a namespace without the user cannot walk: a RUN
    <<EOF script, a cache (owned by the step's root), a secret, a bind of the
    context (and its writable copy) and of another stage reach the step all the same."""
    steps = (
        "FROM base AS other\nRUN echo from-stage > /st\n"
        "FROM base\n"
        "RUN <<EOF\n#!/bin/sh\necho heredoc > /seen\nEOF\n"
        "RUN --mount=type=cache,target=/cache touch /cache/y && ls -ln /cache >> /seen\n"
        "RUN --mount=type=secret,id=s cat /run/secrets/s >> /seen\n"
        "RUN --mount=type=bind,source=data.txt,target=/d cat /d >> /seen\n"
        "RUN --mount=type=bind,source=data.txt,target=/d,rw cat /d >> /seen\n"
        "RUN --mount=type=bind,from=other,source=/st,target=/st cat /st >> /seen\n"
    )
    context = write_context(
        tmp_path / "ctx", {"data.txt": "data\n", "s.txt": "sekrit\n"}, containerfile=steps
    )
    secret = f"id=s,src={context / 's.txt'}"
    build(hutch, context, *MAP, "--secret", secret, "-t", "mounts")
    seen = hutch("run", "--rm", "mounts", "cat", "/seen").stdout.splitlines()
    assert seen[0] == "heredoc" and seen[2].split()[2:4] == ["0", "0"]
    assert seen[3:] == ["sekrit", "data", "data", "from-stage"]


def test_a_user_name_takes_its_subordinate_ranges(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    """--userns-uid-map-user NAME: NAME's /etc/subuid ranges (the group: the same name),
    found in the session namespace (its 1..), container IDs from 0."""
    steps = "FROM base\nRUN (id -u; cat /proc/self/uid_map /proc/self/gid_map) > /seen\n"
    context = write_context(tmp_path / "ctx", {}, containerfile=steps)
    user = Path("/etc/subuid").read_text().split(":")[0]  # the test user's line first
    build(hutch, context, "--userns-uid-map-user", user, "-t", "named")
    seen = hutch("run", "--rm", "named", "cat", "/seen").stdout.splitlines()
    size = int(next(line for line in Path("/etc/subuid").read_text().splitlines()
                    if line.startswith(f"{user}:")).split(":")[2])  # fmt: skip
    assert seen[0] == "0"
    assert [line.split() for line in seen[1:]] == [["0", "1", str(size)]] * 2


@pytest.mark.parametrize("mode", ["host", "container", "/proc/self/ns/user"])
def test_the_session_namespace_without_a_map(
    hutch: Hutch, base_image: str, tmp_path: Path, mode: str
) -> None:
    """--userns host: RUN is root in the session's user namespace, mapped as hutch
    unshare's is (no namespace of its own); container without a map alike (rootless
    buildah's per-step namespace maps its own IDs one to one), and a path naming it."""
    steps = "FROM base\nRUN id -u > /uid && cat /proc/self/uid_map > /map\n"
    context = write_context(tmp_path / "ctx", {}, containerfile=steps)
    build(hutch, context, "--no-cache", "--userns", mode, "-t", "uns-host")
    out = hutch("run", "--rm", "uns-host", "cat", "/uid", "/map").stdout
    assert out == "0\n" + hutch("unshare", "cat", "/proc/self/uid_map").stdout


# flags, and what the refusal says (podman's words where podman has them)
REFUSED = [
    (("--userns", "/etc/hostname"), "--userns /etc/hostname: not the session's user"),
    (("--userns", "ns:/nonexistent"), "checking user namespace: stat /nonexistent: no such"),
    (("--userns", "host", *MAP), "can not specify ID mappings while using host's user"),
    (("--userns-uid-map", "0:1000"), 'mapping "0:1000" is not in the form containerid:hostid'),
    (("--userns-gid-map", "0:1:5,3:9:5"), "the ranges overlap on the inside side"),
    (("--userns-uid-map", "0:1:9999999"), "impossible --userns-uid-map 0:1:9999999"),
    (("--userns-gid-map-group", "nosuch"), 'no subuid ranges found for user "nosuch"'),
]


@pytest.mark.parametrize(("flags", "message"), REFUSED)
def test_refused_exit_125_before_any_step(
    hutch: Hutch, base_image: str, tmp_path: Path, flags: tuple[str, ...], message: str
) -> None:
    assert message in refused_before_any_step(hutch, tmp_path / "ctx", *flags)


# podman 4.3.1 shows the step a root dir it cannot write (its upper dir's, the
# rootless user's: 65534 there) and the image's non-root files as root's, and has no
# /run to mount its .containerenv on in busybox: so the base has /run, the step
# writes in /tmp, and /home/user's owner is left out of the comparison
PEER_SEEN = (
    "RUN (id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map; "
    "stat -c '%u:%g %n' /bin/busybox /etc/passwd /tmp; touch /tmp/newfile && "
    "mkdir /tmp/newdir && stat -c '%u:%g %n' /tmp/newfile /tmp/newdir) > /tmp/seen\n"
)


def test_podman_4_3_1_agrees_on_what_a_mapped_step_sees_and_leaves(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    results = {}
    for name, tool in (("hutch", hutch), ("podman", podman)):
        with_run = write_context(
            tmp_path / name / "base", {}, containerfile="FROM base\nRUN mkdir -p /run\n"
        )
        steps = f"FROM base-run\n{PEER_SEEN}"
        context = write_context(tmp_path / name / "ctx", {}, containerfile=steps)
        made = [
            tool("build", "-t", "base-run", str(with_run)),
            tool("build", "--no-cache", *MAP, "-t", "peer-mapped", str(context)),
        ]
        assert [m.returncode for m in made] == [0, 0], made
        seen = tool("run", "--rm", "peer-mapped", "cat", "/tmp/seen").stdout
        after = tool("run", "--rm", "peer-mapped", "stat", "-c", "%u:%g %n", "/tmp/newfile",
                     "/tmp/newdir").stdout  # fmt: skip
        results[name] = (seen, after)
    assert results["hutch"] == results["podman"]
    seen, after = results["hutch"]
    assert seen.splitlines()[-2:] == ["0:0 /tmp/newfile", "0:0 /tmp/newdir"]
    assert after == "0:0 /tmp/newfile\n0:0 /tmp/newdir\n"
