"""Image ids outside a container's (or a build step's) map, with both ways of showing
the image with other ids: fuse-overlayfs's id mapping and the chowned copy
(``HUTCH_USERNS_SHIFT=copy``) must agree. Inside, such an owner is the overflow id
(nobody, unless the map covers the session's 65534, as fuse-overlayfs and the kernel
show it); what a mapped build step copies up keeps its image id in the layer."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest
from build_helpers import build, write_context
from harness import Hutch

SHIFTS = ("fuse-overlayfs", "copy")

# base with owners no map below covers, as an image built without a map has them:
# /shared is writable by all (a step can create in it: its dir is copied up), /shared/f
# and /shared/keep are writable by all (a step can append: copied up), keep has a
# second name; /mine's 5 (two names) and busybox's 0 are in every map
UNMAPPED = (
    "FROM base\n"
    "RUN mkdir -p /home/user /shared && chown -R 1000:1000 /home/user "
    "&& chown 1000:1001 /shared && chmod 0777 /shared "
    "&& echo x > /shared/f && chown 1500:1500 /shared/f && chmod 0666 /shared/f "
    "&& touch /shared/keep && chown 2000:2000 /shared/keep && chmod 0666 /shared/keep "
    "&& ln /shared/keep /shared/keep.link "
    "&& touch /mine /high && chown 5:5 /mine && ln /mine /mine.link "
    "&& chown 65100:65100 /high\n"
)
STAT = ("stat", "-c", "%u:%g %n")


@pytest.fixture(name="unmapped")
def fixture_unmapped(hutch: Hutch, base_image: str, tmp_path: Path) -> str:
    build(hutch, write_context(tmp_path / "unmapped", {}, containerfile=UNMAPPED), "-t", "unm")
    return "unm"


def _run_both(hutch: Hutch, *args: str) -> dict[str, str]:
    return {
        shift: hutch("run", "--rm", *args, env={"HUTCH_USERNS_SHIFT": shift}).stdout
        for shift in SHIFTS
    }


def test_an_owner_outside_the_map_is_nobody_with_both_methods(hutch: Hutch, unmapped: str) -> None:
    """--uidmap 0:1000:1000 (container 0..999 = session 1000..1999): the image's 1000
    is no container id; the copy once left it as session 1000, the container's root."""
    paths = ("/home/user", "/shared", "/shared/f", "/high", "/mine", "/bin/busybox")
    seen = _run_both(hutch, "--uidmap", "0:1000:1000", unmapped, *STAT, *paths)
    assert seen["copy"] == seen["fuse-overlayfs"]
    assert seen["copy"].splitlines() == [
        "65534:65534 /home/user",
        "65534:65534 /shared",
        "65534:65534 /shared/f",
        "65534:65534 /high",
        "5:5 /mine",
        "0:0 /bin/busybox",
    ]


def test_a_map_over_the_sessions_65534_shows_its_container_id_with_both_methods(
    hutch: Hutch, unmapped: str
) -> None:
    """0:1000:64537 covers session 65534 (container 64534): fuse-overlayfs shows an
    owner outside the map (65100) as that, and so does the copy; a file of two names
    is chowned once (twice, 5 became session 2005, the container's 1005)."""
    seen = _run_both(
        hutch, "--uidmap", "0:1000:64537", unmapped, *STAT, "/high", "/shared", "/mine"
    )
    assert seen["copy"] == seen["fuse-overlayfs"]
    assert seen["copy"].splitlines() == ["64534:64534 /high", "1000:1001 /shared", "5:5 /mine"]


# two steps of one stage (they share an upper dir, shifted again for the second): the
# first creates in /shared (the dir is copied up), appends to f, renames keep
# (copied up, then renamed) and says what it sees; the second looks again
STEPS = (
    "RUN touch /shared/new && echo y >> /shared/f && mv /shared/keep /shared/moved "
    "&& stat -c '%u:%g %n' /home/user /shared /shared/f /shared/moved /shared/new > /seen\n"
    "RUN stat -c '%u:%g %n' /shared /shared/f /shared/moved >> /seen\n"
)


def _layers(hutch: Hutch, image: str, directory: Path) -> dict[str, tuple[int, int, str]]:
    """Every layer's entries under shared/, as ``save`` writes them (the upper layer's
    last): owner, and the names of their xattrs."""
    archive = directory / f"{image}.tar"
    hutch("save", "-o", str(archive), image)
    found: dict[str, tuple[int, int, str]] = {}
    with tarfile.open(archive) as outer:
        manifest = outer.extractfile("manifest.json")
        assert manifest is not None
        for name in json.load(manifest)[0]["Layers"]:
            layer = outer.extractfile(name)
            assert layer is not None
            with tarfile.open(fileobj=layer) as inner:
                for m in inner.getmembers():
                    if m.name.rstrip("/").startswith("shared"):
                        xattrs = ",".join(k for k in sorted(m.pax_headers) if "xattr" in k)
                        found[m.name.rstrip("/")] = (m.uid, m.gid, xattrs)
    return found


def test_a_build_steps_copied_up_owner_outside_the_map_keeps_its_image_id(
    hutch: Hutch, unmapped: str, tmp_path: Path
) -> None:
    """--userns-uid-map 0:1000:1000: inside the steps the image's 1000, 1500 and 2000
    are nobody; the directory, the appended file and the renamed one the step copied
    up reach the layer with the image's ids (fuse-overlayfs's copy-up keeps them; the
    copy marks them), what the step made is root's; no xattr of hutch's in the layer."""
    context = write_context(tmp_path / "ctx", {}, containerfile=f"FROM {unmapped}\n{STEPS}")
    results = {}
    for shift in SHIFTS:
        tag = f"built-{shift}"
        build(hutch, context, "--no-cache", "--userns-uid-map", "0:1000:1000", "-t", tag,
              env={"HUTCH_USERNS_SHIFT": shift})  # fmt: skip
        inside = hutch("run", "--rm", tag, "cat", "/seen").stdout
        after = hutch("run", "--rm", tag, *STAT, "/shared", "/shared/f", "/shared/moved",
                      "/shared/new", "/shared/keep.link", "/home/user").stdout  # fmt: skip
        results[shift] = (inside, after, _layers(hutch, tag, tmp_path))
    assert results["copy"] == results["fuse-overlayfs"]
    inside, after, layers = results["copy"]
    assert inside.splitlines() == [
        "65534:65534 /home/user",
        "65534:65534 /shared",
        "65534:65534 /shared/f",
        "65534:65534 /shared/moved",
        "0:0 /shared/new",
        "65534:65534 /shared",
        "65534:65534 /shared/f",
        "65534:65534 /shared/moved",
    ]
    assert after.splitlines() == [
        "1000:1001 /shared",
        "1500:1500 /shared/f",
        "2000:2000 /shared/moved",
        "0:0 /shared/new",
        "2000:2000 /shared/keep.link",
        "1000:1000 /home/user",
    ]
    assert layers["shared/moved"][:2] == (2000, 2000)
    assert not [name for name, (_, _, xattrs) in layers.items() if "hutch" in xattrs]
