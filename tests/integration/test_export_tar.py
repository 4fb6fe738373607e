"""``hutch export``: a container's whole file system as a tar."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

from harness import Hutch


def _binary(hutch: Hutch, *args: str, data: bytes | None = None) -> bytes:
    result = subprocess.run(
        [str(hutch.binary), *args],
        input=data,
        capture_output=True,
        env=hutch.env.environ(),
        timeout=60,
        stdin=None if data is not None else subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


def test_export_import_round_trip(hutch: Hutch, base_image: str) -> None:
    hutch("run", "--name", "c", base_image, "sh", "-c", "echo kept > /kept; rm /bin/true")
    tar_bytes = _binary(hutch, "export", "c")
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
        names = set(tar.getnames())
    assert "kept" in names and "bin/busybox" in names
    assert "bin/true" not in names
    _binary(hutch, "import", "-", "again", data=tar_bytes)
    assert hutch("run", "--rm", "again", "cat", "/kept").stdout == "kept\n"
    listing = "find / -xdev | sort"
    first = hutch("run", "--rm", "--name", "a", base_image, "sh", "-c", listing).stdout.split()
    second = hutch("run", "--rm", "again", "sh", "-c", listing).stdout.split()
    assert set(second) - set(first) == {"/kept"}
    assert set(first) - set(second) == {"/bin/true"}


def test_export_of_running_container_to_file(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    hutch("run", "-d", "--name", "c", base_image, "sleep", "300")
    out = tmp_path / "c.tar"
    hutch("container", "export", "-o", str(out), "c")
    with tarfile.open(out) as tar:
        names = tar.getnames()
    assert "etc/passwd" in names
    # Mounts of the running container (proc, sys, dev) are left out, their dirs kept.
    assert "proc" in names and not any(n.startswith("proc/") for n in names)
    hutch("rm", "-f", "-t", "0", "c")


def test_export_refuses_a_terminal(hutch: Hutch, base_image: str) -> None:
    hutch("create", "--name", "c", base_image, "true")
    command = " ".join([str(hutch.binary), "export", "c"])
    result = subprocess.run(
        ["script", "-qec", command, "/dev/null"],
        capture_output=True,
        env=hutch.env.environ(),
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 125
    assert b"terminal" in result.stdout
