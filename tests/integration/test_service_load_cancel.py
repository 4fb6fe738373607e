"""A docker load or import whose client went away stops and leaves nothing
half-written: no image, the uploaded archive's temp dir removed, the store
checking clean, the service's threads back to before.

Two moments: mid-upload (docker-py sends half of the archive, then nothing,
and is killed: the service was still saving the body), and mid-work (the
docker CLI is killed while the service's load or import reads its first layer,
held at a pause point until the service has seen the client leave). The
mid-work load or import used to run on to its end for nobody, and record the
image; the cut upload used to log a traceback.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from service_helpers import (
    Service,
    docker_client,
    open_paths,
    running_service,
    settled_threads,
    until,
)

NAME = "cancel/archive:1"

# docker-py sends the archive as a chunked body from a generator: half of it at
# once, then nothing until the test kills it.
_HALF_UPLOAD = """
import sys, time
import docker

socket, what, path = sys.argv[1:4]
data = open(path, "rb").read()

def body():
    yield data[: len(data) // 2]
    time.sleep(600)

api = docker.APIClient(base_url="unix://" + socket, version="auto")
if what == "load":
    api.load_image(body())
else:
    api.import_image_from_data(body(), repository="cancel/archive", tag="1")
"""


def _archive(service: Service, what: str, rootfs_tar: Path, tmp_path: Path) -> Path:
    """What ``what`` uploads: a docker-archive of an image named NAME (load), or a
    root file system tar (import)."""
    if what == "import":
        return rootfs_tar
    archive = tmp_path / "archive.tar"
    service.hutch("tag", "base", NAME)
    service.hutch("save", "-o", str(archive), NAME)
    service.hutch("rmi", NAME)  # only the name goes: base keeps the image
    return archive


def _upload_path(service: Service, what: str) -> Path | None:
    found = [p for p in open_paths(service.process.pid) if p.endswith(f"/{what}.tar")]
    return Path(found[0]) if found else None


def _nothing_left(service: Service, threads: int, upload: Path) -> None:
    assert until(lambda: service.threads() <= threads, 5), (
        f"{service.threads()} threads, {threads} before"
    )
    assert not upload.parent.exists(), f"{upload.parent} left behind"
    assert service.hutch("images", "-q", NAME).stdout == ""  # no image, no name
    assert service.hutch("system", "check").stdout == ""  # no half-written layer
    assert "Traceback" not in service.log_text()


@pytest.mark.parametrize("what", ["load", "import"])
def test_docker_py_leaving_mid_upload_leaves_nothing(
    require_rootless: None, rootfs_tar: Path, tmp_path: Path, what: str
) -> None:
    with running_service(tmp_path / "svc", rootfs_tar, "--time", "0") as service:
        archive = _archive(service, what, rootfs_tar, tmp_path)
        threads = settled_threads(service)
        client = subprocess.Popen(
            [sys.executable, "-c", _HALF_UPLOAD, str(service.socket_path), what, str(archive)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            half = archive.stat().st_size // 2 - (64 << 10)  # less what is still buffered
            assert until(
                lambda: (
                    (p := _upload_path(service, what)) is not None
                    and p.exists()
                    and p.stat().st_size >= half
                ),
                60,
            ), "the service never received half of the upload"
            upload = _upload_path(service, what)
            assert upload is not None
            assert client.poll() is None  # still uploading: the rest never comes
        finally:
            client.kill()
            client.communicate(timeout=10)
        _nothing_left(service, threads, upload)
        assert until(lambda: _upload_path(service, what) is None, 5)


@pytest.mark.parametrize("what", ["load", "import"])
def test_docker_cli_leaving_mid_work_records_nothing(
    require_rootless: None, rootfs_tar: Path, tmp_path: Path, what: str
) -> None:
    gate = tmp_path / "gate"
    pause = {"HUTCH_TEST_PAUSE": f"cancellable-read-started:{gate}"}
    with running_service(tmp_path / "svc", rootfs_tar, "--time", "0", environ=pause) as service:
        archive = _archive(service, what, rootfs_tar, tmp_path)
        args = ("load", "-i", str(archive)) if what == "load" else ("import", str(archive), NAME)
        threads = settled_threads(service)
        client = docker_client(service, *args)
        try:
            reached = until(lambda: Path(f"{gate}.reached").exists(), 90)
            assert reached, f"{what}: the service never started reading the layer"
            upload = _upload_path(service, what)
            assert upload is not None and upload.exists()  # uploaded whole: the work runs
        finally:
            client.kill()
            client.communicate(timeout=10)
        time.sleep(1.5)  # the service sees the client gone (it looks every half second)
        gate.touch()
        _nothing_left(service, threads, upload)
        # the gate is open now: the same archive goes in whole
        done = service.docker(*args, timeout=120).stdout
        assert ("Loaded image" if what == "load" else "sha256:") in done
        assert service.hutch("images", "-q", NAME).stdout.strip()
        assert service.hutch("system", "check").stdout == ""
