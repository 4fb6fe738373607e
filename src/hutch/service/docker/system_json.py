"""The system answers in Docker's shapes: ``/info`` and ``/system/df``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hutch.api.containers import ContainerSummary
from hutch.api.images import ImageSummary
from hutch.api.system import InfoReport
from hutch.api.volumes import VolumeSummary
from hutch.service.docker.container_json import container_list_item
from hutch.service.docker.image_json import image_list_item
from hutch.service.docker.volume_json import volume_json

JSON = dict[str, Any]
# Go's GOARCH -> uname's machine (Docker's /info Architecture is uname's).
_MACHINE = {"amd64": "x86_64", "arm64": "aarch64", "386": "i686", "arm": "armv7l"}
LOG_DRIVERS = ("k8s-file", "json-file", "none")


def info_json(info: InfoReport, system_time: str) -> JSON:
    """``GET /info`` from hutch's ``info`` report (``system_time``: RFC 3339 now)."""
    host, store = info.host, info.store
    if host is None or store is None:
        raise ValueError("info needs the host and store parts of the report")
    return {
        "ID": "",
        "Containers": store.containers,
        "ContainersRunning": store.running,
        "ContainersPaused": store.paused,
        "ContainersStopped": store.stopped,
        "Images": store.images,
        "Driver": store.graph_driver,
        "DriverStatus": [["Backing Filesystem", "extfs"]] if store.graph_driver == "vfs" else [],
        "Plugins": {
            "Volume": ["local"],
            "Network": ["bridge", "host", "null"],
            "Authorization": None,
            "Log": list(LOG_DRIVERS),
        },
        "MemoryLimit": host.cgroup_manager != "disabled",
        "SwapLimit": host.cgroup_manager != "disabled",
        "KernelMemory": False,
        "CpuCfsPeriod": host.cgroup_manager != "disabled",
        "CpuCfsQuota": host.cgroup_manager != "disabled",
        "CPUShares": host.cgroup_manager != "disabled",
        "CPUSet": host.cgroup_manager != "disabled",
        "PidsLimit": host.cgroup_manager != "disabled",
        "IPv4Forwarding": True,
        "BridgeNfIptables": False,
        "BridgeNfIp6tables": False,
        "Debug": False,
        "NFd": 0,
        "OomKillDisable": False,
        "NGoroutines": 0,
        "SystemTime": system_time,
        "LoggingDriver": host.log_driver,
        "CgroupDriver": host.cgroup_manager if host.cgroup_manager != "disabled" else "none",
        "CgroupVersion": host.cgroup_version.removeprefix("v"),
        "NEventsListener": 0,
        "KernelVersion": host.kernel,
        "OperatingSystem": f"{host.distribution} {host.distribution_version}".strip(),
        "OSVersion": host.distribution_version,
        "OSType": host.os,
        "Architecture": _MACHINE.get(host.arch, host.arch),
        "IndexServerAddress": "https://index.docker.io/v1/",
        "RegistryConfig": {
            "AllowNondistributableArtifactsCIDRs": [],
            "AllowNondistributableArtifactsHostnames": [],
            "InsecureRegistryCIDRs": [],
            "IndexConfigs": {},
            "Mirrors": [],
        },
        "NCPU": host.cpus,
        "MemTotal": host.mem_total,
        "GenericResources": None,
        "DockerRootDir": store.graph_root,
        "HttpProxy": "",
        "HttpsProxy": "",
        "NoProxy": "",
        "Name": host.hostname,
        "Labels": [],
        "ExperimentalBuild": False,
        "ServerVersion": info.version,
        "Runtimes": {host.oci_runtime: {"path": host.oci_runtime_path}},
        "DefaultRuntime": host.oci_runtime,
        "Swarm": {
            "NodeID": "",
            "NodeAddr": "",
            "LocalNodeState": "inactive",
            "ControlAvailable": False,
            "Error": "",
            "RemoteManagers": None,
        },
        "LiveRestoreEnabled": False,
        "Isolation": "",
        "InitBinary": "",
        "ContainerdCommit": {"ID": "", "Expected": ""},
        "RuncCommit": {"ID": "", "Expected": ""},
        "InitCommit": {"ID": "", "Expected": ""},
        "SecurityOptions": ["name=seccomp,profile=default", *(["name=rootless"] * host.rootless)],
        "Warnings": [f.name + ": " + f.fix for f in info.facts if not f.ok and f.fix],
    }


def system_df(
    images: Sequence[ImageSummary],
    containers: Sequence[ContainerSummary],
    volumes: Sequence[VolumeSummary],
    now: float,
) -> JSON:
    """``GET /system/df``: sizes are hutch's (a container's ``SizeRw`` when it was
    measured, its image's size as ``SizeRootFs``)."""
    image_sizes = {i.id: i.size for i in images}
    listed = []
    for c in containers:
        item = container_list_item(c, now)
        item["SizeRw"] = c.size or 0
        item["SizeRootFs"] = image_sizes.get(c.image_id, 0) + (c.size or 0)
        listed.append(item)
    return {
        "LayersSize": sum(image_sizes.values()),
        "Images": [image_list_item(i) for i in images],
        "Containers": listed,
        "Volumes": [volume_json(v, usage=True) for v in volumes],
        "BuildCache": [],
    }
