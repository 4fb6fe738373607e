"""Differential, through hutch and Debian's podman 4.3.1 (issue 15): the mode of a
container's ``/``. overlayfs shows the root with the upper dir's mode, which hutch
made 0755; containers/storage gives a base layer's root 0555 and each layer its
parent's, a ``./`` entry setting it. podman 4.3.1's rootless import kept a ``./``
entry's 0711 in one store here and left it out (0555) in the peer's --root store, so
that case is checked on hutch alone: hutch keeps the entry's mode, as containers/storage
does since (docs/architecture.md, "The root directory's mode")."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import pytest
from build_helpers import write_context
from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture

SHOW = ("stat", "-c", "%a", "/")
FLAGS = pytest.mark.parametrize("flags", [(), ("--read-only",)], ids=["plain", "read-only"])


def with_root_entry(rootfs_tar: Path, out: Path, mode: int) -> Path:
    """The busybox rootfs with a ``./`` entry of ``mode`` first."""
    with tarfile.open(rootfs_tar) as src, tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tar:
        root = tarfile.TarInfo("./")
        root.type, root.mode, root.mtime = tarfile.DIRTYPE, mode, 1_700_000_000
        tar.addfile(root)
        for member in src.getmembers():
            tar.addfile(member, src.extractfile(member) if member.isreg() else None)
    return out


@FLAGS
def test_an_image_without_a_root_entry_has_0555(
    hutch: Hutch, base_image: str, podman: Run, flags: tuple[str, ...]
) -> None:
    mine = hutch("run", "--rm", *flags, base_image, *SHOW)
    theirs = podman("run", "--rm", *flags, "base", *SHOW)
    assert mine.stdout == theirs.stdout == "555\n", (mine.stderr, theirs.stderr)


def test_a_user_other_than_root_cannot_write_to_it(
    hutch: Hutch, base_image: str, podman: Run
) -> None:
    touch = ("--user", "1000", "base", "touch", "/new")
    mine = hutch("run", "--rm", *touch[:2], base_image, *touch[3:], check=False)
    theirs = podman("run", "--rm", *touch)
    assert (mine.returncode, theirs.returncode) == (1, 1)
    assert "Permission denied" in mine.stderr and "Permission denied" in theirs.stderr


@FLAGS
def test_a_root_entry_s_mode_is_kept(
    hutch: Hutch, rootfs_tar: Path, tmp_path: Path, flags: tuple[str, ...]
) -> None:
    tar = with_root_entry(rootfs_tar, tmp_path / "root711.tar", 0o711)
    hutch("import", str(tar), "r711")
    assert hutch("run", "--rm", *flags, "r711", *SHOW).stdout == "711\n"


@pytest.mark.parametrize("base", ["base", "r711"])
def test_a_built_image_keeps_its_base_s_root_mode(
    hutch: Hutch, base_image: str, podman: Run, rootfs_tar: Path, tmp_path: Path, base: str
) -> None:
    hutch("import", str(with_root_entry(rootfs_tar, tmp_path / "r711.tar", 0o711)), "r711")
    script = f"FROM {base}\nRUN stat -c %a / > /seen && echo x > /new\n"
    context = write_context(tmp_path / "ctx", {}, containerfile=script)
    hutch("build", "-q", "-t", "derived", str(context), timeout=120)
    expected = "711\n" if base == "r711" else "555\n"
    seen = hutch("run", "--rm", "derived", "sh", "-c", "cat /seen; stat -c %a /").stdout
    assert seen == expected * 2  # the RUN step's root, then the derived image's
    if base == "base":
        assert podman("build", "-q", "-t", "derived", str(context)).returncode == 0
        try:
            theirs = podman("run", "--rm", "derived", "sh", "-c", "cat /seen; stat -c %a /")
            assert theirs.stdout == seen
        finally:
            podman("rmi", "derived")


def test_diff_cp_and_commit_leave_the_root_as_it_is(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    hutch("run", "--name", "changed", base_image, "sh", "-c", "echo x > /new")
    podman("run", "--name", "changed", "base", "sh", "-c", "echo x > /new")
    try:
        source = tmp_path / "copied"
        source.write_text("y\n")
        hutch("cp", str(source), "changed:/copied")  # into the stopped container's 0555 root
        assert podman("cp", str(source), "changed:/copied").returncode == 0
        mine, theirs = hutch("diff", "changed").stdout, podman("diff", "changed").stdout
        assert mine == theirs and "A /copied\n" in mine and "C /\n" not in mine
        hutch("commit", "-q", "changed", "committed")
        assert hutch(
            "run", "--rm", "committed", "sh", "-c", "cat /copied; stat -c %a /"
        ).stdout == ("y\n555\n")
    finally:
        hutch("rm", "changed", check=False)
        hutch("rmi", "committed", check=False)
        podman("rm", "changed")


@pytest.mark.parametrize("driver", ["vfs", "fuse-overlayfs"])
def test_every_storage_driver_shows_the_image_s_mode(
    hutch: Hutch, rootfs_tar: Path, tmp_path: Path, driver: str
) -> None:
    if driver == "fuse-overlayfs" and shutil.which("fuse-overlayfs") is None:
        pytest.skip("fuse-overlayfs is not installed")
    env = {"HUTCH_STORAGE_DRIVER": driver}
    hutch("import", str(rootfs_tar), "base", env=env)
    hutch("import", str(with_root_entry(rootfs_tar, tmp_path / "r.tar", 0o711)), "r711", env=env)
    assert hutch("info", "--format", "{{.Store.GraphDriverName}}", env=env).stdout == driver + "\n"
    for image, expected in (("base", "555\n"), ("r711", "711\n")):
        assert hutch("run", "--rm", image, *SHOW, env=env).stdout == expected, (driver, image)


def test_an_image_mount_shows_the_image_s_mode(hutch: Hutch, base_image: str, podman: Run) -> None:
    hutch("volume", "create", "--driver", "image", "--opt", "image=base", "iv")
    assert (
        podman("volume", "create", "--driver", "image", "--opt", "image=base", "iv").returncode == 0
    )
    try:
        show = "stat -c %a /img /rw /iv"
        mounts = ("--mount", "type=image,src=base,dst=/img", "--mount",
                  "type=image,src=base,dst=/rw,rw=true", "-v", "iv:/iv")  # fmt: skip
        mine = hutch("run", "--rm", *mounts, base_image, "sh", "-c", show)
        theirs = podman("run", "--rm", *mounts, "base", "sh", "-c", show)
        assert mine.stdout == theirs.stdout == "555\n555\n555\n", (mine.stderr, theirs.stderr)
    finally:
        hutch("volume", "rm", "iv")
        podman("volume", "rm", "iv")
