"""Differential: the field sets and the key order of ``info`` (its YAML and its JSON)
and of ``container inspect`` against Debian's podman 4.3.1 (issue 15). Values differ
between two stores and two tools, so what is compared is which keys each object has
and in which order; a Go map's keys (GraphDriver.Data) as a set."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from build_helpers import write_context
from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture

# podman's host keys hutch leaves out (facts of podman's Go build), and current
# podman's pasta, which 4.3.1 has not
PODMAN_ONLY_HOST = {"buildahVersion", "linkmode"}
NEWER_HOST = {"pasta"}


def _podman_yaml(text: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _hutch_yaml(text: str) -> dict[str, Any]:
    """hutch's YAML: podman's document, hutch's checks after it as comments."""
    podmans, sep, ours = text.partition("\n\n")
    assert sep and ours.startswith("# hutch's checks of this host"), text[-300:]
    data = _podman_yaml(text)
    assert data == _podman_yaml(podmans)
    return data


def _same_keys(ours: dict[str, Any], theirs: dict[str, Any], where: str) -> None:
    assert list(ours) == list(theirs), where


def test_info_yaml_has_podmans_sections_keys_and_order(hutch: Hutch, podman: Run) -> None:
    ours_text = hutch("info").stdout
    theirs_text = podman("info").stdout
    ours, theirs = _hutch_yaml(ours_text), _podman_yaml(theirs_text)
    _same_keys(ours, theirs, "top")  # host, plugins, registries, store, version
    host_ours = [k for k in ours["host"] if k not in NEWER_HOST]
    host_theirs = [k for k in theirs["host"] if k not in PODMAN_ONLY_HOST]
    assert host_ours == host_theirs
    for key in ("conmon", "cpuUtilization", "distribution", "idMappings", "ociRuntime"):
        _same_keys(ours["host"][key], theirs["host"][key], key)
    for key in ("security", "slirp4netns"):
        _same_keys(ours["host"][key], theirs["host"][key], key)
    for section in ("plugins", "store", "version"):
        _same_keys(ours[section], theirs[section], section)
    for key in ("containerStore", "imageStore"):
        _same_keys(ours["store"][key], theirs["store"][key], key)
    # go-yaml's layout: the same quoting of a number's text, the list items under
    # their key, a blank line after the document
    assert f'\n    version: "{theirs["host"]["distribution"]["version"]}"\n' in ours_text
    assert "\n    gidmap:\n    - container_id: 0\n" in ours_text
    assert theirs_text.endswith("\n\n")
    # the facts both must agree on
    for key in ("arch", "os", "cpus", "kernel", "hostname", "distribution", "cgroupVersion"):
        assert ours["host"][key] == theirs["host"][key], key
    assert ours["host"]["security"]["rootless"] is True
    assert ours["host"]["serviceIsRemote"] is False
    assert ours["host"]["idMappings"] == theirs["host"]["idMappings"]


def test_info_json_keys_in_podmans_order(hutch: Hutch, podman: Run) -> None:
    ours = json.loads(hutch("info", "--format", "json").stdout)
    theirs = json.loads(podman("info", "--format", "json").stdout)
    assert [k for k in ours if k != "diagnostics"] == list(theirs)
    assert [k for k in ours["host"] if k not in NEWER_HOST] == [
        k for k in theirs["host"] if k not in PODMAN_ONLY_HOST
    ]
    assert list(ours["store"]) == list(theirs["store"])
    assert list(ours["host"]["conmon"]) == list(theirs["host"]["conmon"])
    assert list(ours["host"]["cpuUtilization"]) == list(theirs["host"]["cpuUtilization"])
    # shares of the same whole (the rest: nice, iowait, irq, ...)
    assert 0 < sum(ours["host"]["cpuUtilization"].values()) <= 100.01
    # the templates reach the same paths
    for path in (".Host.Conmon.Path", ".Host.OCIRuntime.Name", ".Store.ImageStore.Number"):
        assert hutch("info", "--format", "{{" + path + "}}").stdout.strip(), path


@pytest.fixture(name="pair")
def fixture_pair(hutch: Hutch, base_image: str, podman: Run) -> Iterator[None]:
    """In both: ``icr`` created, ``iex`` run to its exit."""
    for tool in (hutch, podman):
        assert tool("create", "--name", "icr", "-v", "/data", base_image, "true").returncode == 0
        assert tool("run", "--name", "iex", "-v", "/data", base_image, "true").returncode == 0
    yield
    for tool in (hutch, podman):
        tool("rm", "-f", "icr", "iex")


def _inspect(tool: Any, name: str) -> dict[str, Any]:
    done = tool("container", "inspect", name)
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)[0]
    return data


SECTIONS = ("State", "Config", "HostConfig", "NetworkSettings", "GraphDriver")


@pytest.mark.parametrize("name", ["icr", "iex"])
def test_container_inspect_keys_in_podmans_order(
    hutch: Hutch, podman: Run, pair: None, name: str
) -> None:
    ours, theirs = _inspect(hutch, name), _inspect(podman, name)
    assert list(ours) == list(theirs)
    for section in SECTIONS:
        assert list(ours[section]) == list(theirs[section]), section
    # a Go map: its keys as a set
    assert set(ours["GraphDriver"]["Data"]) == set(theirs["GraphDriver"]["Data"])
    assert list(ours["HostConfig"]["LogConfig"]) == list(theirs["HostConfig"]["LogConfig"])
    assert list(ours["State"]["Health"]) == list(theirs["State"]["Health"])
    assert list(ours["Mounts"][0]) == list(theirs["Mounts"][0])
    # hutch's own paths, where it keeps them
    static = ours["StaticDir"]
    assert ours["ConmonPidFile"] == static + "/conmon.pid"
    assert ours["ResolvConfPath"] == static + "/resolv.conf"
    data = ours["GraphDriver"]["Data"]
    assert data["UpperDir"].endswith("/upper") and data["WorkDir"].endswith("/work")
    if name == "iex":
        assert ours["OCIConfigPath"] == static + "/config.json"
        assert "ConmonPid" not in ours["State"] and "ConmonPid" not in theirs["State"]


def test_inspect_templates_reach_the_new_paths(hutch: Hutch, base_image: str, pair: None) -> None:
    fmt = (
        "{{.OCIConfigPath}}|{{.GraphDriver.Data.MergedDir}}|{{.State.ConmonPid}}|"
        "{{.State.CgroupPath}}|{{len .NetworkSettings.Networks}}"
    )
    config, merged, conmon_pid, cgroup, networks = (
        hutch("inspect", "--format", fmt, "iex").stdout.strip().split("|")
    )
    assert config.endswith("/userdata/config.json")
    # exited: no mount, no monitor, no cgroup (Go's zero values for a template)
    assert (merged, conmon_pid, cgroup, networks) == ("<no value>", "0", "", "0")
    hutch("run", "-d", "--name", "irun", base_image, "sleep", "60")
    try:
        running = hutch("inspect", "--format", fmt, "irun").stdout.strip().split("|")
        data = json.loads(hutch("inspect", "irun").stdout)[0]
    finally:
        hutch("rm", "-f", "-t", "0", "irun", check=False)
    assert running[1].endswith("/merged") and int(running[2]) > 0
    assert running[3] == data["State"]["CgroupPath"] != ""
    pid = data["State"]["Pid"]
    assert pid > 0 and "MergedDir" in data["GraphDriver"]["Data"]


HEALTHY = """\
FROM base
HEALTHCHECK --interval=30s --timeout=5s --start-period=2s --retries=4 CMD ["true"]
CMD ["sh"]
"""


def test_docker_images_healthcheck_as_podmans(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    """``build --format docker`` with HEALTHCHECK: podman's image inspect shows it as
    the last key, Healthcheck (the template's .HealthCheck), not in .Config."""
    context = write_context(tmp_path / "ctx", {}, containerfile=HEALTHY)
    for tool in (hutch, podman):
        built = tool("build", "-q", "--format", "docker", "-t", "healthy", str(context))
        assert built.returncode == 0, built.stderr
    try:
        ours = json.loads(hutch("image", "inspect", "healthy").stdout)[0]
        theirs = json.loads(podman("image", "inspect", "healthy").stdout)[0]
        assert list(ours) == list(theirs)
        assert ours["Healthcheck"] == theirs["Healthcheck"]
        assert list(ours["Healthcheck"]) == list(theirs["Healthcheck"])
        # .Config is OCI's ImageConfig: podman's labels aside (buildah's version), the same
        assert [k for k in ours["Config"] if k != "Labels"] == [
            k for k in theirs["Config"] if k != "Labels"
        ]
        fmt = "{{json .HealthCheck}} {{.HealthCheck.Retries}}"
        mine = hutch("image", "inspect", "--format", fmt, "healthy").stdout
        assert mine == podman("image", "inspect", "--format", fmt, "healthy").stdout
        # an image without one: <nil> in both
        fmt = "{{.HealthCheck}}"
        assert hutch("image", "inspect", "--format", fmt, base_image).stdout == "<nil>\n"
        assert podman("image", "inspect", "--format", fmt, base_image).stdout == "<nil>\n"
    finally:
        hutch("rmi", "-f", "healthy", check=False)
        podman("rmi", "-f", "healthy")
