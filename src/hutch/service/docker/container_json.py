"""Containers as Docker shows them: ``GET /containers/json`` items and
``GET /containers/{id}/json``, built from the engine's typed reports.

Docker's names carry a leading ``/``, image ids are ``sha256:``-prefixed,
and its states are created, running, paused, restarting, removing, exited
and dead: hutch's ``stopping`` is still running, an exited container whose
monitor waits out the restart back-off is restarting (and running, as Docker
counts it), and a container whose state cannot be read is dead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hutch.api.containers import (
    ContainerInspect,
    ContainerListing,
    ContainerSummary,
    InspectEndpoint,
    InspectMount,
)
from hutch.api.podman_json import to_json
from hutch.util.humantime import human_duration

JSON = dict[str, Any]
# Docker has no "initialized" (podman's, after init): such a container waits to start
_STATES = {"stopping": "running", "unknown": "dead", "initialized": "created"}
# Docker's states, the values its list's status filter takes; hutch never shows
# removing (its rm is one step) and shows dead only for a container it cannot read.
STATES = ("created", "restarting", "running", "removing", "paused", "exited", "dead")


def image_id(value: str) -> str:
    """``sha256:HEX`` (hutch keeps the hex)."""
    return value if not value or value.startswith("sha256:") else f"sha256:{value}"


def docker_state(status: str, restarting: bool = False) -> str:
    return "restarting" if restarting else _STATES.get(status, status)


def status_text(summary: ContainerSummary, now: float) -> str:
    """The ``Status`` column: ``Up 5 minutes (healthy)``, ``Exited (0) 2 hours ago``."""
    state = docker_state(summary.status, summary.restarting)
    if state in ("running", "paused"):
        text = f"Up {human_duration(now - summary.started_at)}"
        if state == "paused":
            return f"{text} (Paused)"
        if summary.health == "starting":
            return f"{text} (health: starting)"
        return f"{text} ({summary.health})" if summary.health else text
    if state in ("exited", "restarting"):
        word = state.capitalize()
        if not summary.finished_at:
            return f"{word} ({summary.exit_code})"
        ago = human_duration(now - summary.finished_at)
        return f"{word} ({summary.exit_code}) {ago} ago"
    return state.capitalize()


def network_mode(mode: str) -> str:
    """hutch's ``--network`` text as Docker's NetworkMode (private is Docker's default)."""
    if mode in ("", "private"):
        return "default"
    return mode.split(",")[0]


def inspected_network_mode(mode: str, networks: Iterable[str]) -> str:
    """Docker's NetworkMode from inspect's, which is podman's: the private network is
    named by its helper there (Docker's "default" here), user networks "bridge"
    (Docker names the first of them)."""
    if mode in ("pasta", "slirp4netns"):
        return "default"
    if mode == "bridge":
        return next(iter(networks), "bridge")
    return network_mode(mode)


def container_list_item(entry: ContainerSummary | ContainerListing, now: float) -> JSON:
    """One item of ``GET /containers/json``; a listing adds the network mode, the
    networks and SizeRootFs (a summary alone, as system df gives: none of them)."""
    if isinstance(entry, ContainerListing):
        listing: ContainerListing | None = entry
        summary = entry.summary
    else:
        listing, summary = None, entry
    item: JSON = {
        "Id": summary.id,
        "Names": [f"/{summary.name}"],
        "Image": summary.image,
        "ImageID": image_id(summary.image_id),
        "Command": summary.command,
        "Created": int(summary.created),
        "Ports": [
            {"IP": ip or "0.0.0.0", "PrivatePort": inner, "PublicPort": outer, "Type": proto}
            for ip, outer, inner, proto in summary.ports
        ],
        "Labels": dict(summary.labels),
        "State": docker_state(summary.status, summary.restarting),
        "Status": status_text(summary, now),
        "HostConfig": {"NetworkMode": network_mode(listing.network_mode) if listing else "default"},
        "NetworkSettings": {"Networks": _networks(listing.networks) if listing else {}},
        # current podman's list gives inspect's mounts (its Mode, RW and Propagation);
        # system df's summaries have only names and paths
        "Mounts": [_mount(m) for m in listing.mounts]
        if listing
        else [
            {
                "Type": "volume" if name else "bind",
                **({"Name": name, "Driver": "local"} if name else {}),
                "Source": source,
                "Destination": destination,
                "Mode": "",
                "RW": True,
                "Propagation": "" if name else "rprivate",
            }
            for name, source, destination in summary.mounts
        ],
    }
    # ?size=1: Docker's int64 fields with omitempty (a container that wrote nothing
    # has no SizeRw); SizeRootFs counts the image's files under the container's
    if summary.size:
        item["SizeRw"] = summary.size
    if listing is not None and listing.size_root_fs:
        item["SizeRootFs"] = listing.size_root_fs
    return item


def _endpoint(endpoint: InspectEndpoint) -> JSON:
    return {
        "IPAMConfig": None,
        "Links": None,
        "Aliases": list(endpoint.aliases) or None,
        "NetworkID": endpoint.network_id,
        "EndpointID": endpoint.endpoint_id,
        "Gateway": endpoint.gateway,
        "IPAddress": endpoint.ip_address,
        "IPPrefixLen": endpoint.ip_prefix_len,
        "IPv6Gateway": endpoint.ipv6_gateway,
        "GlobalIPv6Address": endpoint.global_ipv6_address,
        "GlobalIPv6PrefixLen": endpoint.global_ipv6_prefix_len,
        "MacAddress": endpoint.mac_address,
        "DriverOpts": None,
    }


def _networks(networks: dict[str, InspectEndpoint]) -> JSON:
    return {name: _endpoint(e) for name, e in networks.items()}


def _mount(mount: InspectMount) -> JSON:
    out: JSON = {"Type": mount.type}
    if mount.type == "volume":
        out["Name"] = mount.name
    out.update(Source=mount.source, Destination=mount.destination)
    if mount.type == "volume":
        out["Driver"] = mount.driver
    out.update(Mode=mount.mode, RW=mount.rw, Propagation=mount.propagation)
    return out


def _binds(mounts: tuple[InspectMount, ...]) -> list[str] | None:
    """HostConfig.Binds as Docker lists them (``SOURCE:DEST[:ro]``)."""
    out = [
        f"{m.name or m.source}:{m.destination}{'' if m.rw else ':ro'}"
        for m in mounts
        if m.type in ("bind", "volume") and (m.name or m.source)
    ]
    return out or None


def _split_command(report: ContainerInspect) -> tuple[list[str] | None, list[str]]:
    """(Entrypoint, Cmd): hutch records the whole command; the image's entrypoint
    is its head when it is there."""
    entry = list(report.config.entrypoint)
    command = [report.path, *report.args] if report.path else []
    if entry and command[: len(entry)] == entry:
        return entry, command[len(entry) :]
    return (entry or None), command


def container_inspect(report: ContainerInspect) -> JSON:
    """``GET /containers/{id}/json``: Docker's keys, in its order."""
    state, config, host = report.state, report.config, report.host_config
    entrypoint, cmd = _split_command(report)
    status = docker_state(state.status, state.restarting)
    ports = {
        port: None if bindings is None else [to_json(b) for b in bindings]
        for port, bindings in report.network_settings.ports.items()
    }
    limits = to_json(host.limits)
    for key in ("Cgroups", "CgroupManager"):
        limits.pop(key, None)  # podman's, not Docker's
    for key in _BLKIO_LISTS:  # Docker's lists are [] when empty (podman's CLI: null)
        if limits.get(key) is None:
            limits[key] = []
    health = None
    if state.health.status:
        health = {
            "Status": state.health.status,
            "FailingStreak": state.health.failing_streak,
            "Log": list(state.health.log or ()),
        }
    net = report.network_settings
    return {
        "Id": report.id,
        "Created": report.created,
        "Path": report.path,
        "Args": list(report.args),
        "State": {
            "Status": status,
            "Running": status in ("running", "paused", "restarting"),
            "Paused": state.paused,
            "Restarting": state.restarting,
            "OOMKilled": state.oom_killed,
            "Dead": status == "dead",
            "Pid": state.pid,
            "ExitCode": state.exit_code,
            "Error": state.error,
            "StartedAt": state.started_at,
            "FinishedAt": state.finished_at,
            **({"Health": health} if health else {}),
        },
        "Image": image_id(report.image),
        "ResolvConfPath": report.resolv_conf_path,
        "HostnamePath": report.hostname_path,
        "HostsPath": report.hosts_path,
        "LogPath": report.log_path,
        "Name": f"/{report.name}",
        "RestartCount": report.restart_count,
        "Driver": report.driver,
        "Platform": "linux",
        "MountLabel": report.mount_label,
        "ProcessLabel": report.process_label,
        "AppArmorProfile": "",
        "ExecIDs": list(report.exec_ids) or None,
        "HostConfig": {
            "Binds": _binds(report.mounts),
            "ContainerIDFile": "",
            "LogConfig": {
                "Type": host.log_config.type,
                "Config": host.log_config.config or {},
            },
            "NetworkMode": inspected_network_mode(
                host.network_mode, report.network_settings.networks
            ),
            "PortBindings": {k: v for k, v in ports.items() if v is not None},
            "RestartPolicy": {
                "Name": "" if host.restart_policy.name == "no" else host.restart_policy.name,
                "MaximumRetryCount": host.restart_policy.maximum_retry_count,
            },
            "AutoRemove": host.auto_remove,
            "VolumeDriver": "",
            "VolumesFrom": None,
            "CapAdd": list(host.cap_add) or None,
            "CapDrop": list(host.cap_drop) or None,
            "Privileged": host.privileged,
            "PublishAllPorts": False,
            "ReadonlyRootfs": host.readonly_rootfs,
            "SecurityOpt": list(host.security_opt) or None,
            **limits,
            "Ulimits": [to_json(u) for u in host.ulimits] or None,
        },
        "GraphDriver": {"Data": None, "Name": report.driver},
        "Mounts": [_mount(m) for m in report.mounts],
        "Config": {
            "Hostname": config.hostname,
            "Domainname": config.domainname,
            "User": config.user,
            "AttachStdin": False,
            "AttachStdout": False,
            "AttachStderr": False,
            "ExposedPorts": {port: {} for port in ports} or None,
            "Tty": config.tty,
            "OpenStdin": config.open_stdin,
            "StdinOnce": False,
            "Env": list(config.env),
            "Cmd": cmd,
            **({"Healthcheck": to_json(config.healthcheck)} if config.healthcheck else {}),
            "Image": config.image,
            "Volumes": None,
            "WorkingDir": config.working_dir,
            "Entrypoint": entrypoint,
            "OnBuild": None,
            "Labels": dict(config.labels or {}),  # Docker: {} when there are none
            "StopSignal": config.stop_signal,
            "StopTimeout": config.stop_timeout,
        },
        "NetworkSettings": {
            "Bridge": net.bridge,
            "SandboxID": net.sandbox_id,
            "HairpinMode": False,
            "LinkLocalIPv6Address": "",
            "LinkLocalIPv6PrefixLen": 0,
            "Ports": ports,
            "SandboxKey": net.sandbox_key,
            "SecondaryIPAddresses": None,
            "SecondaryIPv6Addresses": None,
            "EndpointID": net.endpoint_id,
            "Gateway": net.gateway,
            "GlobalIPv6Address": "",
            "GlobalIPv6PrefixLen": 0,
            "IPAddress": net.ip_address,
            "IPPrefixLen": net.ip_prefix_len,
            "IPv6Gateway": "",
            "MacAddress": net.mac_address,
            "Networks": _networks(net.networks),
        },
    }


_BLKIO_LISTS = (
    "BlkioWeightDevice",
    "BlkioDeviceReadBps",
    "BlkioDeviceWriteBps",
    "BlkioDeviceReadIOps",
    "BlkioDeviceWriteIOps",
)
