"""Differential: ``export``'s tar headers through hutch (to a pipe) and Debian's podman
4.3.1: the same entries in the same order (no root entry), each with the mode's
file type bits (containers/storage's writer: ``0040755`` for a directory) and the
owner's names from the container's own /etc/passwd and /etc/group."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture

# files podman's runtime makes as mount points (0755, hutch's 0644): not the writer's
MOUNT_POINTS = {"etc/hostname", "etc/hosts", "etc/resolv.conf", "run/.containerenv"}
SETUP = "touch /u1000 /u100 && chown 1000:1000 /u1000 && chown 100:100 /u100 && mkfifo /ff"


def _headers(data: bytes) -> list[tuple[object, ...]]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r|") as tar:
        return [
            (m.name, m.mode, m.uid, m.gid, m.uname, m.gname, m.type, m.linkname)
            for m in tar
            if m.name not in MOUNT_POINTS
        ]


def test_export_headers_as_podman_writes_them(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    hutch("run", "--name", "exh", base_image, "sh", "-c", SETUP)
    assert podman("run", "--name", "exh", "base", "sh", "-c", SETUP).returncode == 0
    try:
        piped = subprocess.run(
            [str(hutch.binary), "export", "exh"],
            capture_output=True,
            env=hutch.env.environ(),
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        assert piped.returncode == 0, piped.stderr.decode()
        target = tmp_path / "podman.tar"
        assert podman("export", "-o", str(target), "exh").returncode == 0
        ours, theirs = _headers(piped.stdout), _headers(target.read_bytes())
    finally:
        podman("rm", "-f", "exh")
    # the image's own owners may differ (the fixtures' imports: home/user), not
    # the writer: the entries and their modes all agree, the owners where set here
    assert [h[:2] + h[6:] for h in ours] == [h[:2] + h[6:] for h in theirs]
    mine, peer = {h[0]: h for h in ours}, {h[0]: h for h in theirs}
    for name in ("bin", "bin/busybox", "bin/arch", "u1000", "u100", "ff"):
        assert mine[name] == peer[name], name
    assert mine["bin"][1] == 0o40755 and mine["bin/busybox"][1] == 0o100755
    assert mine["bin/arch"][1] == 0o120777 and mine["ff"][1] == 0o10644
    assert mine["u1000"][4:6] == ("user", "user") and mine["u100"][4:6] == ("", "")
    assert mine["bin"][4:6] == ("root", "root") and ours[0][0] == "bin"
    # every owner named as the container's files name it
    names = {0: "root", 1000: "user"}
    assert all(h[4] == names.get(int(str(h[2])), "") for h in ours)
