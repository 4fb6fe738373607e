"""manifest create/add/annotate/inspect/remove/push/rm/exists: a list of two local
images pushed with its images to the loopback registry, an entry added from there
copied by push to another repository, and the copy pulled back by digest."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Hutch
from registry_helpers import Registry, get_manifest, running_registry

INSECURE = "--tls-verify=false"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    with running_registry(tmp_path / "registry", "plain") as reg:
        yield reg


def digest_of(registry: Registry) -> str:
    """The digest of the index at m/copy:2, as the registry computes it."""
    from hashlib import sha256

    return "sha256:" + sha256(get_manifest(registry, "m/copy", "2")).hexdigest()


def image_id(hutch: Hutch, name: str) -> str:
    return str(json.loads(hutch("image", "inspect", name).stdout)[0]["Id"])


def test_list_pushed_with_its_images_copied_and_pulled_back_by_digest(
    hutch: Hutch, base_image: str, rootfs_tar: Path, registry: Registry, tmp_path: Path
) -> None:
    hutch("import", "--message", "the second one", str(rootfs_tar), "second")
    first_id = image_id(hutch, base_image)
    list_id = hutch("manifest", "create", "mylist", base_image, "second").stdout.strip()
    assert len(list_id) == 64
    listed = hutch("images", "--format", "{{.Repository}} {{.ID}}").stdout.splitlines()
    assert f"localhost/mylist {list_id[:12]}" in listed
    entries = json.loads(hutch("manifest", "inspect", "mylist").stdout)["manifests"]
    assert [e["platform"]["architecture"] for e in entries] == ["amd64", "amd64"]
    second = entries[1]["digest"]
    out = hutch(
        "manifest", "annotate", "--arch", "arm64", "--variant", "v8",
        "--annotation", "org.example=two", "mylist", second,
    ).stdout  # fmt: skip
    assert out.strip() == list_id
    # the list stands for this host's entry where an image is wanted
    assert image_id(hutch, "mylist") == first_id

    digestfile = tmp_path / "digest"
    # layers as stored (the imported plain tars): each entry's own manifest goes,
    # byte for byte (the default gzips them: test_push_compression.py)
    pushed = hutch(
        "manifest", "push", INSECURE, "--all", "--digestfile", str(digestfile),
        "--compression-format", "none", "mylist", registry.ref("m/list:1"),
    )  # fmt: skip
    # podman's progress lines, on standard error; nothing on standard output
    assert pushed.stdout == ""
    lines = [line for line in pushed.stderr.splitlines() if not line.startswith("Copying blob")]
    assert lines[:4] == [
        "Getting image list signatures",
        "Copying 2 of 2 images in list",
        f"Copying image {entries[0]['digest']} (1/2)",
        "Getting image source signatures",
    ]
    assert lines[-2:] == ["Writing manifest list to image destination", "Storing list signatures"]
    doc = json.loads(get_manifest(registry, "m/list", "1"))
    assert doc == json.loads(get_manifest(registry, "m/list", digestfile.read_text()))
    assert doc["mediaType"] == OCI_INDEX
    assert [m["digest"] for m in doc["manifests"]] == [e["digest"] for e in entries]
    assert doc["manifests"][1]["platform"] == {
        "architecture": "arm64",
        "os": "linux",
        "variant": "v8",
    }
    assert doc["manifests"][1]["annotations"] == {"org.example": "two"}

    # an entry added from the registry (this host's entry of the pushed index) ...
    hutch("manifest", "create", "remote")
    hutch(
        "manifest", "add", INSECURE, "--os-version", "1.0", "remote",
        f"docker://{registry.ref('m/list:1')}",
    )  # fmt: skip
    rm = hutch("manifest", "rm", "mylist")
    assert rm.stdout == f"Untagged: localhost/mylist:latest\nDeleted: {list_id}\n"
    hutch("rmi", base_image, "second")
    # ... is copied from there by push --all (no local image has it now)
    hutch(
        "manifest", "push", "-q", INSECURE, "--rm", "remote", f"docker://{registry.ref('m/copy:2')}"
    )
    copied = json.loads(get_manifest(registry, "m/copy", "2"))["manifests"]
    assert [(e["digest"], e["platform"]["os.version"]) for e in copied] == [
        (doc["manifests"][0]["digest"], "1.0")
    ]
    assert hutch("manifest", "exists", "remote", check=False).returncode == 1  # --rm

    hutch("pull", "-q", INSECURE, f"{registry.ref('m/copy')}@{digest_of(registry)}")
    assert image_id(hutch, f"{registry.ref('m/copy')}@{copied[0]['digest']}") == first_id


def _layer_types(registry: Registry, repository: str, digest: str) -> list[str]:
    manifest = json.loads(get_manifest(registry, repository, digest))
    return [layer["mediaType"] for layer in manifest["layers"]]


def test_list_pushed_with_its_layers_recompressed(
    hutch: Hutch, base_image: str, registry: Registry
) -> None:
    # issue 15: manifest push --compression-format, --compression-level, --force-compression
    hutch("manifest", "create", "zlist", base_image)
    entry = json.loads(hutch("manifest", "inspect", "zlist").stdout)["manifests"][0]
    bad = hutch(
        "manifest", "push", INSECURE, "--compression-format", "lz4", "zlist",
        registry.ref("m/z:1"), check=False,
    )  # fmt: skip
    assert bad.returncode == 125
    assert "invalid --compression-format 'lz4': use gzip, zstd, zstd:chunked" in bad.stderr
    assert hutch("manifest", "exists", "zlist").returncode == 0  # nothing pushed, list kept

    hutch(
        "manifest", "push", "-q", INSECURE, "--compression-format", "zstd",
        "--compression-level", "5", "zlist", registry.ref("m/z:1"),
    )  # fmt: skip
    pushed = json.loads(get_manifest(registry, "m/z", "1"))["manifests"]
    assert len(pushed) == 1
    # the layers changed, so did the entry's manifest: the index names what was written
    assert pushed[0]["digest"] != entry["digest"]
    assert pushed[0]["platform"] == entry["platform"]
    zstd = "application/vnd.oci.image.layer.v1.tar+zstd"
    assert set(_layer_types(registry, "m/z", pushed[0]["digest"])) == {zstd}
    raw = get_manifest(registry, "m/z", pushed[0]["digest"])
    from hashlib import sha256

    assert "sha256:" + sha256(raw).hexdigest() == pushed[0]["digest"]
    assert len(raw) == pushed[0]["size"]
    # the same image (the uncompressed layers, hence the config and the id, are kept)
    got = hutch("pull", "-q", INSECURE, f"{registry.ref('m/z')}@{pushed[0]['digest']}")
    assert got.stdout.strip() == image_id(hutch, base_image)
    # known by both manifests now, as in podman (NAME@DIGEST of either finds it)
    by_digest = f"{registry.ref('m/z')}@{pushed[0]['digest']}"
    assert image_id(hutch, by_digest) == image_id(hutch, base_image)
    digests = json.loads(hutch("image", "inspect", base_image).stdout)[0]["RepoDigests"]
    assert any(d.endswith("@" + pushed[0]["digest"]) for d in digests), digests

    # an entry added from the registry (no local image has its manifest) is fetched
    # and recompressed as well
    hutch("manifest", "create", "back")
    hutch("manifest", "add", INSECURE, "back", f"docker://{registry.ref('m/z:1')}")
    hutch(
        "manifest", "push", "-q", INSECURE, "--compression-format", "gzip", "back",
        f"docker://{registry.ref('m/gz:1')}",
    )  # fmt: skip
    again = json.loads(get_manifest(registry, "m/gz", "1"))["manifests"]
    gzip_type = "application/vnd.oci.image.layer.v1.tar+gzip"
    assert set(_layer_types(registry, "m/gz", again[0]["digest"])) == {gzip_type}
    # --no-force-compression leaves layers compressed otherwise as they are
    hutch(
        "manifest", "push", "-q", INSECURE, "--compression-format", "gzip",
        "--no-force-compression", "back", f"docker://{registry.ref('m/kept:1')}",
    )  # fmt: skip
    kept = json.loads(get_manifest(registry, "m/kept", "1"))["manifests"]
    assert kept[0]["digest"] == pushed[0]["digest"]
    assert set(_layer_types(registry, "m/kept", kept[0]["digest"])) == {zstd}
