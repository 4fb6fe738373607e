"""Differential: ``push IMG oci:DIR[:REF]`` and ``oci-archive:PATH[:REF]`` through hutch
and Debian's podman 4.3.1: the layers compressed as podman compresses them (gzip by
default, zstd and zstd:chunked with --compression-format), and each tool pulls the
other's layout and runs a container from it (zstd layers included; issue 15)."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
GZIP = ("application/vnd.oci.image.layer.v1.tar+gzip", b"\x1f\x8b")
ZSTD = ("application/vnd.oci.image.layer.v1.tar+zstd", b"\x28\xb5")


@pytest.fixture(scope="module")
def go_tar(rootfs_tar: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rootfs tar ending as Go's archive/tar ends one: two zero blocks, no
    padding to a 10 KiB record. podman 4.3.1's zstd:chunked writer serializes the
    tar anew that way whatever the stored one had, so a layer imported from GNU
    tar's output decompresses to other bytes than its diff id (4.3.1 does not
    check; hutch does): the image pushed is imported from a tar of that shape."""
    with tarfile.open(rootfs_tar) as tar:
        tar.getmembers()
        end = tar.offset
    target = tmp_path_factory.mktemp("go-tar") / "rootfs.tar"
    target.write_bytes(rootfs_tar.read_bytes()[:end] + bytes(1024))
    return target


def _read(layout: Path, name: str) -> bytes:
    """A file of an OCI layout, a directory or a tar (oci-archive)."""
    if layout.is_dir():
        return (layout / name).read_bytes()
    with tarfile.open(layout) as tar:
        member = tar.extractfile(name)
        assert member is not None, name
        return member.read()


def layout_layers(layout: Path) -> tuple[dict[str, Any], list[tuple[str, bytes]]]:
    """The layout's (first) index entry, and its manifest's layers: (media type,
    the blob's first two bytes)."""
    entry = json.loads(_read(layout, "index.json"))["manifests"][0]
    manifest = json.loads(_read(layout, f"blobs/sha256/{entry['digest'].split(':')[1]}"))
    assert manifest.get("mediaType", OCI_MANIFEST) == OCI_MANIFEST
    layers = [
        (layer["mediaType"], _read(layout, f"blobs/sha256/{layer['digest'].split(':')[1]}")[:2])
        for layer in manifest["layers"]
    ]
    return entry, layers


@pytest.mark.parametrize("transport", ["oci", "oci-archive"])
@pytest.mark.parametrize(
    ("flags", "want"),
    [
        ((), GZIP),
        (("--compression-format", "gzip"), GZIP),
        (("--compression-format", "zstd"), ZSTD),
        (("--compression-format=zstd:chunked",), ZSTD),
    ],
    ids=["default", "gzip", "zstd", "zstd-chunked"],
)
def test_push_to_an_oci_layout_as_podman_and_each_runs_the_other(
    hutch: Hutch,
    podman: Run,
    go_tar: Path,
    tmp_path: Path,
    transport: str,
    flags: tuple[str, ...],
    want: tuple[str, bytes],
) -> None:
    """A freshly imported image (its layer stored plain in both) pushed to a layout:
    one layer of the same media type and compression in both, the reference (given
    after the path) as the entry's ref.name; each tool pulls the other's layout
    and runs a container from it."""
    out: dict[str, Path] = {}
    for name, tool in (("hutch", hutch), ("podman", podman)):
        assert tool("import", "-q", str(go_tar), "lbase").returncode == 0
        out[name] = tmp_path / (f"{name}.tar" if transport == "oci-archive" else name)
        pushed = tool("push", "-q", *flags, "lbase", f"{transport}:{out[name]}:v1")
        assert pushed.returncode == 0, (name, pushed)
        entry, layers = layout_layers(out[name])
        assert layers == [want], (name, layers)
        assert entry["annotations"]["org.opencontainers.image.ref.name"] == "v1", name
    for tool, other in ((hutch, "podman"), (podman, "hutch")):
        pulled = tool("pull", "-q", f"{transport}:{out[other]}:v1")
        assert pulled.returncode == 0, (other, pulled)
        image = pulled.stdout.strip()
        ran = tool("run", "--rm", "--network", "none", image, "echo", "ran")
        assert (ran.returncode, ran.stdout) == (0, "ran\n"), (other, ran)


def test_a_compressed_layer_stays_unless_a_format_is_given(
    hutch: Hutch, podman: Run, rootfs_tar: Path, tmp_path: Path
) -> None:
    """podman's rule for a layer stored compressed (pulled from podman's zstd
    layout here): pushed to a layout as it is, recompressed when
    --compression-format names another (--force-compression is true then), kept
    with --force-compression=false; --compression-level in podman-push(1)'s ranges
    (current podman's flags; 4.3.1 has neither)."""
    assert podman("import", "-q", str(rootfs_tar), "zbase").returncode == 0
    source = tmp_path / "podman-zstd"
    pushed = podman("push", "-q", "--compression-format", "zstd", "zbase", f"oci:{source}")
    assert pushed.returncode == 0, pushed
    assert layout_layers(source)[1] == [ZSTD]
    image = hutch("pull", "-q", f"oci:{source}").stdout.strip()
    cases = [
        ((), ZSTD),
        (("--compression-format", "gzip"), GZIP),
        (("--compression-format", "gzip", "--force-compression=false"), ZSTD),
        (("--compression-format", "gzip", "--compression-level", "1"), GZIP),
        (("--compression-format", "zstd", "--compression-level", "20"), ZSTD),  # --ultra
    ]
    for n, (flags, want) in enumerate(cases):
        target = tmp_path / f"again-{n}"
        hutch("push", "-q", *flags, image, f"oci:{target}")
        assert layout_layers(target)[1] == [want], flags
        pulled = podman("pull", "-q", f"oci:{target}")
        assert pulled.returncode == 0, (flags, pulled)


def test_zstd_layers_both_ways_through_a_registry_and_archives(
    hutch: Hutch, podman: Run, go_tar: Path, rootfs_tar: Path, tmp_path: Path
) -> None:
    """podman pushes zstd layers to a loopback registry and into an oci-archive:
    hutch pulls and loads them and runs a container from each; hutch pushes zstd
    to the registry and saves the pulled zstd image (the layer stays zstd):
    podman pulls and loads those and runs them. Last, a zstd image whose layer
    hutch had stored plain (another image's, by diff id: the pull fetches
    nothing) is saved and pushed from that stored layer."""
    from registry_helpers import get_manifest, running_registry

    insecure = "--tls-verify=false"
    assert podman("import", "-q", str(go_tar), "zsrc").returncode == 0
    assert podman("import", "-q", str(rootfs_tar), "zplain").returncode == 0
    hutch("import", "-q", str(rootfs_tar), "zsrc")  # not go_tar's layer: no sharing
    archive = tmp_path / "podman-zstd.tar"
    pushed = podman("push", "-q", "--compression-format", "zstd", "zsrc", f"oci-archive:{archive}")
    assert pushed.returncode == 0, pushed
    with running_registry(tmp_path / "registry", "plain") as registry:
        for tool, image, repo in (
            (podman, "zsrc", "from-podman"),
            (hutch, "zsrc", "from-hutch"),
            (podman, "zplain", "shared"),
        ):
            done = tool("push", "-q", insecure, "--compression-format", "zstd", image,
                        registry.ref(f"{repo}:1"))  # fmt: skip
            assert done.returncode == 0, done
            layers = json.loads(get_manifest(registry, repo, "1"))["layers"]
            assert [layer["mediaType"] for layer in layers] == [ZSTD[0]], repo
        for tool, repo in ((hutch, "from-podman"), (podman, "from-hutch")):
            ref = registry.ref(f"{repo}:1")
            pulled = tool("pull", "-q", insecure, ref)
            assert pulled.returncode == 0, pulled
            ran = tool("run", "--rm", "--network", "none", ref, "echo", "zstd")
            assert (ran.returncode, ran.stdout) == (0, "zstd\n"), (repo, ran)
        saved = tmp_path / "hutch-zstd.tar"
        hutch("save", "-q", "--format", "oci-archive", "-o", str(saved), "from-podman:1")
        assert layout_layers(saved)[1] == [ZSTD]

        shared, again = registry.ref("shared:1"), registry.ref("again:1")
        pulled = hutch("pull", insecure, shared)
        assert "skipped: already exists" in pulled.stderr  # zsrc's layer
        reused = tmp_path / "hutch-shared.tar"
        hutch("save", "-q", "--format", "oci-archive", "-o", str(reused), shared)
        assert layout_layers(reused)[1] == [GZIP]  # the stored plain layer, gzipped
        hutch("push", "-q", insecure, shared, again)
        layers = json.loads(get_manifest(registry, "again", "1"))["layers"]
        assert [layer["mediaType"] for layer in layers] == [GZIP[0]]
        assert podman("pull", "-q", insecure, again).returncode == 0
    for tool, source in ((hutch, archive), (podman, saved), (podman, reused)):
        loaded = tool("load", "-q", "-i", str(source))
        assert loaded.returncode == 0, loaded
        image = loaded.stdout.strip().removeprefix("Loaded image: ")
        ran = tool("run", "--rm", "--network", "none", image, "echo", "loaded")
        assert (ran.returncode, ran.stdout) == (0, "loaded\n"), (source, ran)
