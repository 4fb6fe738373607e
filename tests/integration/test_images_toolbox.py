"""tag, untag, history, save/load, prune, exists, manifest inspect; skopeo interop."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Hutch
from registry_helpers import Registry, get_manifest, running_registry

INSECURE = "--tls-verify=false"


def inspect(hutch: Hutch, name: str) -> dict[str, object]:
    return dict(json.loads(hutch("image", "inspect", name).stdout)[0])


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    with running_registry(tmp_path / "registry", "plain") as reg:
        yield reg


def test_tag_untag_exists(hutch: Hutch, base_image: str) -> None:
    hutch("tag", base_image, "other:2", "quay.io/team/app")
    names = inspect(hutch, base_image)["RepoTags"]
    assert names == ["localhost/base:latest", "localhost/other:2", "quay.io/team/app:latest"]
    assert hutch("image", "exists", "other:2").returncode == 0
    assert hutch("image", "exists", "nope", check=False).returncode == 1
    hutch("untag", base_image, "other:2")
    assert hutch("image", "exists", "other:2", check=False).returncode == 1
    image_id = str(inspect(hutch, base_image)["Id"])
    # containers/storage's rule, as podman 4.3.1 shows it: the names first, then the rest
    history = ["quay.io/team/app:latest", "localhost/base:latest", "localhost/other:2"]
    assert inspect(hutch, base_image)["NamesHistory"] == history
    hutch("untag", image_id)
    listed = hutch("images", "--history", "--format", "table {{.ID}} {{.History}}").stdout
    assert listed.splitlines()[1] == f"{image_id[:12]}  {', '.join(history)}"  # aligned
    assert hutch("images", "--format", "{{.Repository}}:{{.Tag}}").stdout == "<none>:<none>\n"
    bad = hutch("tag", image_id, "UPPER", check=False)
    assert bad.returncode == 125


def test_history(hutch: Hutch, base_image: str) -> None:
    out = hutch("history", base_image).stdout.splitlines()
    assert out[0].split()[:2] == ["ID", "CREATED"]
    assert "/bin/sh -c #(nop) ADD file:" in out[1] and "imported from tarball" in out[1]
    image_id = str(inspect(hutch, base_image)["Id"])
    assert hutch("history", "-q", "--no-trunc", base_image).stdout == image_id + "\n"
    data = json.loads(hutch("history", "--format", "json", base_image).stdout)
    assert data[0]["CreatedBy"].startswith("/bin/sh -c #(nop) ADD file:")
    assert data[0]["comment"] == "imported from tarball" and data[0]["size"] > 0


@pytest.mark.parametrize("fmt", ["docker-archive", "oci-archive", "oci-dir"])
def test_save_load_keeps_digest_and_config(
    hutch: Hutch, base_image: str, tmp_path: Path, fmt: str
) -> None:
    hutch("tag", base_image, "second:1")
    before = inspect(hutch, base_image)
    out = tmp_path / f"saved-{fmt}"
    hutch("save", "--format", fmt, "-o", str(out), base_image, "second:1")
    hutch("rmi", "-f", str(before["Id"]))
    assert hutch("images", "-q").stdout == ""
    loaded = hutch("load", "-i", str(out)).stdout
    assert "Loaded image: localhost/base:latest" in loaded
    after = inspect(hutch, base_image)
    assert after["Id"] == before["Id"]
    if fmt == "docker-archive":
        assert after["Digest"] == before["Digest"]
    else:
        # an OCI layout's plain layers are saved gzipped, as podman 4.3.1 saves them: the
        # loaded manifest is another one (podman's digest changes alike), its image the same
        assert after["Digest"] != before["Digest"]
    assert after["Config"] == before["Config"]
    assert hutch("run", "--rm", base_image, "echo", "ok").stdout == "ok\n"


def test_load_refuses_a_tampered_layer(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    archive = tmp_path / "img.tar"
    hutch("save", "-o", str(archive), base_image)
    hutch("rmi", base_image)
    unpacked = tmp_path / "x"
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked)  # our own archive; 3.11.2 has no filter=
    manifest = json.loads((unpacked / "manifest.json").read_text())
    layer = unpacked / manifest[0]["Layers"][0]
    with tarfile.open(tmp_path / "evil.tar", "w") as evil:
        src = tmp_path / "evil.txt"
        src.write_text("not the layer\n")
        evil.add(src, "etc/evil.txt")
    shutil.copy(tmp_path / "evil.tar", layer)
    bad = hutch("load", "-i", str(unpacked), check=False)
    assert bad.returncode == 125 and "mismatch" in bad.stderr
    assert hutch("images", "-q").stdout == ""


def test_image_prune(hutch: Hutch, base_image: str) -> None:
    image_id = str(inspect(hutch, base_image)["Id"])
    hutch("untag", base_image)
    declined = hutch("image", "prune", input="n\n")
    assert declined.stdout.startswith("WARNING! This command removes all dangling images.")
    assert hutch("images", "-q").stdout.strip() == image_id[:12]
    assert hutch("image", "prune", "-f").stdout.strip() == image_id
    assert hutch("images", "-q").stdout == ""


def test_image_prune_all_keeps_images_in_use(
    hutch: Hutch, base_image: str, rootfs_tar: Path
) -> None:
    hutch("create", "--name", "keeper", base_image, "true")
    hutch("import", str(rootfs_tar), "unused")
    hutch("image", "prune", "-a", "-f")
    assert hutch("image", "exists", base_image).returncode == 0
    assert hutch("image", "exists", "unused", check=False).returncode == 1


def test_manifest_inspect(hutch: Hutch, base_image: str, registry: Registry) -> None:
    local = json.loads(hutch("manifest", "inspect", base_image).stdout)
    assert local["config"]["digest"] == "sha256:" + str(inspect(hutch, base_image)["Id"])
    hutch("push", "-q", INSECURE, base_image, registry.ref("m/base:1"))
    remote = json.loads(hutch("manifest", "inspect", INSECURE, registry.ref("m/base:1")).stdout)
    assert remote == json.loads(get_manifest(registry, "m/base", "1"))


def test_push_to_archive_transports(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    hutch("push", base_image, f"oci:{tmp_path / 'layout'}")
    assert json.loads((tmp_path / "layout" / "index.json").read_text())["manifests"]
    hutch("push", base_image, f"docker-archive:{tmp_path / 'img.tar'}")
    with tarfile.open(tmp_path / "img.tar") as tar:
        assert "manifest.json" in tar.getnames()
    hutch("push", base_image, f"dir:{tmp_path / 'dir'}")
    assert (tmp_path / "dir" / "version").read_text().startswith("Directory Transport")
    # and back, as podman pulls, runs and creates from them (issue 15)
    image_id = inspect(hutch, base_image)["Id"]
    hutch("rmi", "-f", base_image)
    assert hutch("pull", "-q", f"docker-archive:{tmp_path / 'img.tar'}").stdout == f"{image_id}\n"
    hutch("rmi", "-f", base_image)
    assert hutch("run", "--rm", f"oci:{tmp_path / 'layout'}", "echo", "ok").stdout == "ok\n"
    assert hutch("pull", "-q", f"dir:{tmp_path / 'dir'}").stdout == f"{image_id}\n"
    assert hutch("pull", "-q", "containers-storage:base").stdout == f"{image_id}\n"


def skopeo(*args: str) -> subprocess.CompletedProcess[str]:
    # An auth file of its own: skopeo's default without XDG_RUNTIME_DIR,
    # /run/containers/UID/auth.json, may sit in a directory a root podman made 0700.
    with tempfile.TemporaryDirectory(prefix="hutch-it-skopeo-") as tmp:
        auth = Path(tmp) / "auth.json"
        auth.write_text('{"auths": {}}')
        env = {**os.environ, "REGISTRY_AUTH_FILE": str(auth)}
        done = subprocess.run(
            ["skopeo", "--insecure-policy", *args], capture_output=True, text=True, env=env
        )
    if done.returncode:
        raise AssertionError(f"skopeo {' '.join(args)}: exit {done.returncode}\n{done.stderr}")
    return done


def test_skopeo_copies_what_hutch_pushed_and_back(
    hutch: Hutch, base_image: str, registry: Registry, tmp_path: Path
) -> None:
    before = inspect(hutch, base_image)
    hutch("push", "-q", INSECURE, base_image, registry.ref("hutch/base:1"))
    skopeo("copy", "--src-tls-verify=false", "--dest-tls-verify=false",
           f"docker://{registry.ref('hutch/base:1')}",
           f"docker://{registry.ref('skopeo/base:1')}")  # fmt: skip
    skopeo("copy", "--src-tls-verify=false", f"docker://{registry.ref('hutch/base:1')}",
           f"oci:{tmp_path / 'sk'}:x")  # fmt: skip
    hutch("rmi", base_image)
    hutch("pull", "-q", INSECURE, registry.ref("skopeo/base:1"))
    after = inspect(hutch, registry.ref("skopeo/base:1"))
    # skopeo compresses the uncompressed layer (new manifest); the config is the same.
    assert after["Id"] == before["Id"]
    assert after["RootFS"] == before["RootFS"]
    # A layout written by skopeo loads too.
    hutch("rmi", "-a", "-f")
    hutch("load", "-i", str(tmp_path / "sk"))
    assert hutch("images", "-q").stdout.strip() == str(before["Id"])[:12]


def test_push_compression_format_and_skopeo_reads_it(
    hutch: Hutch, base_image: str, registry: Registry, tmp_path: Path
) -> None:
    """push --compression-format zstd|gzip, --compression-level (issue 15)."""
    before = inspect(hutch, base_image)
    hutch("push", "-q", INSECURE, "--compression-format", "zstd", base_image,
          registry.ref("z/base:1"))  # fmt: skip
    manifest = json.loads(get_manifest(registry, "z/base", "1"))
    types = {layer["mediaType"] for layer in manifest["layers"]}
    assert types == {"application/vnd.oci.image.layer.v1.tar+zstd"}
    # a real peer reads the blobs as zstd (it checks each digest on the way)
    skopeo("copy", "--src-tls-verify=false", f"docker://{registry.ref('z/base:1')}",
           f"dir:{tmp_path / 'z'}")  # fmt: skip
    digest = manifest["layers"][0]["digest"].removeprefix("sha256:")
    assert (tmp_path / "z" / digest).read_bytes()[:4] == b"\x28\xb5\x2f\xfd"
    # and back: the same image (the config names the uncompressed diff ids)
    hutch("rmi", base_image)
    hutch("pull", "-q", INSECURE, registry.ref("z/base:1"))
    after = inspect(hutch, registry.ref("z/base:1"))
    assert (after["Id"], after["RootFS"]) == (before["Id"], before["RootFS"])
    assert hutch("run", "--rm", registry.ref("z/base:1"), "echo", "zstd").stdout == "zstd\n"
    # zstd -> gzip (forced by default once a format is given), at a chosen level
    hutch("push", "-q", INSECURE, "--compression-format", "gzip", "--compression-level", "9",
          registry.ref("z/base:1"), registry.ref("g/base:1"))  # fmt: skip
    gz = json.loads(get_manifest(registry, "g/base", "1"))
    assert {layer["mediaType"] for layer in gz["layers"]} == {
        "application/vnd.oci.image.layer.v1.tar+gzip"
    }
    # --force-compression=false keeps a layer already compressed otherwise
    hutch("push", "-q", INSECURE, "--compression-format", "gzip", "--force-compression=false",
          registry.ref("z/base:1"), registry.ref("k/base:1"))  # fmt: skip
    kept = json.loads(get_manifest(registry, "k/base", "1"))
    assert kept["layers"] == manifest["layers"]
    for bad, message in [
        (["--compression-format", "lz4"], "invalid --compression-format 'lz4'"),
        (["--compression-format", "zstd", "--format", "v2s2"], "cannot name zstd layers"),
        (["--compression-format", "gzip", "--compression-level", "12"], "1 to 9"),
    ]:
        refused = hutch("push", INSECURE, *bad, registry.ref("z/base:1"),
                        registry.ref("bad/base:1"), check=False)  # fmt: skip
        assert refused.returncode == 125
        assert message in refused.stderr


def test_hutch_pulls_a_docker_schema2_image_skopeo_pushed(
    hutch: Hutch, base_image: str, registry: Registry, tmp_path: Path
) -> None:
    archive = tmp_path / "img.tar"
    hutch("save", "-o", str(archive), base_image)
    skopeo("copy", "--dest-tls-verify=false", "--format", "v2s2",
           f"docker-archive:{archive}", f"docker://{registry.ref('v2s2/base:1')}")  # fmt: skip
    manifest = json.loads(get_manifest(registry, "v2s2/base", "1"))
    assert manifest["mediaType"] == "application/vnd.docker.distribution.manifest.v2+json"
    hutch("rmi", base_image)
    hutch("pull", "-q", INSECURE, registry.ref("v2s2/base:1"))
    assert hutch("run", "--rm", registry.ref("v2s2/base:1"), "echo", "v2s2").stdout == "v2s2\n"
