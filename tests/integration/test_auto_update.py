"""auto-update against the real store and a registry on loopback; this host has no
user manager, so the restart fails for real and is reported (the restarts
themselves are checked in the guest lane, tests/vm/test_vm_quadlet.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Hutch
from lifecycle_helpers import remove_containers
from registry_helpers import Registry, running_registry

__all__ = ["remove_containers"]

INSECURE = "--tls-verify=false"
UNIT = {"PODMAN_SYSTEMD_UNIT": "app.service"}


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    with running_registry(tmp_path / "registry", "plain") as reg:
        yield reg


def _updates(hutch: Hutch, *args: str) -> tuple[int, list[dict[str, str]], str]:
    done = hutch("auto-update", "--format", "json", *args, check=False)
    return done.returncode, json.loads(done.stdout), done.stderr


def test_local_policy(hutch: Hutch, base_image: str, rootfs_tar: Path) -> None:
    hutch("tag", base_image, "localhost/app:latest")
    hutch("run", "-d", "--name", "app", "--label", "io.containers.autoupdate=local",
          "localhost/app:latest", "sleep", "300", env=UNIT)  # fmt: skip
    label = '{{index .Config.Labels "PODMAN_SYSTEMD_UNIT"}}'
    assert hutch("inspect", "--format", label, "app").stdout.strip() == "app.service"
    code, reports, _ = _updates(hutch)
    assert code == 0
    assert [(r["Unit"], r["ContainerName"], r["Image"], r["Policy"], r["Updated"])
            for r in reports] == [("app.service", "app", "localhost/app:latest", "local",
                                   "false")]  # fmt: skip
    # another image under the name: pending in a dry run
    hutch("import", "--change", "CMD=/bin/true", str(rootfs_tar), "localhost/app:latest")
    assert [r["Updated"] for r in _updates(hutch, "--dry-run")[1]] == ["pending"]
    # no user manager here: the restart fails, so does the rollback's (the old image has
    # the name again), and both are said
    code, reports, err = _updates(hutch)
    assert code == 125 and [r["Updated"] for r in reports] == ["failed"]
    assert "Error: restarting unit with old image during fallback:" in err
    old = hutch("inspect", "--format", "{{.Image}}", "app").stdout.strip()
    assert (
        hutch("image", "inspect", "--format", "{{.Id}}", "localhost/app:latest").stdout.strip()
        == old
    )


def test_registry_policy_compares_digests(
    hutch: Hutch, base_image: str, rootfs_tar: Path, registry: Registry
) -> None:
    ref = registry.ref("test/app:1")
    hutch("push", INSECURE, base_image, ref)
    hutch("rmi", base_image)
    hutch("pull", INSECURE, ref)
    hutch("run", "-d", "--name", "app", "--label", "io.containers.autoupdate=registry",
          ref, "sleep", "300", env=UNIT)  # fmt: skip
    code, reports, err = _updates(hutch, INSECURE)
    assert (code, [r["Updated"] for r in reports]) == (0, ["false"]), err
    hutch("import", "--change", "CMD=/bin/true", str(rootfs_tar), "localhost/other:1")
    hutch("push", INSECURE, "localhost/other:1", ref)
    code, reports, err = _updates(hutch, INSECURE, "--dry-run")
    assert (code, [r["Policy"] for r in reports], [r["Updated"] for r in reports]) == (
        0, ["registry"], ["pending"]
    ), err  # fmt: skip


def test_a_container_without_its_unit_is_an_error(hutch: Hutch, base_image: str) -> None:
    hutch("run", "-d", "--name", "nounit", "--label", "io.containers.autoupdate=local",
          base_image, "sleep", "300")  # fmt: skip
    code, reports, err = _updates(hutch)
    assert (code, reports) == (125, [])
    assert "no PODMAN_SYSTEMD_UNIT label found" in err
    # no unit to look at: no auto-update event (podman's rule)
    assert "auto-update" not in hutch("events", "--stream=false").stdout


def test_a_run_records_one_system_event(hutch: Hutch, base_image: str) -> None:
    hutch("tag", base_image, "localhost/app:latest")
    hutch("run", "-d", "--name", "app", "--label", "io.containers.autoupdate=local",
          "localhost/app:latest", "sleep", "300", env=UNIT)  # fmt: skip
    _updates(hutch, "--dry-run")
    events = hutch("events", "--stream=false", "--filter", "type=system", "--format", "json")
    (event,) = [json.loads(line) for line in events.stdout.splitlines()]
    # podman leaves the empty Name out (omitempty)
    assert (event["Type"], event["Status"], event.get("Name")) == ("system", "auto-update", None)
    text = hutch("events", "--stream=false", "--filter", "event=auto-update").stdout
    assert text.rstrip("\n").endswith(" system auto-update"), text
