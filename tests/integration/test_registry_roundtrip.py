"""Pull and push against a real registry on loopback (plain HTTP)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Hutch
from registry_helpers import (
    Registry,
    get_blob,
    get_manifest,
    put_blob,
    put_manifest,
    running_registry,
)

INSECURE = "--tls-verify=false"


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    with running_registry(tmp_path / "registry", "plain") as reg:
        yield reg


def inspect(hutch: Hutch, name: str) -> dict[str, object]:
    data = json.loads(hutch("image", "inspect", name).stdout)
    assert isinstance(data, list)
    return dict(data[0])


def test_push_rmi_pull_keeps_digest_and_config(
    hutch: Hutch, base_image: str, registry: Registry, tmp_path: Path
) -> None:
    ref = registry.ref("test/base:1")
    before = inspect(hutch, base_image)
    digestfile = tmp_path / "digest"
    hutch("push", INSECURE, "--digestfile", str(digestfile), base_image, ref)
    manifest = json.loads(get_manifest(registry, "test/base", "1"))
    assert manifest["config"]["digest"] == f"sha256:{before['Id']}"
    # with its layers sent as stored, the stored manifest goes byte for byte
    plain = tmp_path / "plain-digest"
    hutch("push", INSECURE, "--compression-format", "none", "--digestfile", str(plain),
          base_image, registry.ref("test/plain:1"))  # fmt: skip
    assert plain.read_text() == before["Digest"]
    hutch("rmi", base_image)
    assert hutch("images", "-q").stdout == ""
    pulled = hutch("pull", INSECURE, ref)
    assert pulled.stdout.strip() == before["Id"]
    assert "Copying blob" in pulled.stderr
    after = inspect(hutch, ref)
    assert after["Id"] == before["Id"]
    # the imported layer is plain: it went gzipped (as podman sends it), so the
    # manifest pulled is the one pushed, not the one stored before
    assert after["Digest"] == digestfile.read_text() != before["Digest"]
    assert after["RootFS"] == before["RootFS"]


def test_pull_then_run_gives_the_same_files(
    hutch: Hutch, base_image: str, registry: Registry
) -> None:
    ref = registry.ref("test/files:1")
    want = hutch("run", "--rm", base_image, "md5sum", "/bin/busybox").stdout
    hutch("push", INSECURE, base_image, ref)
    hutch("rmi", "-f", base_image)
    hutch("pull", "-q", INSECURE, ref)
    assert hutch("run", "--rm", ref, "md5sum", "/bin/busybox").stdout == want


def test_quiet_pull_prints_only_the_id(hutch: Hutch, base_image: str, registry: Registry) -> None:
    ref = registry.ref("q/base:1")
    hutch("push", "-q", INSECURE, base_image, ref)
    hutch("rmi", base_image)
    result = hutch("pull", "-q", INSECURE, ref)
    assert result.stderr == ""
    assert len(result.stdout.strip()) == 64


def test_second_pull_skips_existing_layers(
    hutch: Hutch, base_image: str, registry: Registry
) -> None:
    ref = registry.ref("skip/base:1")
    hutch("push", INSECURE, base_image, ref)
    again = hutch("pull", INSECURE, ref)
    assert "skipped: already exists" in again.stderr


def test_push_skips_blobs_the_registry_has(
    hutch: Hutch, base_image: str, registry: Registry
) -> None:
    hutch("push", INSECURE, base_image, registry.ref("a/one:1"))
    second = hutch("push", INSECURE, base_image, registry.ref("a/one:2"))
    assert "skipped: already exists" in second.stderr
    # Another repository of the same registry: mounted, not uploaded again.
    hutch("pull", "-q", INSECURE, registry.ref("a/one:1"))
    third = hutch("push", INSECURE, registry.ref("a/one:1"), registry.ref("b/two:1"))
    assert "mounted from a/one" in third.stderr


def _platform_variant(
    registry: Registry, source_repo: str, tag: str, arch: str, variant: str | None
) -> tuple[str, int]:
    """Re-push the image of source_repo:tag with another architecture; (digest, size)."""
    manifest = json.loads(get_manifest(registry, source_repo, tag))
    config = json.loads(get_blob(registry, source_repo, manifest["config"]["digest"]))
    config["architecture"] = arch
    config.pop("variant", None)
    if variant:
        config["variant"] = variant
    config["config"]["Labels"] = {"arch": arch}
    config_raw = json.dumps(config).encode()
    manifest["config"]["digest"] = put_blob(registry, "multi/app", config_raw)
    manifest["config"]["size"] = len(config_raw)
    for layer in manifest["layers"]:
        put_blob(registry, "multi/app", get_blob(registry, source_repo, layer["digest"]))
    raw = json.dumps(manifest).encode()
    digest = put_manifest(registry, "multi/app", f"{arch}", raw, manifest["mediaType"])
    return digest, len(raw)


def test_two_platform_index_pulls_the_asked_platform(
    hutch: Hutch, base_image: str, registry: Registry
) -> None:
    hutch("push", INSECURE, base_image, registry.ref("src/base:1"))
    amd, amd_size = _platform_variant(registry, "src/base", "1", "amd64", None)
    arm, arm_size = _platform_variant(registry, "src/base", "1", "arm64", "v8")
    media = "application/vnd.oci.image.manifest.v1+json"
    index = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [
            {"mediaType": media, "digest": amd, "size": amd_size,
             "platform": {"os": "linux", "architecture": "amd64"}},
            {"mediaType": media, "digest": arm, "size": arm_size,
             "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}},
        ],
    }  # fmt: skip
    put_manifest(
        registry,
        "multi/app",
        "latest",
        json.dumps(index).encode(),
        "application/vnd.oci.image.index.v1+json",
    )
    ref = registry.ref("multi/app:latest")
    hutch("pull", "-q", INSECURE, "--platform", "linux/arm64", ref)
    data = inspect(hutch, ref)
    assert data["Architecture"] == "arm64"
    assert data["Digest"] == arm
    hutch("pull", "-q", INSECURE, "--arch", "amd64", ref)
    data = inspect(hutch, ref)
    assert data["Architecture"] == "amd64"
    assert data["Digest"] == amd
    missing = hutch("pull", INSECURE, "--platform", "linux/s390x", ref, check=False)
    assert missing.returncode == 125
    assert "linux/s390x" in missing.stderr


def test_pull_by_digest(hutch: Hutch, base_image: str, registry: Registry, tmp_path: Path) -> None:
    ref = registry.ref("dig/base:1")
    digestfile = tmp_path / "digest"
    hutch("push", INSECURE, "--digestfile", str(digestfile), base_image, ref)
    digest = digestfile.read_text()  # the pushed manifest's (its layer gzipped)
    hutch("rmi", base_image)
    out = hutch("pull", "-q", INSECURE, f"{registry.host}/dig/base@{digest}")
    assert len(out.stdout.strip()) == 64


def test_run_pulls_a_missing_image_and_pull_policies(
    hutch: Hutch, base_image: str, registry: Registry
) -> None:
    ref = registry.ref("run/base:1")
    hutch("push", "-q", INSECURE, base_image, ref)
    hutch("rmi", base_image)
    never = hutch("run", "--rm", "--pull=never", ref, "true", check=False)
    assert never.returncode == 125
    # podman: run of an image that is not local pulls it (registries.conf marks it insecure).
    conf = hutch.env.config_home / "containers" / "registries.conf"
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text(f'[[registry]]\nlocation = "{registry.host}"\ninsecure = true\n')
    first = hutch("run", "--rm", ref, "echo", "pulled")
    assert first.stdout == "pulled\n"
    assert "Copying blob" in first.stderr
    again = hutch("run", "--rm", ref, "true")
    assert "Copying" not in again.stderr
    always = hutch("run", "--rm", "--pull=always", ref, "true")
    assert "Copying config" in always.stderr
    newer = hutch("run", "--rm", "--pull=newer", ref, "true")
    assert "Copying" not in newer.stderr
