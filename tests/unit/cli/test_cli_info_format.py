"""``info`` and ``version`` in podman's structure: Go names in templates, json tags in JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hutch.api.system import HostFact, HostInfo, IdMap, InfoReport, StoreInfo
from unit.fakes import FakeEngine, run_cli

HOST = HostInfo(
    arch="amd64",
    os="linux",
    kernel="6.1.0",
    hostname="box",
    cpus=2,
    mem_total=1000,
    mem_free=500,
    swap_total=0,
    swap_free=0,
    uptime="0h 1m 2.00s",
    distribution="debian",
    distribution_version="12",
    codename="bookworm",
    cgroup_manager="cgroupfs",
    cgroup_version="v1",
    cgroup_controllers=("hugetlb",),
    oci_runtime="hutch",
    oci_runtime_path="/usr/bin/hutch",
    network_backend="pasta",
    slirp4netns="/usr/bin/slirp4netns",
    pasta="/usr/bin/pasta",
    rootless=True,
    uid_map=(IdMap(0, 1000, 1), IdMap(1, 100000, 65536)),
    gid_map=(IdMap(0, 1000, 1), IdMap(1, 100000, 65536)),
    log_driver="k8s-file",
)
STORE = StoreInfo(
    config_file="/home/u/.config/hutch/hutch.toml",
    graph_driver="overlay",
    graph_root="/home/u/.local/share/hutch/storage",
    run_root="/tmp/hutch-1000",
    volume_path="/home/u/.local/share/hutch/storage/volumes",
    images=3,
    containers=2,
    running=1,
    paused=0,
    stopped=1,
)
REPORT = InfoReport(
    "9.9.9", (HostFact("pasta", "/usr/bin/pasta", True),), HOST, STORE, ("docker.io",)
)

TEMPLATES = [
    ("{{.Host.Arch}}", "amd64"),
    ("{{.Host.OCIRuntime.Name}}", "hutch"),
    ("{{.Host.Security.Rootless}}", "true"),
    ("{{.Host.CgroupManager}} {{.Host.CgroupsVersion}}", "cgroupfs v1"),
    ("{{.Host.NetworkBackend}}", "pasta"),
    (
        "{{.Host.Slirp4NetNS.Executable}} {{.Host.Pasta.Executable}}",
        "/usr/bin/slirp4netns /usr/bin/pasta",
    ),
    (
        "{{range .Host.IDMappings.UIDMap}}{{.ContainerID}}:{{.HostID}}:{{.Size}} {{end}}",
        "0:1000:1 1:100000:65536 ",
    ),
    ("{{.Store.GraphRoot}}", "/home/u/.local/share/hutch/storage"),
    ("{{.Store.RunRoot}}", "/tmp/hutch-1000"),
    ("{{.Store.GraphDriverName}}", "overlay"),
    ("{{.Store.ImageStore.Number}} {{.Store.ContainerStore.Running}}", "3 1"),
    ("{{.Registries}}", "map[search:[docker.io]]"),
    ("{{index .Registries.search 0}}", "docker.io"),
    ("{{.Version.Version}}", "9.9.9"),
    (
        "{{json .Host.Distribution}}",
        '{"distribution":"debian","version":"12","codename":"bookworm"}',
    ),
]


@pytest.mark.parametrize(("template", "out"), TEMPLATES)
def test_info_templates(
    template: str, out: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(
        ["info", "--format", template], FakeEngine(info_report=REPORT), monkeypatch, capsys
    )
    assert (result.code, result.out) == (0, out + "\n")


def test_info_json_has_podmans_tags(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(
        ["info", "--format", "json"], FakeEngine(info_report=REPORT), monkeypatch, capsys
    )
    data = json.loads(result.out)
    assert list(data) == ["host", "store", "registries", "plugins", "version", "diagnostics"]
    assert data["host"]["ociRuntime"]["name"] == "hutch"
    assert data["host"]["idMappings"]["uidmap"][1] == {
        "container_id": 1,
        "host_id": 100000,
        "size": 65536,
    }
    assert data["store"]["imageStore"] == {"number": 3}
    assert data["registries"] == {"search": ["docker.io"]}
    assert result.out.startswith('{\n  "host": {\n    "arch": "amd64",')  # podman's 2 spaces


def test_info_unknown_field_is_gos_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(
        ["info", "-f", "{{.Host.Nope}}"], FakeEngine(info_report=REPORT), monkeypatch, capsys
    )
    assert result.code == 125
    assert result.out == ""
    assert result.err == (
        'Error: template: info:1:7: executing "info" at <.Host.Nope>: '
        "can't evaluate field Nope in type *define.HostInfo\n"
    )


def test_version_format(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from hutch import __version__

    def version(*argv: str) -> Any:
        return run_cli(["version", *argv], FakeEngine(), monkeypatch, capsys)

    assert version("--format", "{{.Client.Version}} {{.Client.Os}}").out == (
        f"{__version__} linux\n"
    )
    # podman's Server is nil without a remote service: {{.Server}} prints <nil>, and
    # .Server.X falls back to the Client's .X (podman's rule for older templates)
    assert version("--format", "{{.Server}}").out == "<nil>\n"
    assert version("--format", "{{.Server.Version}}").out == f"{__version__}\n"
    failed = version("--format", "{{.Client.Version}} {{.Server.Version}}")
    assert failed.code == 125 and "can't evaluate field Client in type *define.Version" in (
        failed.err
    )
    out = version("--format", "json").out
    assert out.count("\n") == 1  # podman's: one line
    data = json.loads(out)
    assert set(data) == {"Client"}
    assert data["Client"]["APIVersion"] == __version__
    assert data["Client"]["BuiltTime"].endswith(" 1970")


def test_version_table(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from hutch import __version__

    lines = run_cli(["version"], FakeEngine(), monkeypatch, capsys).out.splitlines()
    assert [line[:14] for line in lines] == [
        "Client:       ",
        "Version:      ",
        "API Version:  ",
        "Go Version:   ",
        "Built:        ",
        "OS/Arch:      ",
    ]
    assert lines[0] == "Client:       hutch Engine" and lines[1].endswith(__version__)


def test_df_verbose_created_is_the_bare_duration() -> None:
    import time

    from hutch.cli.system_df import _age

    assert _age(time.time() - 240) == "4 minutes"  # podman's df -v: no "ago"


# podman 4.3.1's `info` keys of host (sorted by go-yaml) that hutch has too: all but
# buildahVersion and linkmode (Go's build facts); pasta is current podman's
PODMAN_HOST_KEYS = [
    "arch", "cgroupControllers", "cgroupManager", "cgroupVersion", "conmon",
    "cpuUtilization", "cpus", "distribution", "eventLogger", "hostname", "idMappings",
    "kernel", "logDriver", "memFree", "memTotal", "networkBackend", "ociRuntime", "os",
    "pasta", "remoteSocket", "security", "serviceIsRemote", "slirp4netns", "swapFree",
    "swapTotal", "uptime",
]  # fmt: skip


def test_info_prints_podmans_yaml(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import yaml

    result = run_cli(["info"], FakeEngine(info_report=REPORT), monkeypatch, capsys)
    podmans, _, ours = result.out.partition("\n\n")
    assert result.code == 0 and ours.startswith("# hutch's checks of this host")
    assert "\n#   pasta: /usr/bin/pasta\n" in ours
    data = yaml.safe_load(podmans)
    assert list(data) == ["host", "plugins", "registries", "store", "version"]
    assert list(data["host"]) == PODMAN_HOST_KEYS
    assert list(data["host"]["conmon"]) == ["package", "path", "version"]
    assert list(data["host"]["cpuUtilization"]) == ["idlePercent", "systemPercent", "userPercent"]
    assert data["store"]["imageStore"] == {"number": 3}
    assert data["store"]["containerStore"] == {"number": 2, "paused": 0, "running": 1, "stopped": 1}
    assert '\n    version: "12"\n' in podmans  # go-yaml's quotes for a number's text
    assert "\n    - container_id: 0\n      host_id: 1000\n      size: 1\n" in podmans


@pytest.mark.parametrize(
    ("template", "out"),
    [
        ("{{.Host.Conmon.Path}}", ""),
        ("{{.Host.CPUUtilization.IdlePercent}}", "0"),
        ("{{.Host.OCIRuntime.Version}}", ""),
        ("{{.Host.ServiceIsRemote}}", "false"),
        ("{{.Host.Pasta.Version}}", ""),
        ("{{.Store.ContainerStore.Number}}", "2"),
        ("{{len .Plugins.Log}}", "3"),
    ],
)
def test_info_templates_reach_the_filled_fields(
    template: str, out: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(
        ["info", "--format", template], FakeEngine(info_report=REPORT), monkeypatch, capsys
    )
    assert (result.code, result.out) == (0, out + "\n")


def test_cpu_usage_is_podmans_share_of_proc_stat() -> None:
    from hutch.engine.system_info import cpu_usage

    usage = cpu_usage("cpu  5340 0 1361 3299 0 0 0 0 0 0")
    assert (usage.user_percent, usage.system_percent, usage.idle_percent) == (53.4, 13.61, 32.99)
    assert cpu_usage("cpu").idle_percent == 0.0


def test_host_info_names_hutchs_monitor_and_runtime() -> None:
    import sys

    from hutch import __version__
    from hutch.engine.system_info import _monitor

    monitor = _monitor()
    assert monitor.path == sys.executable and monitor.package == f"hutch-{__version__}"
    assert monitor.version.startswith(f"hutch.runtime.monitor {__version__}, python 3.")
