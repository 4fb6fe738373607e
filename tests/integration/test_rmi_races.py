"""rmi racing pull, build and run, interleaved deterministically (issue 21 item 1).

The racing command is started with ``HUTCH_TEST_PAUSE=POINT:GATE``: it stops
at the named point, the test runs ``rmi`` meanwhile, then opens the gate.
No sleep decides the order, so each test shows one exact interleaving."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Hutch
from pausepoint import Paused
from registry_helpers import Registry, running_registry

INSECURE = "--tls-verify=false"


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    with running_registry(tmp_path / "registry", "plain") as reg:
        yield reg


def _layers_of(hutch: Hutch, name: str) -> list[str]:
    data = json.loads(hutch("image", "inspect", name).stdout)[0]
    dirs = data["GraphDriver"]["Data"]  # the top layer is UpperDir, as podman shows it
    return [d for d in (dirs["UpperDir"], *dirs.get("LowerDir", "").split(":")) if d]


def test_pull_sharing_a_layer_that_rmi_removes_fetches_it_again(
    hutch: Hutch, base_image: str, rootfs_tar: Path, registry: Registry, tmp_path: Path
) -> None:
    """B is pulled while rmi A deletes their one shared layer: B is complete and runs."""
    a, b = registry.ref("race/a:1"), registry.ref("race/b:1")
    hutch("import", "--change", "CMD /bin/true", str(rootfs_tar), "other")  # same layer
    hutch("push", "-q", INSECURE, base_image, a)
    hutch("push", "-q", INSECURE, "other", b)
    hutch("rmi", base_image, "other")
    hutch("pull", "-q", INSECURE, a)
    pull = Paused(hutch, "pull-before-record", tmp_path / "gate", "pull", INSECURE, b)
    hutch("rmi", a)  # B is not recorded yet: the shared layer goes with A
    code, _out, err = pull.release()
    assert code == 0, err
    assert "Traceback" not in err
    for layer in _layers_of(hutch, b):
        assert os.path.isdir(layer), f"{layer} of {b} is missing"
    assert hutch("run", "--rm", b, "cat", "/etc/hostname", check=False).returncode == 0


def test_run_on_an_image_removed_meanwhile_creates_nothing(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    run = Paused(hutch, "create-before-record", tmp_path / "gate", "run", "-d", base_image, "top")
    hutch("rmi", base_image)  # no container stands on it yet
    code, _out, err = run.release()
    assert code == 125
    assert err.startswith("Error: ")
    assert "the image was removed while the container was created" in err
    assert hutch("ps", "-aq").stdout == ""


def test_rmi_refuses_an_image_a_container_uses_and_force_removes_both(
    hutch: Hutch, base_image: str
) -> None:
    cid = hutch("create", base_image, "true").stdout.strip()
    refused = hutch("rmi", base_image, check=False)
    assert refused.returncode == 2
    assert refused.stderr.startswith(f"Error: image used by {cid}: image is in use by a container")
    hutch("rmi", "-f", base_image)
    assert hutch("ps", "-aq").stdout == ""
    assert hutch("images", "-q").stdout == ""


def test_rmi_refuses_the_base_of_a_running_build(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    context = tmp_path / "ctx"
    context.mkdir()
    (context / "Containerfile").write_text("FROM base\nLABEL race=1\n")
    build = Paused(
        hutch, "build-after-base", tmp_path / "gate", "build", "-q", "-t", "child", str(context)
    )
    refused = hutch("rmi", base_image, check=False)
    assert refused.returncode == 2
    assert f"image used by a build (process {build.process.pid})" in refused.stderr
    code, _out, err = build.release()
    assert code == 0, err
    hutch("rmi", base_image)  # the build is over: its lease went with it
    assert hutch("run", "--rm", "child", "true", check=False).returncode == 0
