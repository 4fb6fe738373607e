"""Differential: load's lines, stream by stream, through hutch and Debian's podman
4.3.1: per blob on stderr (Getting image source signatures, Copying blob, Copying
config, Writing manifest to image destination, Storing signatures) for each image,
then one ``Loaded image:`` line per image on stdout. Both load the same archives
(podman's), so the digests are the same."""

from __future__ import annotations

from pathlib import Path

from harness import Hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture


def test_load_prints_podmans_lines_per_blob(
    hutch: Hutch, base_image: str, podman: Run, rootfs_tar: Path, tmp_path: Path
) -> None:
    """A docker-archive of two images (save -m; the second with a config of its own)
    and an oci-archive of one."""
    assert podman("tag", "base", "lines1:v1").returncode == 0
    assert podman("import", "-q", "-c", "CMD=/bin/sh", str(rootfs_tar), "lines2:v2").returncode == 0
    two, oci = tmp_path / "two.tar", tmp_path / "oci.tar"
    assert podman("save", "-q", "-m", "-o", str(two), "lines1:v1", "lines2:v2").returncode == 0
    assert (
        podman("save", "-q", "--format", "oci-archive", "-o", str(oci), "lines1:v1").returncode == 0
    )
    podman("rmi", "lines1:v1", "lines2:v2")
    code, out, err = both(hutch, podman, "load", "-i", str(two))
    assert (code, out) == (
        0,
        "Loaded image: localhost/lines1:v1\nLoaded image: localhost/lines2:v2\n",
    )
    assert err.count("Getting image source signatures\n") == 2
    assert err.count("Copying blob sha256:") == 2 and err.count("Copying config sha256:") == 2
    assert err.endswith("Writing manifest to image destination\nStoring signatures\n")
    for tool in (hutch, podman):
        tool("rmi", "lines1:v1", "lines2:v2")
    code, out, err = both(hutch, podman, "load", "-i", str(oci))
    assert (code, out) == (0, "Loaded image: localhost/lines1:v1\n")
    assert err.startswith("Getting image source signatures\nCopying blob sha256:")
