"""podman's ``info`` and ``version`` structures built from hutch's reports.

Templates see Go's field names (``.Host.OCIRuntime.Name``), JSON shows the
json tags podman marshals (``host.ociRuntime.name``): each field below is
declared once with both.
"""

from __future__ import annotations

import os
import platform
import stat
import time
from typing import Any

from hutch.api.system import HostInfo, IdMap, InfoReport, StoreInfo
from hutch.util.gotemplate import Struct


def _struct(type_name: str, *fields: tuple[str, str, Any]) -> Struct:
    """A Go struct from (Go name, json name, value) triples."""
    return Struct(
        type_name,
        {go: value for go, _, value in fields},
        {go: js for go, js, _ in fields if go != js},
    )


def _tool(type_name: str, path: str, version: str) -> Struct:
    """slirp4netns or pasta: its path and its ``--version`` text (no package: hutch
    asks no package manager)."""
    return _struct(
        type_name,
        ("Executable", "executable", path),
        ("Package", "package", ""),
        ("Version", "version", version),
    )


def _id_maps(maps: tuple[IdMap, ...]) -> list[Struct]:
    return [
        _struct(
            "idtools.IDMap",
            ("ContainerID", "container_id", m.container_id),
            ("HostID", "host_id", m.host_id),
            ("Size", "size", m.size),
        )
        for m in maps
    ]


def host(h: HostInfo, remote_socket: str = "") -> Struct:
    return _struct(
        "*define.HostInfo",
        ("Arch", "arch", h.arch),
        ("CgroupManager", "cgroupManager", h.cgroup_manager),
        ("CgroupsVersion", "cgroupVersion", h.cgroup_version),  # sic: Go's name
        ("CgroupControllers", "cgroupControllers", list(h.cgroup_controllers)),
        (
            "Conmon",
            "conmon",
            _struct(
                "*define.ConmonInfo",
                ("Package", "package", h.conmon.package),
                ("Path", "path", h.conmon.path),
                ("Version", "version", h.conmon.version),
            ),
        ),
        ("CPUs", "cpus", h.cpus),
        (
            "CPUUtilization",
            "cpuUtilization",
            _struct(
                "*define.CPUUsage",
                ("UserPercent", "userPercent", h.cpu_utilization.user_percent),
                ("SystemPercent", "systemPercent", h.cpu_utilization.system_percent),
                ("IdlePercent", "idlePercent", h.cpu_utilization.idle_percent),
            ),
        ),
        (
            "Distribution",
            "distribution",
            _struct(
                "define.DistributionInfo",
                ("Distribution", "distribution", h.distribution),
                ("Version", "version", h.distribution_version),
                ("Codename", "codename", h.codename),
            ),
        ),
        ("EventLogger", "eventLogger", "file"),
        ("Hostname", "hostname", h.hostname),
        (
            "IDMappings",
            "idMappings",
            _struct(
                "define.IDMappings",
                ("GIDMap", "gidmap", _id_maps(h.gid_map)),
                ("UIDMap", "uidmap", _id_maps(h.uid_map)),
            ),
        ),
        ("Kernel", "kernel", h.kernel),
        ("LogDriver", "logDriver", h.log_driver),
        ("MemFree", "memFree", h.mem_free),
        ("MemTotal", "memTotal", h.mem_total),
        ("NetworkBackend", "networkBackend", h.network_backend),
        (
            "OCIRuntime",
            "ociRuntime",
            _struct(
                "*define.OCIRuntimeInfo",
                ("Name", "name", h.oci_runtime),
                ("Package", "package", h.oci_runtime_package),
                ("Path", "path", h.oci_runtime_path),
                ("Version", "version", h.oci_runtime_version),
            ),
        ),
        ("OS", "os", h.os),
        (
            "RemoteSocket",
            "remoteSocket",
            Struct(
                "*define.RemoteSocket",
                {"Path": remote_socket, "Exists": _is_socket(remote_socket)},
                {"Path": "path,omitempty", "Exists": "exists,omitempty"},
            ),
        ),
        ("ServiceIsRemote", "serviceIsRemote", False),
        (
            "Security",
            "security",
            _struct(
                "define.SecurityInfo",
                ("AppArmorEnabled", "apparmorEnabled", False),
                ("DefaultCapabilities", "capabilities", h.default_capabilities),
                ("Rootless", "rootless", h.rootless),
                ("SECCOMPEnabled", "seccompEnabled", True),
                ("SECCOMPProfilePath", "seccompProfilePath", ""),
                ("SELinuxEnabled", "selinuxEnabled", False),
            ),
        ),
        # current podman's pasta (after Security), 4.3.1's slirp4netns
        ("Pasta", "pasta", _tool("define.PastaInfo", h.pasta, h.pasta_version)),
        (
            "Slirp4NetNS",
            "slirp4netns",
            _tool("define.SlirpInfo", h.slirp4netns, h.slirp4netns_version),
        ),
        ("SwapFree", "swapFree", h.swap_free),
        ("SwapTotal", "swapTotal", h.swap_total),
        ("Uptime", "uptime", h.uptime),
    )


def store(s: StoreInfo) -> Struct:
    return _struct(
        "*define.StoreInfo",
        ("ConfigFile", "configFile", s.config_file),
        (
            "ContainerStore",
            "containerStore",
            _struct(
                "define.ContainerStore",
                ("Number", "number", s.containers),
                ("Paused", "paused", s.paused),
                ("Running", "running", s.running),
                ("Stopped", "stopped", s.stopped),
            ),
        ),
        ("GraphDriverName", "graphDriverName", s.graph_driver),
        ("GraphOptions", "graphOptions", {}),
        ("GraphRoot", "graphRoot", s.graph_root),
        ("GraphRootAllocated", "graphRootAllocated", s.graph_root_allocated),
        ("GraphRootUsed", "graphRootUsed", s.graph_root_used),
        ("GraphStatus", "graphStatus", {}),
        ("ImageCopyTmpDir", "imageCopyTmpDir", "/var/tmp"),
        ("ImageStore", "imageStore", _struct("define.ImageStore", ("Number", "number", s.images))),
        ("RunRoot", "runRoot", s.run_root),
        ("VolumePath", "volumePath", s.volume_path),
    )


def version(number: str) -> Struct:
    """podman's define.Version (``GoVersion`` names the Python that runs hutch)."""
    arch = platform.machine()
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(arch, arch)
    return _struct(
        "*define.Version",
        ("APIVersion", "APIVersion", number),
        ("Version", "Version", number),
        ("GoVersion", "GoVersion", f"python{platform.python_version()}"),
        ("GitCommit", "GitCommit", ""),
        # podman's Built is 0 in a distribution's build, and its BuiltTime that
        # moment as Go's ANSIC in local time; hutch records no build time either
        ("BuiltTime", "BuiltTime", time.strftime("%a %b %e %H:%M:%S %Y", time.localtime(0))),
        ("Built", "Built", 0),
        ("OsArch", "OsArch", f"linux/{arch}"),
        ("Os", "Os", "linux"),
    )


def _is_socket(path: str) -> bool:
    try:
        return bool(path) and stat.S_ISSOCK(os.stat(path).st_mode)
    except OSError:
        return False


def info(report: InfoReport, remote_socket: str = "") -> Struct:
    """The whole ``info`` report: podman's sections, then hutch's own diagnostics."""
    facts = [
        _struct(
            "system.HostFact",
            ("Name", "name", f.name),
            ("Value", "value", f.value),
            ("OK", "ok", f.ok),
            ("Fix", "fix", f.fix),
        )
        for f in report.facts
    ]
    registries = {"search": list(report.search_registries)} if report.search_registries else {}
    fields: list[tuple[str, str, Any]] = []
    if report.host is not None:
        fields.append(("Host", "host", host(report.host, remote_socket)))
    if report.store is not None:
        fields.append(("Store", "store", store(report.store)))
    fields += [
        ("Registries", "registries", registries),
        (
            "Plugins",
            "plugins",
            _struct(
                "define.Plugins",
                ("Volume", "volume", ["local"]),
                ("Network", "network", ["bridge"]),
                ("Log", "log", ["k8s-file", "json-file", "none"]),
                ("Authorization", "authorization", None),  # podman's: none without plugins
            ),
        ),
        ("Version", "version", version(report.version)),
        ("Diagnostics", "diagnostics", facts),
    ]
    return _struct("*define.Info", *fields)


def client_server(number: str) -> Struct:
    """``version``'s report: podman's Client, and its Server, which is nil (and left
    out of the JSON) unless podman talks to a remote service: hutch never does."""
    return Struct(
        "*entities.SystemVersionReport",
        {"Client": version(number), "Server": None},
        {"Server": "Server,omitempty"},
    )
