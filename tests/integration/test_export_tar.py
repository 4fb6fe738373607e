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


def test_a_reader_that_stops_early_ends_export_quietly(hutch: Hutch, base_image: str) -> None:
    # ``hutch export C | head``: hutch stops as a program killed by SIGPIPE
    # would (status 141, nothing on stderr); it said "Error: Broken pipe" (125).
    hutch("create", "--name", "early", base_image, "true")
    reader = subprocess.Popen(["head", "-c", "512"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert reader.stdin is not None
    done = subprocess.run(
        [str(hutch.binary), "export", "early"],
        stdout=reader.stdin,
        stderr=subprocess.PIPE,
        env=hutch.env.environ(),
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    reader.stdin.close()
    assert reader.stdout is not None
    out = reader.stdout.read()
    reader.wait(timeout=30)
    assert len(out) == 512
    assert (done.returncode, done.stderr.decode()) == (141, "")
