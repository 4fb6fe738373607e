"""Differential: an image copied in from a transport that gives it no name (``dir:``,
an ``oci-archive:`` or ``oci:`` layout without a ref.name) stays nameless, as podman
stores it (by id), through hutch and Debian's podman 4.3.1; it is still used by id."""

from __future__ import annotations

from pathlib import Path

from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture


def _nameless_image(podman: Run, rootfs_tar: Path, cmd: str) -> str:
    """A nameless image of podman's own (an import with a CMD of its own, so that no
    other test's image has its id), to be written out by id and then removed."""
    made = podman("import", "-q", "-c", f"CMD={cmd}", str(rootfs_tar))
    assert made.returncode == 0, made
    return made.stdout.strip().removeprefix("sha256:")


def _nameless_sources(podman: Run, rootfs_tar: Path, tmp_path: Path) -> tuple[str, list[str]]:
    """A nameless image as a dir: directory and an oci-archive (neither names it),
    no longer in podman's store: its id and the two references."""
    image = _nameless_image(podman, rootfs_tar, "/bin/nameless")
    directory, archive = tmp_path / "dir", tmp_path / "oci.tar"
    assert podman("push", "-q", image, f"dir:{directory}").returncode == 0
    saved = podman("save", "-q", "--format", "oci-archive", "-o", str(archive), image)
    assert saved.returncode == 0, saved
    assert podman("rmi", image).returncode == 0
    return image, [f"dir:{directory}", f"oci-archive:{archive}"]


def test_a_nameless_copy_stays_nameless_as_podman(
    hutch: Hutch, base_image: str, podman: Run, rootfs_tar: Path, tmp_path: Path
) -> None:
    """images shows <none>, .RepoTags is empty, the pull prints the id; a container
    created from the transport records the image's full id as its image name, and
    the image runs by id."""
    image, sources = _nameless_sources(podman, rootfs_tar, tmp_path)
    for source in sources:
        seen = {}
        for name, tool in (("hutch", hutch), ("podman", podman)):
            pulled = tool("pull", "-q", source)
            assert (pulled.returncode, pulled.stdout) == (0, image + "\n"), (name, pulled)
            listed = tool("images", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}")
            tags = tool("image", "inspect", "--format", "{{.RepoTags}}", image)
            made = tool("create", "--name", f"nameless-{name}", source, "true")
            assert made.returncode == 0, (name, made)
            recorded = tool("inspect", "--format", "{{.ImageName}}", f"nameless-{name}")
            ran = tool("run", "--rm", image[:12], "echo", "by-id")
            seen[name] = (
                [line for line in listed.stdout.splitlines() if line.startswith(image[:12])],
                tags.stdout,
                recorded.stdout,
                ran.stdout,
            )
            tool("rm", "-f", f"nameless-{name}")
            tool("rmi", image)
        assert seen["hutch"] == seen["podman"], (source, seen)
        assert seen["hutch"] == (
            [f"{image[:12]} <none>:<none>"],
            "[]\n",
            image + "\n",
            "by-id\n",
        ), source


def test_an_oci_layout_without_a_ref_name_stays_nameless(
    hutch: Hutch, base_image: str, podman: Run, rootfs_tar: Path, tmp_path: Path
) -> None:
    """oci:DIR without a ref: current podman stores it by id (libimage: a directory's
    path is not an image name), by pull and by load -i DIR alike; 4.3.1 still named
    it localhost/DIR:latest, so this one is hutch's alone."""
    image = _nameless_image(podman, rootfs_tar, "/bin/layout")
    layout = tmp_path / "layout"
    assert podman("push", "-q", image, f"oci:{layout}").returncode == 0
    assert podman("rmi", image).returncode == 0
    assert hutch("pull", "-q", f"oci:{layout}").stdout == image + "\n"
    assert hutch("image", "inspect", "--format", "{{.RepoTags}}", image).stdout == "[]\n"
    hutch("rmi", image)
    loaded = hutch("load", "-i", str(layout))
    assert loaded.stdout == f"Loaded image: sha256:{image}\n", loaded
    assert hutch("image", "inspect", "--format", "{{.RepoTags}}", image).stdout == "[]\n"
    hutch("rmi", image)
