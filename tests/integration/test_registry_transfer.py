"""Transfers against a real registry: chunked uploads, ``pull --all-tags``, progress output."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import signal
import subprocess
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Hutch, run_in_pty
from registry_helpers import (
    Registry,
    get_manifest,
    http_request,
    manifest_status,
    running_registry,
)

INSECURE = "--tls-verify=false"
DEFAULT_CHUNK = 64 << 20


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    with running_registry(tmp_path / "registry", "plain") as reg:
        yield reg


def requests_of(registry: Registry, method: str, repository: str) -> list[int]:
    """Statuses of the registry's access-log lines for METHOD on REPOSITORY's uploads."""
    assert registry.log is not None
    text = registry.log.read_bytes().decode(errors="replace")
    pattern = rf'"{method} /v2/{re.escape(repository)}/blobs/uploads/[^ "]* HTTP/1\.1" (\d+)'
    return [int(code) for code in re.findall(pattern, text)]


def big_image(hutch: Hutch, tmp_path: Path, size: int, name: str) -> str:
    """An image of one layer holding SIZE random bytes (incompressible); its layer digest."""
    data = os.urandom(size)
    tar = tmp_path / f"{name}.tar"
    with tarfile.open(tar, "w") as out:
        info = tarfile.TarInfo("big.bin")
        info.size, info.mode = len(data), 0o644
        out.addfile(info, io.BytesIO(data))
    hutch("import", str(tar), name)
    layers = json.loads(hutch("image", "inspect", name).stdout)[0]["RootFS"]["Layers"]
    assert len(layers) == 1
    return str(layers[0])


def layer_blob(registry: Registry, repository: str, tag: str) -> dict[str, object]:
    manifest = json.loads(get_manifest(registry, repository, tag))
    assert len(manifest["layers"]) == 1
    return dict(manifest["layers"][0])


def test_layer_above_64m_goes_up_in_chunks_and_comes_back(
    hutch: Hutch, registry: Registry, tmp_path: Path
) -> None:
    diff_id = big_image(hutch, tmp_path, 70 << 20, "big")
    image_id = hutch("image", "inspect", "--format", "{{.Id}}", "big").stdout.strip()
    ref = registry.ref("large/big:1")
    pushed = hutch("push", INSECURE, "big", ref, timeout=180)
    layer = layer_blob(registry, "large/big", "1")
    size = int(str(layer["size"]))
    assert size > DEFAULT_CHUNK
    # The default chunk size: two PATCHes (64 MiB of the gzip as it is made, and the
    # rest), then the PUT of the digest.
    assert requests_of(registry, "PATCH", "large/big") == [202, 202]
    assert requests_of(registry, "PUT", "large/big") == [201, 201]  # layer, config
    assert f"Copying blob {diff_id}\n" in pushed.stderr  # podman's: the source blob
    stored = registry.blob_data(str(layer["digest"]))
    assert stored.stat().st_size == size
    digest = hashlib.sha256()
    with open(stored, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    assert "sha256:" + digest.hexdigest() == layer["digest"]
    hutch("rmi", "big")
    # Pulled back on a terminal: live bars, then one final line per blob.
    code, out = run_in_pty(hutch, ["pull", INSECURE, ref], cols=100, timeout=180)
    assert code == 0, out
    short = str(layer["digest"]).split(":")[1][:12]
    assert f"Copying blob {short} done\n" in out
    partial = [
        m
        for m in re.finditer(rf"Copying blob {short} \[[=>-]+\] ([\d.]+)MiB / 70\.\dMiB", out)
        if 0 < float(m.group(1)) < 70
    ]
    assert partial, f"no bar drawn mid-transfer: {out[:2000]!r}"
    assert "\x1b[" in out  # bars are redrawn in place
    assert out.rstrip("\n").endswith(image_id)
    assert hutch("image", "inspect", "--format", "{{.Id}}", ref).stdout.strip() == image_id


def test_chunk_size_setting_and_a_failed_chunk_leaves_no_blob(
    hutch: Hutch, base_image: str, registry: Registry
) -> None:
    settings = hutch.env.config_home / "hutch" / "hutch.toml"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text('[registry]\nchunk_size = "256k"\n')
    ref = registry.ref("small/chunks:1")
    hutch("push", "-q", INSECURE, base_image, ref)
    layer = layer_blob(registry, "small/chunks", "1")
    size = int(str(layer["size"]))
    patches = requests_of(registry, "PATCH", "small/chunks")
    assert len(patches) == -(-size // (256 << 10)) and set(patches) == {202}
    hutch("rmi", base_image)
    pulled = hutch("pull", "-q", INSECURE, ref)
    assert hutch("run", "--rm", ref, "echo", "ok").stdout == "ok\n", pulled.stdout

    settings.write_text("[registry]\nchunk_size = 0\n")
    refused = hutch("push", INSECURE, ref, registry.ref("small/other:1"), check=False)
    assert refused.returncode == 125
    assert "chunk_size" in refused.stderr.strip().splitlines()[-1]
    settings.unlink()


def test_a_broken_chunked_upload_is_cancelled_and_never_a_blob(registry: Registry) -> None:
    """The client's own path: the source fails after the first chunk went up."""
    from hutch.oci.digest import parse_digest
    from hutch.registry.client import Endpoint, RegistryClient
    from hutch.registry.errors import RegistryError

    data = os.urandom(3 << 20)
    digest = parse_digest("sha256:" + hashlib.sha256(data).hexdigest())
    client = RegistryClient(Endpoint(registry.host, insecure=True), None, {})

    class Failing(io.BytesIO):
        def read(self, n: int | None = -1) -> bytes:
            if self.tell() >= 1 << 20:
                raise OSError("disk read error")
            return super().read(n)

    location = client.start_upload("broken/blob")
    with pytest.raises((OSError, RegistryError), match="disk read error"):
        client.upload_blob(
            "broken/blob", location, digest, len(data), lambda: Failing(data), chunk_size=1 << 20
        )
    assert requests_of(registry, "PATCH", "broken/blob")[0] == 202
    assert requests_of(registry, "DELETE", "broken/blob") == [204]  # the session was cancelled
    status, _, _ = http_request(registry, "HEAD", f"/v2/broken/blob/blobs/{digest}")
    assert status == 404

    # Chunks that do not add up to the digest: the registry refuses the final PUT.
    wrong = parse_digest("sha256:" + hashlib.sha256(b"other").hexdigest())
    location = client.start_upload("broken/blob")
    with pytest.raises(RegistryError, match=r"DIGEST_INVALID|digest"):
        client.upload_blob(
            "broken/blob",
            location,
            wrong,
            len(data),
            lambda: io.BytesIO(data),
            chunk_size=1 << 20,
        )
    for d in (digest, wrong):
        status, _, _ = http_request(registry, "HEAD", f"/v2/broken/blob/blobs/{d}")
        assert status == 404

    # And the same blob, sent whole in chunks, is accepted.
    location = client.start_upload("broken/blob")
    client.upload_blob(
        "broken/blob", location, digest, len(data), lambda: io.BytesIO(data), chunk_size=1 << 20
    )
    status, _, body = http_request(registry, "GET", f"/v2/broken/blob/blobs/{digest}")
    assert status == 200 and body == data


def test_a_push_killed_mid_chunks_leaves_no_blob_and_the_next_push_completes(
    hutch: Hutch, registry: Registry, tmp_path: Path
) -> None:
    settings = hutch.env.config_home / "hutch" / "hutch.toml"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text('[registry]\nchunk_size = "512k"\n')
    big_image(hutch, tmp_path, 24 << 20, "mid")
    ref = registry.ref("killed/mid:1")
    proc = subprocess.Popen(
        [str(hutch.binary), "push", INSECURE, "mid", ref],
        env=hutch.env.environ(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while len(requests_of(registry, "PATCH", "killed/mid")) < 3 and time.monotonic() < deadline:
        assert proc.poll() is None, "the push ended before it could be killed"
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 3 <= len(requests_of(registry, "PATCH", "killed/mid")) < 48
    blobs = list((registry.storage / "docker/registry/v2/blobs").rglob("data"))
    assert all(b.stat().st_size < 1 << 20 for b in blobs), "a partial layer became a blob"
    assert manifest_status(registry, "killed/mid", "1") == 404
    hutch("push", "-q", INSECURE, "mid", ref)
    layer = layer_blob(registry, "killed/mid", "1")
    assert registry.blob_data(str(layer["digest"])).stat().st_size == layer["size"]


def test_pull_all_tags(hutch: Hutch, base_image: str, registry: Registry) -> None:
    repo = registry.ref("every/tag")
    for tag in ("1", "2", "latest"):
        hutch("push", "-q", INSECURE, base_image, f"{repo}:{tag}")
    hutch("rmi", base_image)
    for bad in (f"{repo}:1", f"{repo}:latest", f"{repo}@sha256:{'0' * 64}"):
        refused = hutch("pull", INSECURE, "--all-tags", bad, check=False)
        assert refused.returncode == 125, bad
        assert refused.stderr.strip() == "Error: tag can't be used with --all-tags/-a"
    assert hutch("images", "-q").stdout == ""
    pulled = hutch("pull", INSECURE, "--all-tags", repo)
    image_id = pulled.stdout.strip()
    assert len(image_id) == 64  # three tags of one image: its id once
    for tag in ("1", "2", "latest"):
        assert f"Trying to pull {repo}:{tag}...\n" in pulled.stderr
    listed = hutch("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}").stdout.splitlines()
    assert sorted(listed) == [f"{repo}:{t} {image_id[:12]}" for t in ("1", "2", "latest")]
    again = hutch("pull", "-q", INSECURE, "-a", repo)
    assert again.stdout == image_id + "\n" and again.stderr == ""


def test_progress_when_piped_is_podmans_lines(
    hutch: Hutch, base_image: str, registry: Registry
) -> None:
    ref = registry.ref("lines/base:1")
    image_id = hutch("image", "inspect", "--format", "{{.Id}}", base_image).stdout.strip()
    pushed = hutch("push", INSECURE, base_image, ref)
    layer = layer_blob(registry, "lines/base", "1")
    (diff_id,) = json.loads(hutch("image", "inspect", base_image).stdout)[0]["RootFS"]["Layers"]
    assert pushed.stdout == ""
    assert pushed.stderr.splitlines() == [
        "Getting image source signatures",
        f"Copying blob {diff_id}",  # podman's: the plain layer it gzips as it sends it
        f"Copying config sha256:{image_id}",
        "Writing manifest to image destination",
        "Storing signatures",
    ]
    hutch("rmi", base_image)
    pulled = hutch("pull", INSECURE, ref)
    assert pulled.stdout == image_id + "\n"
    assert pulled.stderr.splitlines() == [
        f"Trying to pull {ref}...",
        "Getting image source signatures",
        f"Copying blob {layer['digest']}",
        f"Copying config sha256:{image_id}",
        "Writing manifest to image destination",
        "Storing signatures",
    ]
    quiet = hutch("push", "-q", INSECURE, ref, registry.ref("lines/again:1"))
    assert quiet.stdout == "" and quiet.stderr == ""


def test_progress_on_a_terminal(hutch: Hutch, base_image: str, registry: Registry) -> None:
    ref = registry.ref("tty/base:1")
    image_id = hutch("image", "inspect", "--format", "{{.Id}}", base_image).stdout.strip()
    code, pushed = run_in_pty(hutch, ["push", INSECURE, base_image, ref], cols=90)
    assert code == 0, pushed
    (diff_id,) = json.loads(hutch("image", "inspect", base_image).stdout)[0]["RootFS"]["Layers"]
    layer = str(diff_id).split(":")[1]  # podman's: the plain layer it gzips as it sends it
    assert f"Copying blob {layer[:12]} [" in pushed  # a bar was drawn
    assert f"Copying blob {layer[:12]} done\n" in pushed
    assert f"Copying config {image_id[:10]} done\n" in pushed
    assert pushed.endswith("Writing manifest to image destination\nStoring signatures\n")
    assert all(len(line) < 90 for line in re.sub(r"\x1b\[\d*[A-Za-z]", "", pushed).split("\n"))
    hutch("rmi", base_image)
    code, quiet = run_in_pty(hutch, ["pull", "-q", INSECURE, ref])
    assert code == 0 and quiet == image_id + "\n"
    code, again = run_in_pty(hutch, ["pull", INSECURE, ref])
    assert code == 0
    gzipped = str(layer_blob(registry, "tty/base", "1")["digest"]).split(":")[1]
    assert f"Copying blob {gzipped[:12]} skipped: already exists\n" in again  # the pulled
    assert again.endswith(f"Storing signatures\n{image_id}\n")
