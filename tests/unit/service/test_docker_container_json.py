"""Containers in Docker's shapes: the list item and inspect (keys and values as the
Docker Engine API v1.41 documents them)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from hutch.api.containers import (
    ContainerInspect,
    ContainerListing,
    ContainerSummary,
    InspectConfig,
    InspectEndpoint,
    InspectHealth,
    InspectHealthcheck,
    InspectHostConfig,
    InspectLimits,
    InspectLogConfig,
    InspectMount,
    InspectNetworkSettings,
    InspectPortBinding,
    InspectRestartPolicy,
    InspectState,
)
from hutch.service.docker.container_json import (
    container_inspect,
    container_list_item,
    status_text,
)
from hutch.service.docker.timefmt import rfc3339, seconds_of
from hutch.util.humantime import human_duration

NOW = 1_800_000_000.0
SUMMARY = ContainerSummary(
    id="c" * 64, name="web", image="docker.io/library/busybox:latest", image_id="a" * 64,
    command="sh -c 'sleep 1'", created=NOW - 7200, status="running", exit_code=0,
    started_at=NOW - 300, finished_at=0, labels=(("x", "y"),),
    mounts=(("data", "/store/data", "/data"), ("", "/tmp", "/host")),
    ports=(("", 8080, 80, "tcp"), ("127.0.0.1", 5353, 53, "udp")),
)  # fmt: skip


def _inspect(status: str = "running", health: str = "") -> ContainerInspect:
    limits = InspectLimits(
        "default", "cgroupfs", "", 67108864, 0, 0, 0, False, 0, 0, 0, 0, 0, 0, "", "", 0, 0,
        2048, 0, (), (), (), (), (),
    )  # fmt: skip
    return ContainerInspect(
        id="c" * 64, created="2026-12-03T18:00:00Z", path="/bin/sh", args=("-c", "sleep 1"),
        state=InspectState(
            "1.1.0", status, status == "running", False, False, False, False, 42, 41, 0, "",
            "2026-12-03T18:00:01Z", "0001-01-01T00:00:00Z", InspectHealth(health, 0, ()), "",
        ),
        image="a" * 64, image_name="busybox", rootfs="", resolv_conf_path="/r",
        hostname_path="/h", hosts_path="/hs", log_path="/l", name="web", restart_count=0,
        driver="overlay", mount_label="", process_label="", exec_ids=(),
        mounts=(
            InspectMount("volume", "data", "/s/data", "/data", "local", "", (), True, "rprivate"),
            InspectMount("bind", "", "/tmp", "/host", "", "", (), False, "rprivate"),
        ),
        config=InspectConfig(
            "web", "", ("PATH=/bin",), ("/bin/sh", "-c", "sleep 1"), "busybox", "/",
            ("/bin/sh",), {"x": "y"}, "SIGTERM", 10, ("run",), False, False,
        ),
        host_config=InspectHostConfig(
            InspectRestartPolicy("no", 0), False, "front,back",
            InspectLogConfig("k8s-file", "/l", "", "0B", None), limits,
        ),
        network_settings=InspectNetworkSettings(
            "", "10.89.0.1", "10.89.0.2", 24, "m", "br0",
            {"front": InspectEndpoint("", "10.89.0.1", "10.89.0.2", 24, "", "", 0, "m", "front",
                                      ("web",), "eth0")},
            {"80/tcp": (InspectPortBinding("", "8080"),), "443/tcp": None}, "", "/proc/42/ns/net",
        ),
    )  # fmt: skip


def test_list_item_has_dockers_keys_and_values() -> None:
    item = container_list_item(SUMMARY, NOW)
    assert list(item) == [
        "Id", "Names", "Image", "ImageID", "Command", "Created", "Ports", "Labels", "State",
        "Status", "HostConfig", "NetworkSettings", "Mounts",
    ]  # fmt: skip
    assert item["Names"] == ["/web"] and item["ImageID"] == "sha256:" + "a" * 64
    assert item["Created"] == int(NOW - 7200) and isinstance(item["Created"], int)
    assert item["Ports"] == [
        {"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"},
        {"IP": "127.0.0.1", "PrivatePort": 53, "PublicPort": 5353, "Type": "udp"},
    ]
    assert (item["State"], item["Status"]) == ("running", "Up 5 minutes")
    assert item["Labels"] == {"x": "y"}
    assert item["Mounts"][0]["Type"] == "volume" and item["Mounts"][0]["Name"] == "data"
    assert item["Mounts"][1]["Type"] == "bind" and "Name" not in item["Mounts"][1]
    assert item["HostConfig"] == {"NetworkMode": "default"}
    assert "SizeRw" not in item
    assert container_list_item(replace(SUMMARY, size=4096), NOW)["SizeRw"] == 4096
    json.dumps(item)


def _listing(size_root_fs: int | None = None, **changes: object) -> ContainerListing:
    """What the engine's listing gives for SUMMARY on the networks _inspect() shows."""
    inspected = _inspect()
    return ContainerListing(
        summary=replace(SUMMARY, **changes),  # type: ignore[arg-type]
        network_mode=inspected.host_config.network_mode,
        networks=inspected.network_settings.networks,
        size_root_fs=size_root_fs,
        mounts=inspected.mounts,
    )


def test_list_item_sizes_as_docker() -> None:
    """?size=1: the engine's measures; Docker's omitempty leaves out a SizeRw of 0."""
    item = container_list_item(_listing(2_000_000, size=4096), NOW)
    assert (item["SizeRw"], item["SizeRootFs"]) == (4096, 2_000_000)
    untouched = container_list_item(_listing(2_000_000, size=0), NOW)
    assert "SizeRw" not in untouched and untouched["SizeRootFs"] == 2_000_000
    assert "SizeRootFs" not in container_list_item(_listing(), NOW)


def test_list_item_of_a_listing_shows_the_networks() -> None:
    item = container_list_item(_listing(), NOW)
    assert item["HostConfig"] == {"NetworkMode": "front"}
    front = item["NetworkSettings"]["Networks"]["front"]
    assert (front["IPAddress"], front["Aliases"], front["NetworkID"]) == (
        "10.89.0.2", ["web"], "front",
    )  # fmt: skip
    # the rest of the item is the summary's, as without the listing, but for Mounts:
    # current podman's list gives inspect's (Mode, RW, Propagation as inspect has them)
    plain = container_list_item(SUMMARY, NOW)
    shown = ("HostConfig", "NetworkSettings", "Mounts")
    assert {k: v for k, v in item.items() if k not in shown} == {
        k: v for k, v in plain.items() if k not in shown
    }
    assert item["Mounts"] == container_inspect(_inspect())["Mounts"]
    assert item["Mounts"][1]["RW"] is False


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"status": "created"}, "Created"),
        ({"status": "running", "health": "healthy"}, "Up 5 minutes (healthy)"),
        ({"status": "running", "health": "starting"}, "Up 5 minutes (health: starting)"),
        ({"status": "paused"}, "Up 5 minutes (Paused)"),
        ({"status": "stopping"}, "Up 5 minutes"),
        (
            {"status": "exited", "exit_code": 137, "finished_at": NOW - 3 * 3600},
            "Exited (137) 3 hours ago",
        ),
        ({"status": "unknown"}, "Dead"),
        (
            {"status": "exited", "exit_code": 1, "finished_at": NOW - 2, "restarting": True},
            "Restarting (1) 2 seconds ago",
        ),
    ],
)
def test_status_text(changes: dict[str, object], expected: str) -> None:
    assert status_text(replace(SUMMARY, **changes), NOW) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.5, "Less than a second"), (1, "1 second"), (59, "59 seconds"), (60, "About a minute"),
        (3000, "50 minutes"), (3600, "About an hour"), (47 * 3600, "47 hours"),
        (3 * 86400, "3 days"), (20 * 86400, "2 weeks"), (90 * 86400, "3 months"),
        (800 * 86400, "2 years"),
    ],
)  # fmt: skip
def test_human_duration_is_go_units(seconds: float, text: str) -> None:
    assert human_duration(seconds) == text


def test_rfc3339_nanoseconds() -> None:
    assert rfc3339(0) == "0001-01-01T00:00:00Z"
    assert rfc3339(1_800_000_000.5) == "2027-01-15T08:00:00.5Z"
    assert rfc3339(1_800_000_000) == "2027-01-15T08:00:00Z"
    assert seconds_of("2027-01-15T08:00:00.123456789Z") == 1_800_000_000
    assert seconds_of("2027-01-15T09:00:00+01:00") == 1_800_000_000
    assert seconds_of("yesterday") == 0 and seconds_of(None) == 0


def test_inspect_has_dockers_keys_in_its_order() -> None:
    out = container_inspect(_inspect())
    assert list(out) == [
        "Id", "Created", "Path", "Args", "State", "Image", "ResolvConfPath", "HostnamePath",
        "HostsPath", "LogPath", "Name", "RestartCount", "Driver", "Platform", "MountLabel",
        "ProcessLabel", "AppArmorProfile", "ExecIDs", "HostConfig", "GraphDriver", "Mounts",
        "Config", "NetworkSettings",
    ]  # fmt: skip
    assert out["Name"] == "/web" and out["Image"] == "sha256:" + "a" * 64
    assert out["ExecIDs"] is None
    state = out["State"]
    assert (state["Status"], state["Running"], state["Pid"]) == ("running", True, 42)
    assert "Health" not in state  # no health check configured
    config = out["Config"]
    assert (config["Entrypoint"], config["Cmd"]) == (["/bin/sh"], ["-c", "sleep 1"])
    assert config["ExposedPorts"] == {"80/tcp": {}, "443/tcp": {}}
    assert config["Labels"] == {"x": "y"} and config["StopTimeout"] == 10
    host = out["HostConfig"]
    assert host["Binds"] == ["data:/data", "/tmp:/host:ro"]
    assert host["PortBindings"] == {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}
    assert host["RestartPolicy"] == {"Name": "", "MaximumRetryCount": 0}
    assert host["NetworkMode"] == "front" and host["Memory"] == 67108864
    assert host["PidsLimit"] == 2048 and "Cgroups" not in host
    assert host["LogConfig"] == {"Type": "k8s-file", "Config": {}}
    assert (host["CapAdd"], host["Privileged"], host["SecurityOpt"]) == (None, False, None)
    assert "Healthcheck" not in config
    net = out["NetworkSettings"]
    assert net["Ports"]["443/tcp"] is None
    assert net["Networks"]["front"]["IPPrefixLen"] == 24
    assert out["Mounts"][0] == {
        "Type": "volume", "Name": "data", "Source": "/s/data", "Destination": "/data",
        "Driver": "local", "Mode": "", "RW": True, "Propagation": "rprivate",
    }  # fmt: skip
    assert "Name" not in out["Mounts"][1]
    json.dumps(out)


def test_inspect_security_and_healthcheck() -> None:
    report = _inspect()
    report = replace(
        report,
        config=replace(
            report.config, healthcheck=InspectHealthcheck(("CMD", "true"), 5 * 10**9, 0, 0, 3)
        ),
        host_config=replace(report.host_config, cap_add=("NET_ADMIN",), readonly_rootfs=True),
    )
    out = container_inspect(report)
    assert out["Config"]["Healthcheck"] == {
        "Test": ["CMD", "true"], "Interval": 5 * 10**9, "Timeout": 0, "StartPeriod": 0,
        "Retries": 3,
    }  # fmt: skip
    assert out["HostConfig"]["CapAdd"] == ["NET_ADMIN"] and out["HostConfig"]["ReadonlyRootfs"]


def test_inspect_state_and_health_in_dockers_words() -> None:
    out = container_inspect(_inspect("stopping", health="healthy"))
    assert out["State"]["Status"] == "running" and out["State"]["Running"] is True
    assert out["State"]["Health"] == {"Status": "healthy", "FailingStreak": 0, "Log": []}
    dead = container_inspect(_inspect("unknown"))["State"]
    assert (dead["Status"], dead["Dead"], dead["Running"]) == ("dead", True, False)


def test_a_pending_restart_is_dockers_restarting_state() -> None:
    """Docker's State.StateString(): a container between runs of its restart policy
    is restarting, and counts as running (docker ps lists it without -a)."""
    pending = replace(SUMMARY, status="exited", exit_code=1, restarting=True)
    assert container_list_item(pending, NOW)["State"] == "restarting"
    assert container_list_item(replace(pending, restarting=False), NOW)["State"] == "exited"
    report = _inspect("exited")
    report = replace(report, state=replace(report.state, restarting=True, exit_code=1, pid=0))
    state = container_inspect(report)["State"]
    assert (state["Status"], state["Running"], state["Restarting"]) == ("restarting", True, True)
    assert (state["Pid"], state["ExitCode"], state["Dead"]) == (0, 1, False)


def test_inspects_podman_network_mode_is_dockers_again() -> None:
    from hutch.service.docker.container_json import inspected_network_mode

    assert inspected_network_mode("pasta", {}) == "default"
    assert inspected_network_mode("slirp4netns", {}) == "default"
    assert inspected_network_mode("bridge", {"front": None, "back": None}) == "front"
    assert inspected_network_mode("bridge", {}) == "bridge"
    assert inspected_network_mode("host", {}) == "host"
    assert inspected_network_mode("container:abc", {}) == "container:abc"


def test_a_one_word_command_is_dockers_path_and_no_args_podmans_cli_args_repeat_it() -> None:
    """podman's CLI shows a one-word command as Path "true", Args ["true"] (libpod keeps
    the whole command when nothing follows Path); Docker's API keeps Args [] and so
    its Cmd is the one word, not two."""
    from hutch.cli.inspecting import podman_shape

    entry = replace(_inspect(), path="/bin/sh", args=())
    out = container_inspect(entry)
    assert (out["Path"], out["Args"]) == ("/bin/sh", [])
    assert (out["Config"]["Entrypoint"], out["Config"]["Cmd"]) == (["/bin/sh"], [])
    assert podman_shape(entry).args == ("/bin/sh",)
    assert podman_shape(_inspect()).args == ("-c", "sleep 1")  # more words: as recorded
    assert podman_shape(replace(_inspect(), path="", args=())).args == ()


def test_podmans_cli_mounts_leave_out_a_tmpfs() -> None:
    from hutch.cli.inspecting import podman_shape

    tmpfs = InspectMount("tmpfs", "", "tmpfs", "/t", "", "", ("size=1m",), True, "")
    report = replace(_inspect(), mounts=(*_inspect().mounts, tmpfs))
    assert [m.destination for m in podman_shape(report).mounts] == ["/data", "/host"]
    assert len(container_inspect(report)["Mounts"]) == 3  # the Docker API keeps it
