"""A docker build whose client went away stops, as Docker's daemon stops it.

``docker build`` of a context whose RUN step sleeps, through the real service and
the real docker CLI, killed while the step runs (and prints nothing): the step's
process is gone within a few seconds, the service's threads are back to before, no
image or tag was made, the step's temporary directories are gone and the store
checks clean; the next build of the same context works. It used to run on to the
step's end (a ``RUN sleep 1000`` for 1000 s) and then commit and tag the image
nobody waited for.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import pids_with_cmdline
from service_helpers import (
    Service,
    docker_client,
    running_service,
    settled_threads,
    until,
)


@pytest.fixture(scope="module")
def service(
    require_rootless: None, rootfs_tar: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    with running_service(tmp_path_factory.mktemp("svc-cancel"), rootfs_tar, "--time", "0") as svc:
        yield svc


def _images(service: Service) -> list[str]:
    return sorted(
        service.hutch("images", "-a", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}").stdout.split(
            "\n"
        )
    )


def test_killed_docker_build_stops_its_silent_run_step_and_makes_no_image(
    service: Service, tmp_path: Path
) -> None:
    # a number of seconds no other test sleeps: the marker of this step's process
    pause = str(800000 + os.getpid() % 100000)
    context = tmp_path / "ctx"
    context.mkdir()
    (context / "Dockerfile").write_text(
        # one sleep in the background: the step's whole tree must go, not its command alone
        "FROM base\nARG PAUSE=0\nRUN echo step-running; sleep $PAUSE & sleep $PAUSE\n"
        "LABEL built=yes\n"
    )
    images = _images(service)
    threads = settled_threads(service)
    args = ["build", "-t", "cancelled", "--build-arg", f"PAUSE={pause}", str(context)]
    client = docker_client(service, *args)
    try:
        running = until(lambda: len(pids_with_cmdline(["sleep", pause])) == 2, 90)
        assert running, "the RUN step never ran"
        time.sleep(1)  # silent: the step prints nothing more
    finally:
        client.kill()
        out, _ = client.communicate(timeout=10)
    assert b"step-running" in out  # the client saw the step start
    # the step is killed within a couple of seconds, though it prints nothing
    assert until(lambda: not pids_with_cmdline(["sleep", pause]), 5), "the RUN step runs on"
    assert until(lambda: service.threads() <= threads, 5), (
        f"{service.threads()} threads, {threads} before"
    )
    # no tag and nothing of the killed step; the finished ARG step's cache image stays,
    # untagged, as buildah's intermediate images do
    tagged = [line for line in _images(service) if "<none>" not in line]
    assert tagged == [line for line in images if "<none>" not in line]
    tmp = service.env.data_home / "hutch" / "storage" / "tmp"
    assert not tmp.exists() or not any(tmp.iterdir())  # the step's scratch is gone
    assert service.hutch("ps", "-a", "-q").stdout == ""
    service.hutch("system", "check")  # the store is consistent
    assert "Traceback" not in service.log_text()

    # the same context builds (a short pause now) and is tagged
    again = service.docker("build", "-t", "cancelled", str(context), timeout=120)
    assert "step-running" in again.stdout
    assert "Successfully tagged cancelled:latest" in again.stdout
    labels = service.hutch("inspect", "--format", "{{.Config.Labels.built}}", "cancelled").stdout
    assert labels.strip() == "yes"
    service.hutch("rmi", "cancelled")
