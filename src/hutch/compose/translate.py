"""One service of the model -> the ``RunOptions`` of one of its containers.

Every service key is either mapped here, handled by the planner (replicas,
dependencies, networks to create), or refused by name: a key hutch does not
implement is never silently ignored.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hutch.api.container_config import (
    HealthOptions,
    KernelOptions,
    LifecycleOptions,
    LogOptions,
    NamespaceOptions,
    NetworkOptions,
    ResourceOptions,
    RunOptions,
    SecurityOptions,
    VolumeOptions,
)
from hutch.compose.model import LABEL as LABEL
from hutch.compose.secrets import bind_volumes, secret_files, secret_flags
from hutch.compose.swarm import SWARM_ONLY

# Keys the planner handles itself, or that have no effect on one container.
PLANNER_KEYS = {
    "depends_on", "profiles", "scale", "networks", "container_name", "image", "expose",
    "pull_policy", "platform", "extends", "build", "attach", "links", "post_start", "pre_stop",
    "external_links", "pull_refresh_after",
}  # fmt: skip
MAPPED_KEYS = {
    "command", "entrypoint", "environment", "working_dir", "user", "hostname", "labels",
    "ports", "volumes", "tmpfs", "dns", "dns_search", "dns_opt", "extra_hosts", "restart",
    "healthcheck", "stop_signal", "stop_grace_period", "init", "read_only", "cap_add",
    "cap_drop", "security_opt", "privileged", "devices", "ulimits", "sysctls", "group_add",
    "userns_mode", "tty", "stdin_open", "logging", "mem_limit", "mem_reservation", "cpus",
    "pids_limit", "deploy", "network_mode", "cpu_shares", "cpuset", "memswap_limit",
    "cgroup_parent", "cpu_period", "cpu_quota", "blkio_config", "shm_size", "pid", "ipc",
    "uts", "cgroup", "oom_score_adj", "volumes_from", "annotations", "device_cgroup_rules",
    "secrets", "configs", "mac_address", "domainname",
}  # fmt: skip
# Refused with the reason, not just by name (what hutch would need, or why it cannot)
REASONS = {
    "oom_kill_disable": "cgroup v2 cannot disable the OOM killer (hutch run takes "
    "--oom-kill-disable only to ignore it with a warning)",
    "mem_swappiness": "cgroup v2 has no swappiness setting (hutch run takes --memory-swappiness "
    "only to ignore it with a warning)",
    "cpu_count": "it is a Windows setting (hutch run has no --cpu-count)",
    "cpu_percent": "it is a Windows setting (hutch run has no --cpu-percent)",
    "cpu_rt_runtime": "cgroup v2 has no real-time CPU budget (hutch run takes --cpu-rt-runtime "
    "only to ignore it with a warning)",
    "cpu_rt_period": "cgroup v2 has no real-time CPU budget (hutch run takes --cpu-rt-period "
    "only to ignore it with a warning)",
    "storage_opt": "hutch's storage drivers take no per-container options (hutch run has no "
    "--storage-opt; size= needs XFS project quotas)",
    "runtime": "hutch runs containers with its own runtime and cannot hand them to another OCI "
    "runtime (hutch run has no --runtime)",
    "isolation": "it is a Windows setting: on Linux only 'default' is valid",
    "credential_spec": "it is a Windows setting (gMSA credentials for Windows containers)",
    "gpus": "hutch has no GPU support (hutch run has no --gpus and no CDI): give the GPU's "
    "device nodes under devices:",
    "models": "it needs Docker Model Runner, which hutch does not have",
    "provider": "a provider service is run by a docker compose plugin, which hutch does not have",
    "develop": "it configures `docker compose watch`, which hutch compose does not have",
    "use_api_socket": "hutch has no always-running API socket to give the container (the Docker "
    "API is served only while `hutch system service` runs)",
    "deploy.mode": "only 'replicated' and 'global' exist (global is one container on one host)",
    "deploy.resources.reservations.devices": "hutch has no device reservations (no --gpus, no "
    "CDI): give the device nodes under devices:",
}
# Values that ask for nothing beyond hutch's behaviour: such a key is accepted
_NO_OPS: dict[str, tuple[Any, ...]] = {
    "isolation": ("default",),
    "oom_kill_disable": (False,),
    "use_api_socket": (False,),
    "gpus": ([],),
    "storage_opt": ({},),
}
# (label_file and env_file are read into labels and environment by compose/finalise.py.)
_DEPLOY_KEYS = {"replicas", "resources", "labels", "restart_policy"}
_MODES = ("replicated", "global")
# deploy.restart_policy.condition -> run's --restart (docker compose maps it so)
_CONDITIONS = {"none": "no", "no": "no", "on-failure": "on-failure", "any": "always"}
_CONDITIONS.update({"always": "always", "unless-stopped": "unless-stopped"})
_RESOURCES = {"limits": {"cpus", "memory", "pids"}, "reservations": {"memory"}}
# blkio_config keys, each with a run flag (another key is refused by name)
_BLKIO = (
    "weight",
    "weight_device",
    "device_read_bps",
    "device_write_bps",
    "device_read_iops",
    "device_write_iops",
)
_PULL = {"always": "always", "never": "never", "missing": "missing", "if_not_present": "missing"}


@dataclass(frozen=True)
class ContainerPlan:
    """What to create for replica ``number`` of ``service``."""

    service: str
    number: int
    name: str
    options: RunOptions
    config_hash: str


def unsupported_keys(service: Mapping[str, Any]) -> list[str]:
    """The keys of ``service`` hutch compose does not implement (``x-`` keys are fine)."""
    out = [
        key
        for key in service
        if key not in PLANNER_KEYS
        and key not in MAPPED_KEYS
        and not key.startswith("x-")
        and service[key] not in _NO_OPS.get(key, ())
    ]
    deploy = service.get("deploy") or {}
    for key in deploy:
        if key == "mode" and deploy[key] in _MODES:
            continue
        name = f"deploy.{key}"
        if key not in _DEPLOY_KEYS and not key.startswith("x-") and name not in SWARM_ONLY:
            out.append(name)
    policy = deploy.get("restart_policy") or {}
    if policy.get("condition", "any") not in _CONDITIONS:
        out.append("deploy.restart_policy.condition")
    resources = deploy.get("resources") or {}
    for part, known in _RESOURCES.items():
        for key in resources.get(part) or {}:
            name = f"deploy.resources.{part}.{key}"
            if key not in known and not key.startswith("x-") and name not in SWARM_ONLY:
                out.append(name)
    out += [f"blkio_config.{k}" for k in service.get("blkio_config") or {} if k not in _BLKIO]
    return out


def key_reason(key: str, service: Mapping[str, Any]) -> str:
    """Why ``key`` (as ``unsupported_keys`` names it) is refused; "" when only its name can be."""
    if key == "deploy.restart_policy.condition":
        condition = (service.get("deploy") or {}).get("restart_policy", {}).get("condition")
        return f"unknown condition {condition!r}: use none, on-failure or any"
    if key == "deploy.mode":
        mode = (service.get("deploy") or {}).get("mode")
        return f"unknown mode {mode!r}: {REASONS[key]}"
    return REASONS.get(key, "")


def restart_policy(service: Mapping[str, Any]) -> str:
    """run's ``--restart``: ``deploy.restart_policy`` wins over ``restart`` (as docker
    compose has it); its condition defaults to ``any`` as the spec says."""
    policy = (service.get("deploy") or {}).get("restart_policy")
    if policy is None:
        return str(service.get("restart", "no"))
    mode = _CONDITIONS[str(policy.get("condition", "any"))]
    attempts = policy.get("max_attempts")
    if mode == "on-failure" and attempts is not None:
        return f"on-failure:{int(attempts)}"
    return mode


def duration_seconds(text: str) -> int:
    """A Go-style duration (``1m30s``, ``10s``, ``500ms``) in whole seconds."""
    total = 0.0
    units = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001, "us": 1e-6, "ns": 1e-9}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|ns|h|m|s)", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"invalid duration {text!r}")
    for number, unit in parts:
        total += float(number) * units[unit]
    return int(total)


def _health(check: Mapping[str, Any]) -> HealthOptions:
    test = check.get("test")
    if check.get("disable") in (True, "true") or (test and test[0] == "NONE"):
        return HealthOptions(disabled=True)
    cmd = None
    if test:
        # the CMD form whole: --health-cmd keeps an array that starts with CMD as it is
        cmd = test[1] if test[0] == "CMD-SHELL" else json.dumps(list(test))
    retries = check.get("retries")
    return HealthOptions(
        cmd=cmd,
        interval=check.get("interval"),
        timeout=check.get("timeout"),
        start_period=check.get("start_period"),
        # 0 keeps the image's count, as Docker's API reads it (the flag refuses 0)
        retries=int(retries) or None if retries is not None else None,
    )


def _port(entry: Mapping[str, Any]) -> str:
    text = f"{entry['target']}/{entry.get('protocol', 'tcp')}"
    if entry.get("published"):
        text = f"{entry['published']}:{text}"
        if entry.get("host_ip"):
            host = entry["host_ip"]
            text = f"{'[' + host + ']' if ':' in host else host}:{text}"
    return text


def _mount(entry: Mapping[str, Any], volumes: Mapping[str, Any]) -> tuple[str, str]:
    """("volume" | "tmpfs" | "mount", the ``-v``/``--tmpfs``/``--mount`` text) of one
    long-syntax mount (``--mount`` for a volume's ``subpath``, which ``-v`` lacks)."""
    kind = entry.get("type")
    target = entry["target"]
    if kind == "tmpfs":
        size = (entry.get("tmpfs") or {}).get("size")
        return "tmpfs", f"{target}:size={size}" if size else target
    if kind not in ("bind", "volume"):
        raise ValueError(f"volume type {kind!r} is not implemented by hutch compose")
    source = entry.get("source")
    if not source:
        return "volume", target
    if kind == "volume":
        source = volumes[source]["name"]
        subpath = (entry.get("volume") or {}).get("subpath")
        if subpath:
            return "mount", _volume_subpath_mount(entry, source, subpath)
    options = []
    if entry.get("read_only"):
        options.append("ro")
    selinux = (entry.get("bind") or {}).get("selinux")
    if selinux:
        options.append(selinux)
    if (entry.get("volume") or {}).get("nocopy"):
        options.append("nocopy")
    return "volume", ":".join([source, target, *([",".join(options)] if options else [])])


def _volume_subpath_mount(entry: Mapping[str, Any], source: str, subpath: str) -> str:
    fields = ["type=volume", f"source={source}", f"destination={entry['target']}"]
    if entry.get("read_only"):
        fields.append("ro=true")
    if (entry.get("volume") or {}).get("nocopy"):
        fields.append("volume-nocopy=true")
    fields.append(f"subpath={subpath}")
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)  # a comma in a path is quoted
    return out.getvalue()


def run_options(
    project: str,
    service_name: str,
    service: Mapping[str, Any],
    model: Mapping[str, Any],
    *,
    name: str,
    image: str,
    labels: Mapping[str, str],
    environ: Mapping[str, str] | None = None,
) -> RunOptions:
    """The ``RunOptions`` of one container of ``service`` (the model is normalised)."""
    env = tuple(f"{k}={v}" for k, v in (service.get("environment") or {}).items() if v is not None)
    secrets = secret_files(service, model, environ or {})
    entrypoint = service.get("entrypoint")
    mounts = [_mount(m, model.get("volumes") or {}) for m in service.get("volumes") or []]
    limits = ((service.get("deploy") or {}).get("resources") or {}).get("limits") or {}
    reservations = ((service.get("deploy") or {}).get("resources") or {}).get("reservations") or {}
    networks = service.get("networks") or {}
    declared = model.get("networks") or {}
    mode = service.get("network_mode")
    if mode is not None:
        network = _service_mode(project, mode)
    else:
        network = ",".join(declared[n]["name"] for n in networks)
    aliases = [service_name]
    for body in networks.values():
        aliases += [a for a in (body or {}).get("aliases", []) if a not in aliases]
    aliases += [a for a in link_aliases(service_name, model) if a not in aliases]
    first = next(iter(networks.values()), None) or {}
    logging = service.get("logging") or {}
    memory = limits.get("memory", service.get("mem_limit"))
    cpus = limits.get("cpus", service.get("cpus"))
    pids = limits.get("pids", service.get("pids_limit"))
    grace = service.get("stop_grace_period")
    blkio = service.get("blkio_config") or {}
    return RunOptions(
        image=image,
        command=tuple(service.get("command") or ()),
        entrypoint=(
            None
            if entrypoint is None
            else entrypoint[0]
            if len(entrypoint) == 1
            else json.dumps(list(entrypoint))
        ),
        interactive=bool(service.get("stdin_open")),
        tty=bool(service.get("tty")),
        env=env,
        secrets=secret_flags(secrets),
        workdir=service.get("working_dir"),
        user=service.get("user"),
        hostname=service.get("hostname"),
        domainname=service.get("domainname"),
        name=name,
        network=network,
        detach=True,
        restart=restart_policy(service),
        labels=tuple(f"{k}={v}" for k, v in {**(service.get("labels") or {}), **labels}.items()),
        annotations=tuple(f"{k}={v}" for k, v in (service.get("annotations") or {}).items()),
        stop_signal=service.get("stop_signal"),
        stop_timeout=duration_seconds(grace) if grace else None,
        net=NetworkOptions(
            publish=tuple(_port(p) for p in service.get("ports") or []),
            aliases=tuple(aliases) if mode is None else (),
            ip=first.get("ipv4_address"),
            ip6=first.get("ipv6_address"),
            mac_address=service.get("mac_address") or first.get("mac_address"),
            add_hosts=tuple(
                f"{host}:{ip}"
                for host, addresses in (service.get("extra_hosts") or {}).items()
                for ip in (addresses if isinstance(addresses, list) else [addresses])
            ),
            dns=tuple(service.get("dns") or ()),
            dns_search=tuple(service.get("dns_search") or ()),
            dns_options=tuple(service.get("dns_opt") or ()),
        ),
        security=SecurityOptions(
            cap_add=tuple(service.get("cap_add") or ()),
            cap_drop=tuple(service.get("cap_drop") or ()),
            privileged=bool(service.get("privileged")),
            security_opt=tuple(service.get("security_opt") or ()),
            read_only=bool(service.get("read_only")),
            sysctl=tuple(f"{k}={v}" for k, v in (service.get("sysctls") or {}).items()),
            ulimit=ulimit_flags(service.get("ulimits") or {}),
            device=tuple(
                d if isinstance(d, str) else f"{d['source']}:{d.get('target', d['source'])}"
                for d in service.get("devices") or []
            ),
            group_add=tuple(service.get("group_add") or ()),
            device_cgroup_rules=tuple(service.get("device_cgroup_rules") or ()),
            userns=service.get("userns_mode"),
        ),
        lifecycle=LifecycleOptions(
            init=bool(service.get("init")),
            health=_health(service.get("healthcheck") or {}),
        ),
        volumes=VolumeOptions(
            volumes=tuple(text for kind, text in mounts if kind == "volume")
            + bind_volumes(secrets),
            mounts=tuple(text for kind, text in mounts if kind == "mount"),
            volumes_from=tuple(
                _volumes_from(project, entry, model) for entry in service.get("volumes_from") or ()
            ),
            tmpfs=tuple(
                [text for kind, text in mounts if kind == "tmpfs"]
                + list(service.get("tmpfs") or [])
            ),
        ),
        resources=ResourceOptions(
            memory=None if memory is None else str(memory),
            memory_reservation=_text(reservations.get("memory", service.get("mem_reservation"))),
            memory_swap=_text(service.get("memswap_limit")),
            cpus=None if cpus is None else str(cpus),
            pids_limit=None if pids is None else int(pids),
            cpu_shares=None if service.get("cpu_shares") is None else int(service["cpu_shares"]),
            cpuset_cpus=service.get("cpuset"),
            cgroup_parent=service.get("cgroup_parent"),
            cpu_period=_int(service.get("cpu_period")),
            cpu_quota=_int(service.get("cpu_quota")),
            blkio_weight=_int(blkio.get("weight")),
            blkio_weight_device=tuple(
                f"{e['path']}:{e['weight']}" for e in blkio.get("weight_device") or ()
            ),
            device_read_bps=_rates(blkio.get("device_read_bps")),
            device_write_bps=_rates(blkio.get("device_write_bps")),
            device_read_iops=_rates(blkio.get("device_read_iops")),
            device_write_iops=_rates(blkio.get("device_write_iops")),
        ),
        log=LogOptions(
            driver=logging.get("driver", ""),
            opts=tuple(f"{k}={v}" for k, v in (logging.get("options") or {}).items()),
        ),
        namespaces=NamespaceOptions(
            pid=_service_mode(project, service.get("pid") or ""),
            ipc=_service_mode(project, service.get("ipc") or ""),
            uts=service.get("uts") or "",
            cgroupns=service.get("cgroup") or "",
        ),
        kernel=KernelOptions(
            shm_size=_text(service.get("shm_size")),
            oom_score_adj=_int(service.get("oom_score_adj")),
        ),
    )


def _service_mode(project: str, mode: str) -> str:
    """A namespace mode of the compose file: ``service:NAME`` is that service's
    first container (as podman-compose and docker compose join it)."""
    if mode.startswith("service:"):
        return f"container:{project}-{mode[8:]}-1"
    return mode


def link_aliases(service_name: str, model: Mapping[str, Any]) -> list[str]:
    """The names other services give ``service_name`` in their ``links`` (SERVICE:ALIAS).

    A link is an alias of the linked service on the project's networks, as
    docker compose's links are on a user-defined network.
    """
    out = []
    for body in (model.get("services") or {}).values():
        for link in body.get("links") or ():
            target, _, alias = str(link).partition(":")
            if target == service_name and alias and alias not in out:
                out.append(alias)
    return out


def _volumes_from(project: str, entry: str, model: Mapping[str, Any]) -> str:
    """``SERVICE[:ro|rw]`` or ``container:NAME[:ro|rw]`` as run's ``--volumes-from``."""
    if entry.startswith("container:"):
        return entry[len("container:") :]
    service, sep, mode = entry.partition(":")
    body = (model.get("services") or {}).get(service) or {}
    name = body.get("container_name") or f"{project}-{service}-1"
    return f"{name}{sep}{mode}"


def pull_policy(service: Mapping[str, Any]) -> str:
    return _PULL.get(str(service.get("pull_policy", "missing")), "missing")


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def ulimit_flags(ulimits: Mapping[str, Any]) -> tuple[str, ...]:
    """compose's ``ulimits`` (a number, or ``{soft, hard}``) as run's ``--ulimit``."""
    return tuple(
        f"{key}={value['soft']}:{value['hard']}" if isinstance(value, dict) else f"{key}={value}"
        for key, value in ulimits.items()
    )


def _rates(entries: Any) -> tuple[str, ...]:
    """blkio_config's ``[{path, rate}]`` as run's ``--device-read-bps PATH:RATE``."""
    return tuple(f"{e['path']}:{e['rate']}" for e in entries or ())
