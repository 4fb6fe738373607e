"""A docker pull or push whose client went away stops, as Docker's daemon stops it.

The real docker CLI, through the service, is killed while the transfer waits at
a named pause point (a blob half downloaded; every blob uploaded but no
manifest yet); once the service has seen it leave, the point is let go. The
transfer then stops at its next piece: no image is recorded (the partial blob's
temp dir is removed, so the store checks clean) and no manifest reaches the
registry; the service's threads are back to before, and the same pull or push
then completes. They used to run on to their end for nobody.

A registry that stalls mid-blob (``stalling_registry``) holds no cancelled
pull either: the service cuts the connection its read is blocked in.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from registry_helpers import Registry, incompressible_layer, manifest_status, running_registry
from service_helpers import (
    Service,
    docker_client,
    running_service,
    settled_threads,
    until,
)
from stalling_registry import stalling_registry


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    with running_registry(tmp_path / "registry", "plain") as reg:
        yield reg


@contextlib.contextmanager
def _paused_service(tmp_path: Path, rootfs_tar: Path, point: str) -> Iterator[Service]:
    """A service that waits at pause point ``point`` until ``tmp_path/gate`` exists."""
    pause = {"HUTCH_TEST_PAUSE": f"{point}:{tmp_path / 'gate'}"}
    with running_service(tmp_path / "svc", rootfs_tar, "--time", "0", environ=pause) as service:
        yield service


def _left_at_pause(service: Service, gate: Path, *args: str) -> None:
    """Run the docker CLI until the service reaches the pause point, kill it, let the
    service see it gone (it looks every half second), then open the gate; the
    transfer's threads end within a few seconds."""
    threads = settled_threads(service)
    client = docker_client(service, *args)
    try:
        reached = until(lambda: Path(f"{gate}.reached").exists(), 90)
        assert reached, f"{args}: the pause point was never reached"
    finally:
        client.kill()
        client.communicate(timeout=10)
    time.sleep(1.5)
    gate.touch()
    assert until(lambda: service.threads() <= threads, 5), (
        f"{service.threads()} threads, {threads} before"
    )
    assert "Traceback" not in service.log_text()


def test_killed_docker_pull_records_no_image(
    require_rootless: None, rootfs_tar: Path, registry: Registry, tmp_path: Path
) -> None:
    with _paused_service(tmp_path, rootfs_tar, "pull-blob-started") as service:
        ref = registry.ref("cancel/pull:1")
        service.hutch("import", str(incompressible_layer(tmp_path / "big.tar")), "big")
        service.hutch("push", "-q", "--tls-verify=false", "big", ref)
        service.hutch("rmi", "big")
        _left_at_pause(service, tmp_path / "gate", "pull", ref)
        assert service.hutch("images", "-q", ref).stdout == ""  # no image, no tag
        assert service.hutch("system", "check").stdout == ""  # no partial blob left
        pulled = service.docker("pull", ref, timeout=120).stdout  # the gate is open now
        assert f"Status: Downloaded newer image for {ref}" in pulled
        assert service.hutch("images", "-q", ref).stdout.strip()


def test_killed_docker_push_writes_no_manifest(
    require_rootless: None, rootfs_tar: Path, registry: Registry, tmp_path: Path
) -> None:
    with _paused_service(tmp_path, rootfs_tar, "push-before-manifest") as service:
        ref = registry.ref("cancel/push:1")
        service.hutch("import", str(incompressible_layer(tmp_path / "big.tar")), ref)
        _left_at_pause(service, tmp_path / "gate", "push", ref)
        assert (
            manifest_status(registry, "cancel/push", "1") == 404
        )  # blobs up, the image never named
        assert service.hutch("system", "check").stdout == ""  # the push's temp dir went
        pushed = service.docker("push", ref, timeout=120).stdout
        assert "1: digest: sha256:" in pushed
        # the plain layer goes up gzipped again: what it compressed to is recorded
        # only once a push's manifest was accepted (the left push's was not)
        assert "Layer already exists" not in pushed
        assert manifest_status(registry, "cancel/push", "1") == 200
        service.hutch("rmi", ref)
        service.hutch("pull", "-q", "--tls-verify=false", ref)


def test_killed_docker_pull_from_a_stalled_registry_stops_at_once(
    require_rootless: None, rootfs_tar: Path, tmp_path: Path
) -> None:
    """The registry sends half of the layer, then nothing: the read blocked in its
    answer is cut once the client has gone (it used to wait for the read timeout,
    two minutes), and the pull's thread ends within a few seconds."""
    with (
        stalling_registry() as stalling,
        running_service(tmp_path / "svc", rootfs_tar, "--time", "0") as service,
    ):
        threads = settled_threads(service)
        client = docker_client(service, "pull", stalling.ref)
        try:
            assert stalling.stalled.wait(90), "the layer was never asked for"
            time.sleep(0.5)  # the service is blocked in the layer's read now
        finally:
            client.kill()
            client.communicate(timeout=10)
        assert stalling.cut.wait(5), "the service kept the stalled connection open"
        assert until(lambda: service.threads() <= threads, 5), (
            f"{service.threads()} threads, {threads} before"
        )
        assert service.hutch("images", "-q", stalling.ref).stdout == ""
        assert service.hutch("system", "check").stdout == ""  # the half blob's temp dir went
        assert "Traceback" not in service.log_text()
        # the registry answers in full now: the same pull completes
        pulled = service.docker("pull", stalling.ref, timeout=120).stdout
        assert f"Status: Downloaded newer image for {stalling.ref}" in pulled
        assert service.hutch("system", "check").stdout == ""


def test_killed_docker_push_to_a_stalled_registry_stops_at_once(
    require_rootless: None, rootfs_tar: Path, tmp_path: Path
) -> None:
    """The registry takes the layer's upload and never answers: the wait for its
    answer is cut once the client has gone, and the upload is cancelled (DELETE)."""
    with (
        stalling_registry("stall/push") as stalling,
        running_service(tmp_path / "svc", rootfs_tar, "--time", "0") as service,
    ):
        service.hutch("import", str(incompressible_layer(tmp_path / "big.tar")), stalling.ref)
        threads = settled_threads(service)
        client = docker_client(service, "push", stalling.ref)
        try:
            assert stalling.stalled.wait(90), "the layer's upload never came"
            time.sleep(0.5)  # the service waits for the registry's answer now
        finally:
            client.kill()
            client.communicate(timeout=10)
        assert stalling.cut.wait(5), "the service kept the stalled connection open"
        assert stalling.deleted.wait(5), "the upload in flight was not cancelled"
        assert until(lambda: service.threads() <= threads, 5), (
            f"{service.threads()} threads, {threads} before"
        )
        assert service.hutch("system", "check").stdout == ""  # the push's temp dir went
        assert "Traceback" not in service.log_text()
