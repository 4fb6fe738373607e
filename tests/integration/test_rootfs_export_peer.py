"""Differential: ``export`` and ``diff`` of a container run with ``--rootfs DIR[:O]``,
through hutch and Debian's podman 4.3.1, each on its own copy of the busybox rootfs
(issue 15).

What podman 4.3.1 does here, and hutch with it: a running container's export is
the directory's tree (through the :O overlay, its writes included); diff of a
plain --rootfs container lists nothing (no image layer to compare with), as
text or ``{}``. Where hutch gives more: a stopped container's export is its
tree too (podman 4.3.1 writes an empty archive, 1024 zero bytes), and diff of a
``:O`` container lists the changes in its overlay's upper dir (podman lists none).
"""

from __future__ import annotations

import subprocess
import tarfile
from pathlib import Path

from harness import Hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture

WRITE = "echo new > /new; rm /bin/cat; sleep 300"
# both leave in the directory itself what they make for the container: the mount point
# of /run/.containerenv (and /run) and the /etc/mtab link
PODMAN_MADE: set[str] = set()


def rootfs(rootfs_tar: Path, directory: Path) -> Path:
    directory.mkdir()
    subprocess.run(["tar", "-xf", str(rootfs_tar), "-C", str(directory)], check=True)
    return directory


def names(archive: Path) -> set[str]:
    with tarfile.open(archive) as tar:
        return {m.name.removeprefix("./").rstrip("/") for m in tar.getmembers()} - {"", "."}


def tools(hutch: Hutch, podman: Run) -> tuple[tuple[str, Run], ...]:
    """Both, called alike: a failing command is returned, not raised."""
    return (("hutch", lambda *args: hutch(*args, check=False)), ("podman", podman))


def wait_for(tool: Run, name: str, path: str) -> None:
    for _ in range(100):
        if tool("exec", name, "test", "-e", path).returncode == 0:
            return
        subprocess.run(["sleep", "0.1"], check=True)
    raise AssertionError(f"{path} never appeared in {name}")


def test_export_and_diff_of_a_rootfs_container_as_podman(
    hutch: Hutch, podman: Run, rootfs_tar: Path, tmp_path: Path
) -> None:
    exported: dict[str, set[str]] = {}
    for label, tool in tools(hutch, podman):
        root = rootfs(rootfs_tar, tmp_path / f"root-{label}")
        run = tool("run", "-d", "--name", "onrootfs", "--rootfs", str(root), "sh", "-c", WRITE)
        assert run.returncode == 0, run.stderr
        wait_for(tool, "onrootfs", "/new")
        out = tmp_path / f"{label}.tar"
        assert tool("export", "-o", str(out), "onrootfs").returncode == 0
        exported[label] = names(out)
    assert "new" in exported["hutch"] and "bin/cat" not in exported["hutch"]
    assert exported["hutch"] == exported["podman"] - PODMAN_MADE
    assert both(hutch, podman, "diff", "onrootfs")[1] == ""
    assert both(hutch, podman, "diff", "--format", "json", "onrootfs")[1].strip() == "{}"
    for _, tool in tools(hutch, podman):
        tool("stop", "-t", "0", "onrootfs")
    assert both(hutch, podman, "diff", "onrootfs")[1] == ""
    # stopped: still the directory's tree (podman 4.3.1: an empty archive)
    hutch("export", "-o", str(tmp_path / "stopped.tar"), "onrootfs")
    assert names(tmp_path / "stopped.tar") == exported["hutch"]
    for _, tool in tools(hutch, podman):
        tool("rm", "onrootfs")


def test_export_and_diff_of_an_overlay_rootfs_container(
    hutch: Hutch, podman: Run, rootfs_tar: Path, tmp_path: Path
) -> None:
    """DIR:O: the export shows the overlay's writes, DIR stays as it was; hutch's diff
    lists them (podman 4.3.1's lists nothing)."""
    exported: dict[str, set[str]] = {}
    for label, tool in tools(hutch, podman):
        root = rootfs(rootfs_tar, tmp_path / f"root-{label}")
        run = tool("run", "-d", "--name", "onoverlay", "--rootfs", f"{root}:O", "sh", "-c", WRITE)
        assert run.returncode == 0, run.stderr
        wait_for(tool, "onoverlay", "/new")
        out = tmp_path / f"{label}.tar"
        assert tool("export", "-o", str(out), "onoverlay").returncode == 0
        exported[label] = names(out)
        assert not (root / "new").exists() and (root / "bin" / "cat").exists()
    assert "new" in exported["hutch"] and "bin/cat" not in exported["hutch"]
    assert exported["hutch"] == exported["podman"] - PODMAN_MADE
    assert podman("diff", "onoverlay").stdout == ""
    changes = hutch("diff", "onoverlay").stdout.splitlines()
    assert "A /new" in changes and "D /bin/cat" in changes
    for _, tool in tools(hutch, podman):
        tool("rm", "-f", "-t", "0", "onoverlay")
