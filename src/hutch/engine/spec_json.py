"""``generate spec``: the options a container or pod was created with, as JSON.

The document is the options hutch's create is driven by (``RunOptions``,
``PodCreateOptions``), keyed as podman's SpecGenerator JSON where a field has a
podman key (``name``, ``command``, ``env``, ``labels``, ``work_dir``,
``resource_limits``, ``containerCreateCommand``, ...), with podman's value
shapes there (maps for env and labels, bytes for sizes, ``{"nsmode": ...}``
for namespaces). The fields podman has no key for go under ``"hutch"``,
with hutch's own names and the values as given, so that nothing the create
was given is left out and no podman key ever carries a hutch meaning. Empty
values are left out, as Go's ``omitempty`` leaves them out of podman's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import fields, is_dataclass
from typing import Any

from hutch.api.container_config import RunOptions
from hutch.api.errors import HutchError
from hutch.api.pods import PodCreateOptions
from hutch.engine.ports import parse_publish
from hutch.engine.resources import cpus_to_quota, parse_size

Doc = dict[str, Any]
# one mapped field: where podman keeps it (a key path) and how its value is shaped
Mapping = tuple[str, tuple[str, ...], Callable[[Any], Any]]


def _same(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _pairs(items: Iterable[str]) -> dict[str, str]:
    """KEY=VALUE items as a map (a bare KEY maps to "", as podman's label parsing)."""
    out: dict[str, str] = {}
    for item in items:
        key, _, value = item.partition("=")
        out[key] = value
    return out


def _env(items: Iterable[str]) -> dict[str, str]:
    # a bare NAME takes hutch's environment at create: nothing to say for it here
    return {k: v for k, v in (i.split("=", 1) for i in items if "=" in i)}


def _words(value: str) -> list[str]:
    """An entrypoint as given: a JSON array, else one word (podman's rule)."""
    try:
        parsed = json.loads(value)
    except ValueError:
        return [value]
    return [str(w) for w in parsed] if isinstance(parsed, list) else [value]


def _health_test(value: str) -> list[str]:
    """--health-cmd as podman records it in its ``healthconfig``: runtime/health_cmd.py."""
    from hutch.runtime.health_cmd import recorded_test

    try:
        return list(recorded_test(value))
    except ValueError:
        return [value]  # create refused it: this cannot be


def _nanoseconds(value: str) -> int | str:
    """A Go duration as podman's time.Duration JSON (``disable`` an interval of 0)."""
    from hutch.util.durations import go_duration

    try:
        return int(go_duration(value.replace("disable", "0")) * 1e9)
    except ValueError:
        return value  # create refused it: this cannot be


def _size(value: str) -> int:
    try:
        return parse_size(value, "")
    except HutchError:
        return 0


def _namespace(value: str) -> dict[str, str]:
    """podman's Namespace: ``{"nsmode": MODE, "value": ARG}`` (container:NAME, ns:PATH)."""
    mode, _, arg = value.partition(":")
    return {"nsmode": mode, "value": arg} if arg else {"nsmode": mode}


def _restart(value: str) -> str:
    return value.partition(":")[0]


def _restart_tries(value: str) -> int:
    _, _, tries = value.partition(":")
    return int(tries) if tries.isdigit() else 0


def _port_mappings(specs: Iterable[str]) -> list[dict[str, Any]]:
    """-p specs as podman's PortMapping objects, one per port (``range`` 1)."""
    return [
        {
            "host_ip": m.host_ip,
            "container_port": m.container_port,
            "host_port": m.host_port,
            "range": 1,
            "protocol": m.protocol,
        }
        for spec in specs
        for m in parse_publish(spec)
    ]


def _cpu_quota(value: str) -> int:
    try:
        return cpus_to_quota(float(value))[0]
    except ValueError:
        return 0


# ResourceOptions field -> where podman keeps it under resource_limits, and its shape
RESOURCE_KEYS: dict[str, tuple[tuple[str, ...], Callable[[Any], Any]]] = {
    "memory": (("memory", "limit"), _size),
    "memory_reservation": (("memory", "reservation"), _size),
    "memory_swap": (("memory", "swap"), _size),
    "pids_limit": (("pids", "limit"), _same),
    "cpu_shares": (("cpu", "shares"), _same),
    "cpu_quota": (("cpu", "quota"), _same),
    "cpus": (("cpu", "quota"), _cpu_quota),
    "cpu_period": (("cpu", "period"), _same),
    "cpuset_cpus": (("cpu", "cpus"), _same),
    "cpuset_mems": (("cpu", "mems"), _same),
}


def _resources(*names: str) -> tuple[Mapping, ...]:
    """The mappings of these resource options (a container and a pod share them)."""
    return tuple(
        (f"resources.{n}", ("resource_limits", *RESOURCE_KEYS[n][0]), RESOURCE_KEYS[n][1])
        for n in names
    )


# RunOptions field path -> podman SpecGenerator key path
CONTAINER_KEYS: tuple[Mapping, ...] = (
    ("name", ("name",), _same),
    ("command", ("command",), _same),
    ("entrypoint", ("entrypoint",), _words),
    ("env", ("env",), _env),
    ("labels", ("labels",), _pairs),
    ("annotations", ("annotations",), _pairs),
    ("image", ("image",), _same),
    ("workdir", ("work_dir",), _same),
    ("user", ("user",), _same),
    ("hostname", ("hostname",), _same),
    ("pod", ("pod",), _same),
    ("stop_signal", ("stop_signal",), _same),
    ("stop_timeout", ("stop_timeout",), _same),
    ("tty", ("terminal",), _same),
    ("interactive", ("stdin",), _same),
    ("remove", ("remove",), _same),
    ("restart", ("restart_policy",), _restart),
    ("restart", ("restart_tries",), _restart_tries),
    ("umask", ("umask",), _same),
    ("timezone", ("timezone",), _same),
    ("sdnotify", ("sdnotifyMode",), _same),
    ("create_command", ("containerCreateCommand",), _same),
    ("network", ("netns",), _namespace),
    ("namespaces.pid", ("pidns",), _namespace),
    ("namespaces.ipc", ("ipcns",), _namespace),
    ("namespaces.uts", ("utsns",), _namespace),
    ("namespaces.cgroupns", ("cgroupns",), _namespace),
    ("security.userns", ("userns",), _namespace),
    ("security.cap_add", ("cap_add",), _same),
    ("security.cap_drop", ("cap_drop",), _same),
    ("security.privileged", ("privileged",), _same),
    ("security.read_only", ("read_only_filesystem",), _same),
    ("security.sysctl", ("sysctl",), _pairs),
    ("security.group_add", ("groups",), _same),
    ("net.dns", ("dns_server",), _same),
    ("net.dns_search", ("dns_search",), _same),
    ("net.dns_options", ("dns_option",), _same),
    ("net.add_hosts", ("hostadd",), _same),
    ("net.publish", ("portmappings",), _port_mappings),
    ("net.publish_all", ("publish_image_ports",), _same),
    ("kernel.shm_size", ("shm_size",), _size),
    ("kernel.oom_score_adj", ("oom_score_adj",), _same),
    ("lifecycle.init", ("init",), _same),
    ("lifecycle.init_path", ("init_path",), _same),
    ("lifecycle.health.cmd", ("healthconfig", "Test"), _health_test),
    ("lifecycle.health.interval", ("healthconfig", "Interval"), _nanoseconds),
    ("lifecycle.health.timeout", ("healthconfig", "Timeout"), _nanoseconds),
    ("lifecycle.health.start_period", ("healthconfig", "StartPeriod"), _nanoseconds),
    ("lifecycle.health.retries", ("healthconfig", "Retries"), _same),
    ("log.driver", ("log_configuration", "driver"), _same),
    *_resources(*RESOURCE_KEYS),
)

# PodCreateOptions field path -> podman PodSpecGenerator key path
POD_KEYS: tuple[Mapping, ...] = (
    ("name", ("name",), _same),
    ("labels", ("labels",), _pairs),
    ("hostname", ("hostname",), _same),
    ("infra", ("no_infra",), lambda v: not v),
    ("infra_image", ("infra_image",), _same),
    ("infra_name", ("infra_name",), _same),
    ("infra_command", ("infra_command",), _words),
    ("infra_conmon_pidfile", ("infra_conmon_pid_file",), _same),
    ("share", ("shared_namespaces",), lambda v: [s for s in v.split(",") if s]),
    ("share_parent", ("share_parent",), _same),
    ("network", ("netns",), _namespace),
    ("publish", ("portmappings",), _port_mappings),
    ("pid", ("pidns",), _namespace),
    ("uts", ("utsns",), _namespace),
    ("userns", ("userns",), _namespace),
    ("dns", ("dns_server",), _same),
    ("dns_search", ("dns_search",), _same),
    ("dns_options", ("dns_option",), _same),
    ("add_hosts", ("hostadd",), _same),
    ("no_hosts", ("no_manage_hosts",), _same),
    ("network_aliases", ("network_alias",), _same),
    ("exit_policy", ("exit_policy",), _same),
    ("restart", ("restart_policy",), _restart),
    ("sysctl", ("sysctl",), _pairs),
    ("shm_size", ("shm_size",), _size),
    ("devices", ("pod_devices",), _same),
    ("volumes_from", ("volumes_from",), _same),
    ("security_opt", ("security_opt",), _same),
    ("create_command", ("pod_create_command",), _same),
    *_resources("memory", "memory_swap", "pids_limit", "cpus", "cpuset_cpus", "cpuset_mems"),
)


def container_spec(options: RunOptions) -> Doc:
    """A container's create options as podman's SpecGenerator keys (and ``hutch``)."""
    return _document(options, CONTAINER_KEYS, RunOptions(""))


def pod_spec(options: PodCreateOptions) -> Doc:
    """A pod's create options as podman's PodSpecGenerator keys (and ``hutch``)."""
    return _document(options, POD_KEYS, PodCreateOptions())


def _document(options: Any, table: tuple[Mapping, ...], default: Any) -> Doc:
    given = dict(_leaves(options, default))
    doc: Doc = {}
    for path, target, shape in table:
        if path not in given:
            continue
        value = shape(given[path])
        if _empty(value):
            continue
        node = doc
        for key in target[:-1]:
            node = node.setdefault(key, {})
        node[target[-1]] = value
    mapped = {path for path, _, _ in table}
    rest: Doc = {}
    for path, value in given.items():
        if path not in mapped:
            node = rest
            *groups, last = path.split(".")
            for key in groups:
                node = node.setdefault(key, {})
            node[last] = _same(value)
    if rest:
        doc["hutch"] = rest
    return doc


def _leaves(options: Any, default: Any, prefix: str = "") -> Iterable[tuple[str, Any]]:
    """The fields of ``options`` that differ from ``default``'s (dotted paths), the
    nested option groups (``resources``, ``net``, ...) walked into."""
    for f in fields(options):
        value, base = getattr(options, f.name), getattr(default, f.name)
        if is_dataclass(value) and not isinstance(value, type):
            yield from _leaves(value, base, f"{prefix}{f.name}.")
        elif value != base and not _empty(value):
            yield f"{prefix}{f.name}", value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == () or value == [] or value == {}
