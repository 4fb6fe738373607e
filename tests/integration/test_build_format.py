"""``build --format``: OCI drops what only Docker's config has; docker makes schema 2 images."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from build_helpers import build, cache_hits, image_id, inspect, write_context
from harness import Hutch
from registry_helpers import Registry, get_blob, get_manifest, running_registry

FILE = """\
FROM base
SHELL ["/bin/sh", "-ec"]
RUN echo built > /built
HEALTHCHECK --interval=5s CMD true
ONBUILD RUN echo child
STOPSIGNAL SIGUSR1
"""

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    with running_registry(tmp_path / "registry", "plain") as reg:
        yield reg


def test_oci_format_drops_docker_only_fields_with_podmans_warnings(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    context = write_context(tmp_path / "ctx", {}, containerfile=FILE)
    result = build(hutch, context, "-t", "ocimg")
    assert (
        "HEALTHCHECK is not supported for OCI image format and will be ignored. "
        "Must use `docker` format" in result.stderr
    )
    assert "SHELL is not supported for OCI image format, [/bin/sh -ec] will be ignored" in (
        result.stderr
    )
    assert "ONBUILD is not supported for OCI image format, RUN echo child" in result.stderr
    config = inspect(hutch, "ocimg")["Config"]
    assert not config.get("Healthcheck")
    assert not config.get("Shell")
    assert not config.get("OnBuild")
    assert config["StopSignal"] == "SIGUSR1"  # the OCI config has this one

    # the same steps from the cache, with the final image's own settings (issue 15)
    ignore = tmp_path / "ignore"
    ignore.write_text("nothing\n")
    flags = ["--env", "E1=v1", "--unsetenv", "PATH", "--annotation", "a.b=c", "--omit-history"]
    again = build(
        hutch, context, "-t", "ocimg2", *flags, "--ignorefile", str(ignore), "--cache-ttl", "1h"
    )
    assert cache_hits(again) == 5
    data = inspect(hutch, "ocimg2")
    assert "E1=v1" in data["Config"]["Env"]
    assert not any(item.startswith("PATH=") for item in data["Config"]["Env"])
    # --annotation's, after the base image's two that podman writes in an OCI manifest
    assert data["Annotations"] == {
        "a.b": "c",
        "org.opencontainers.image.base.digest": data["Annotations"].get(
            "org.opencontainers.image.base.digest", "missing"
        ),
        "org.opencontainers.image.base.name": "localhost/base:latest",
    }
    assert data["Annotations"]["org.opencontainers.image.base.digest"].startswith("sha256:")
    assert not data["History"]


def test_docker_format_keeps_them_and_pushes_schema_2(
    hutch: Hutch, base_image: str, tmp_path: Path, registry: Registry
) -> None:
    context = write_context(tmp_path / "ctx", {}, containerfile=FILE)
    oci = build(hutch, context, "-t", "dimg")
    result = build(hutch, context, "--format", "docker", "-t", "dimg")
    assert "not supported for OCI" not in result.stderr
    assert cache_hits(result) == 5  # the same steps; only the final image differs
    assert image_id(result) != image_id(oci)
    # podman's image inspect: .Config is OCI's ImageConfig, the health check its own key
    shown = inspect(hutch, "dimg")
    assert shown["Healthcheck"]["Test"] == ["CMD-SHELL", "true"]
    assert "Healthcheck" not in shown["Config"] and "Shell" not in shown["Config"]
    assert shown["Config"]["StopSignal"] == "SIGUSR1"

    ref = registry.ref("test/docker:1")
    hutch("push", "--tls-verify=false", "dimg", ref)
    manifest = json.loads(get_manifest(registry, "test/docker", "1"))
    assert manifest["mediaType"] == DOCKER_MANIFEST
    assert manifest["config"]["mediaType"] == "application/vnd.docker.container.image.v1+json"
    layer_types = {layer["mediaType"] for layer in manifest["layers"]}
    assert layer_types == {"application/vnd.docker.image.rootfs.diff.tar.gzip"}
    assert manifest["config"]["digest"] == f"sha256:{image_id(result)}"
    # the top layer (the RUN) is a gzip of a tar holding /built, and the config keeps
    # the docker-only fields
    top = get_blob(registry, "test/docker", manifest["layers"][-1]["digest"])
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(top))) as archive:
        assert "built" in archive.getnames()
    pushed_config = json.loads(get_blob(registry, "test/docker", manifest["config"]["digest"]))
    assert pushed_config["config"]["Healthcheck"]["Test"] == ["CMD-SHELL", "true"]
    assert pushed_config["config"]["Shell"] == ["/bin/sh", "-ec"]
    assert pushed_config["config"]["OnBuild"] == ["RUN echo child"]

    # what came back from the registry runs, with its health check
    hutch("rmi", "-f", "dimg")
    hutch("pull", "--tls-verify=false", ref)
    assert hutch("run", "--rm", ref, "cat", "/built").stdout == "built\n"
    assert inspect(hutch, ref)["Healthcheck"]["Test"] == ["CMD-SHELL", "true"]


def test_buildah_format_variable_picks_the_default(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    context = write_context(tmp_path / "ctx", {}, containerfile=FILE)
    result = build(hutch, context, "-t", "envfmt", env={"BUILDAH_FORMAT": "docker"})
    assert "not supported for OCI" not in result.stderr
    assert inspect(hutch, "envfmt")["Healthcheck"]["Test"] == ["CMD-SHELL", "true"]  # Docker's
    bad = build(hutch, context, "--format", "v2s2", check=False)
    assert bad.returncode == 125 and "invalid --format" in bad.stderr


def test_push_format_chooses_the_manifest_type(
    hutch: Hutch, base_image: str, tmp_path: Path, registry: Registry
) -> None:
    context = write_context(tmp_path / "ctx", {}, containerfile="FROM base\nRUN echo x > /x\n")
    build(hutch, context, "-t", "plain")  # an OCI image
    ref = registry.ref("test/fmt:v2s2")
    hutch("push", "--tls-verify=false", "--format", "v2s2", "plain", ref)
    as_docker = json.loads(get_manifest(registry, "test/fmt", "v2s2"))
    assert as_docker["mediaType"] == DOCKER_MANIFEST
    assert {layer["mediaType"] for layer in as_docker["layers"]} == {
        "application/vnd.docker.image.rootfs.diff.tar.gzip"
    }
    # and back: the image pushed as OCI names the same config
    hutch("pull", "--tls-verify=false", ref)
    back = registry.ref("test/fmt:oci")
    hutch("push", "--tls-verify=false", "-f", "oci", ref, back)
    as_oci = json.loads(get_manifest(registry, "test/fmt", "oci"))
    assert as_oci["mediaType"] == "application/vnd.oci.image.manifest.v1+json"
    assert as_oci["config"]["mediaType"] == "application/vnd.oci.image.config.v1+json"
    assert as_oci["config"]["digest"] == as_docker["config"]["digest"]
    # (the pull found the image it already had: its layers go as they are stored)
    assert all(
        x["mediaType"].startswith("application/vnd.oci.image.layer.v1.tar")
        for x in as_oci["layers"]
    )
    bad = hutch("push", "--tls-verify=false", "--format", "v2s1", "plain", ref, check=False)
    assert bad.returncode == 125 and "use oci or v2s2" in bad.stderr
