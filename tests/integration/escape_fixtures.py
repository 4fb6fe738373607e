"""Fixtures of the escape suite: an image holding busybox plus a static helper.

The helper (escape_helper.c) makes the system calls busybox cannot
(keyctl, ptrace, mknod, the chroot dance, raw opens); it is compiled once
per session with ``gcc -static`` and installed setuid-root as
/usr/bin/esc, with a marker file /ESCAPE_MARKER to recognise the image's root.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

import pytest
from harness import Hutch

HELPER_SOURCE = Path(__file__).resolve().parent / "escape_helper.c"
# Test modules import the fixture functions (fixture_*) to use them by name.
MARKER = "ESCAPE_MARKER"
IMAGE = "escape"


@pytest.fixture(scope="session", name="escape_tar")
def fixture_escape_tar(rootfs_tar: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("escape")
    helper = work / "esc"
    subprocess.run(
        ["gcc", "-static", "-O2", "-o", str(helper), str(HELPER_SOURCE)],
        check=True,
        capture_output=True,
    )
    out = work / "escape.tar"
    with tarfile.open(rootfs_tar) as src, tarfile.open(out, "w") as dst:
        for member in src.getmembers():
            dst.addfile(member, src.extractfile(member) if member.isfile() else None)
        info = tarfile.TarInfo("usr/bin/esc")
        info.mode = 0o4755  # setuid root: the setuid test needs it; harmless for root
        info.uid = info.gid = 0
        data = helper.read_bytes()
        info.size = len(data)
        dst.addfile(info, io.BytesIO(data))
        marker = tarfile.TarInfo(MARKER)
        marker.size = 3
        dst.addfile(marker, io.BytesIO(b"in\n"))
    return out


@pytest.fixture(name="escape_image")
def fixture_escape_image(hutch: Hutch, escape_tar: Path) -> str:
    hutch("import", str(escape_tar), IMAGE)
    return IMAGE


def run(hutch: Hutch, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    """``hutch run --rm --network none ARGS`` (no network: these tests need none)."""
    return hutch("run", "--rm", "--network", "none", *args, check=check)
