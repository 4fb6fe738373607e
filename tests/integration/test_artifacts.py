"""``hutch artifact``: files added as an OCI artifact, listed and inspected, kept out of
the images (image prune, system check --repair), pushed to the loopback registry,
removed, pulled back and extracted byte for byte."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Hutch
from ports import free_port
from registry_helpers import Registry, get_blob, get_manifest, running_registry

INSECURE = "--tls-verify=false"


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    with running_registry(tmp_path / "registry", "plain") as reg:
        yield reg


def test_artifact_round_trip_through_the_registry(
    hutch: Hutch, registry: Registry, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("weights of the small model\n")
    weights = tmp_path / "weights.bin"
    weights.write_bytes(os.urandom(300_000))
    name = registry.ref("art/model:v1")

    added = hutch(
        "artifact", "add", "--type", "application/vnd.example.model",
        "--annotation", "org.example.kind=test", name, str(notes), str(weights),
    ).stdout.strip()  # fmt: skip
    assert len(added) == 64

    listed = hutch(
        "artifact", "ls", "--noheading", "--format", "{{.Repository}} {{.Tag}} {{.Digest}}"
    )
    assert listed.stdout == f"{registry.ref('art/model')} v1 {added[:12]}\n"
    table = hutch("artifact", "ls", "--no-trunc").stdout.splitlines()
    assert table[0].split() == ["REPOSITORY", "TAG", "DIGEST", "CREATED", "SIZE"]
    assert added in table[1]

    # not an image: neither listed nor pruned with them
    assert hutch("images", "--format", "{{.Repository}}").stdout == ""
    hutch("image", "prune", "--all", "--force")
    hutch("system", "check", "--repair")  # its blobs are no stray image blobs
    assert hutch("artifact", "ls", "-n", "--format", "{{.Digest}}").stdout == f"{added[:12]}\n"

    inspected = json.loads(hutch("artifact", "inspect", name).stdout)
    assert list(inspected) == ["Manifest", "Name", "Digest"]
    assert (inspected["Name"], inspected["Digest"]) == (name, f"sha256:{added}")
    manifest = inspected["Manifest"]
    assert manifest["mediaType"] == "application/vnd.oci.image.manifest.v1+json"
    assert manifest["artifactType"] == "application/vnd.example.model"
    assert manifest["config"]["mediaType"] == "application/vnd.oci.empty.v1+json"
    layers = manifest["layers"]
    assert [x["annotations"]["org.opencontainers.image.title"] for x in layers] == [
        "notes.txt",
        "weights.bin",
    ]
    assert all(x["annotations"]["org.example.kind"] == "test" for x in layers)
    assert [x["mediaType"] for x in layers] == [
        "text/plain; charset=utf-8",
        "application/octet-stream",
    ]

    digestfile = tmp_path / "digest"
    pushed = hutch("artifact", "push", INSECURE, "--digestfile", str(digestfile), name)
    assert pushed.stdout == ""
    assert "Writing manifest to image destination" in pushed.stderr
    assert digestfile.read_text() == f"sha256:{added}"
    remote = get_manifest(registry, "art/model", "v1")
    assert hashlib.sha256(remote).hexdigest() == added  # the bytes went unchanged
    assert get_blob(registry, "art/model", layers[1]["digest"]) == weights.read_bytes()

    assert hutch("artifact", "rm", name).stdout == f"Deleted: {added}\n"
    assert hutch("artifact", "ls", "-n").stdout == ""
    missing = hutch("artifact", "inspect", name, check=False)
    assert missing.returncode == 125
    assert f"{name}: artifact does not exist" in missing.stderr

    hutch("artifact", "pull", INSECURE, name)
    again = json.loads(hutch("artifact", "inspect", added[:10]).stdout)
    assert again["Digest"] == f"sha256:{added}" and again["Name"] == name

    out = tmp_path / "out"
    out.mkdir()
    hutch("artifact", "extract", name, str(out))
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "weights.bin"]
    assert (out / "notes.txt").read_bytes() == notes.read_bytes()
    assert (out / "weights.bin").read_bytes() == weights.read_bytes()
    single = tmp_path / "single.bin"
    hutch("artifact", "extract", "--title", "weights.bin", name, str(single))
    assert single.read_bytes() == weights.read_bytes()
    several = hutch("artifact", "extract", name, str(tmp_path / "one"), check=False)
    assert several.returncode == 125 and "--digest or --title" in several.stderr

    # by digest, as podman takes it: the whole one with its algorithm, a prefix of the hex
    whole = json.loads(hutch("artifact", "inspect", f"sha256:{added}").stdout)
    assert whole["Name"] == name
    assert hutch("artifact", "rm", f"sha256:{added[:16]}").stdout == f"Deleted: {added}\n"
    assert hutch("artifact", "ls", "-n").stdout == ""
    hutch("artifact", "pull", INSECURE, "--retry", "1", "--retry-delay", "100ms", name)
    assert hutch("artifact", "rm", "--all").stdout == f"Deleted: {added}\n"


def test_artifact_pull_and_push_retry_a_registry_that_cannot_be_reached(
    hutch: Hutch, registry: Registry, tmp_path: Path
) -> None:
    """--retry N tries N more times, each announced, with --retry-delay between; a
    missing artifact (the registry's own answer) and refused values are not retried."""
    down = f"127.0.0.1:{free_port()}/art/gone:1"  # nothing listens there
    quick = ("--retry", "2", "--retry-delay", "50ms")
    pulled = hutch("artifact", "pull", INSECURE, *quick, down, check=False)
    assert pulled.returncode == 125, pulled.stderr
    warned = [line for line in pulled.stderr.splitlines() if line.startswith("WARN: ")]
    assert [line.split(" ... ")[1].split(")")[0] for line in warned] == ["(1/2", "(2/2"]
    assert all("Failed, retrying in 50ms" in line for line in warned)
    assert "Traceback" not in pulled.stderr

    once = hutch("artifact", "pull", INSECURE, "--retry", "0", down, check=False)
    assert once.returncode == 125 and "WARN" not in once.stderr

    missing = hutch("artifact", "pull", INSECURE, *quick, registry.ref("art/none:1"), check=False)
    assert missing.returncode == 125 and "WARN" not in missing.stderr

    notes = tmp_path / "notes.txt"
    notes.write_text("x\n")
    hutch("artifact", "add", down, str(notes))
    pushed = hutch("artifact", "push", INSECURE, *quick, down, check=False)
    assert pushed.returncode == 125
    assert pushed.stderr.count("WARN: Failed, retrying in 50ms") == 2

    for flags, words in (
        (("--retry-delay", "foobar"), 'Error: time: invalid duration "foobar"'),
        (("--retry", "-1"), 'invalid argument "-1" for "--retry" flag'),
    ):
        refused = hutch("artifact", "pull", INSECURE, *flags, down, check=False)
        assert refused.returncode == 125 and words in refused.stderr, refused.stderr
        assert "WARN" not in refused.stderr
