"""``generate spec``: the options a container or pod was created with, as JSON.

The document is the options hutch's create is driven by (``RunOptions``,
``PodCreateOptions``), keyed as podman's SpecGenerator JSON where a field has a
podman key (``name``, ``command``, ``env``, ``labels``, ``work_dir``,
``resource_limits``, ``containerCreateCommand``, ...), with podman's value
shapes there (maps for env and labels, bytes for sizes, ``{"nsmode": ...}``
for namespaces). The fields podman has no key for go under ``"hutch"``,
with hutch's own names and the values as given, so that nothing the create
was given is left out and no podman key ever carries a hutch meaning. Empty
values are left out, as Go's ``omitempty`` leaves them out of podman's. What a
container's create resolved (its image's id, environment, mounts) comes from its
record, through spec_resolved.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import fields, is_dataclass
from typing import TYPE_CHECKING, Any

from hutch.api.container_config import RunOptions
from hutch.api.errors import HutchError
from hutch.api.pods import PodCreateOptions
from hutch.engine.ports import parse_expose, parse_publish
from hutch.engine.resources import cpus_to_quota, parse_size

if TYPE_CHECKING:
    from hutch.engine.secret_refs import SecretRef
    from hutch.engine.spec_resolved import Resolved

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


def _expose(items: Iterable[str]) -> dict[str, str]:
    """--expose as podman's map of port to protocols ("tcp,udp" for both of one port)."""
    out: dict[str, str] = {}
    for item in items:
        try:
            keys = parse_expose(item)
        except HutchError:
            continue
        for key in keys:
            port, _, proto = key.partition("/")
            out[port] = f"{out[port]},{proto}" if port in out else proto
    return out


def _rlimits(items: tuple[str, ...]) -> list[dict[str, Any]]:
    """--ulimit as podman's POSIXRlimit objects (-1, unlimited, as Go's uint64 has it)."""
    from hutch.runtime import ulimits

    try:
        parsed = ulimits.parse(items)
    except HutchError:
        return []
    return [
        {"type": f"RLIMIT_{name.upper()}", "hard": hard % 2**64, "soft": soft % 2**64}
        for name, soft, hard in parsed
    ]


def _devices(items: Iterable[str]) -> list[dict[str, str]]:
    """--device as podman's CLI puts it in the spec: the whole value as the path."""
    return [{"path": item} for item in items]


def _cpu_quota(value: str) -> int:
    try:
        return cpus_to_quota(float(value))[0]
    except ValueError:
        return 0


def _secret_refs(items: Iterable[str]) -> Iterable[tuple[str, SecretRef]]:
    """Each --secret as given and as parsed (create checked them: one that does not
    parse is left out rather than failing the document)."""
    from hutch.engine.secret_refs import parse_secret

    for item in items:
        try:
            yield item, parse_secret(item)
        except HutchError:
            continue


def _mount_secrets(items: Iterable[str]) -> list[dict[str, Any]]:
    """The mounted secrets as podman's SpecGenerator ``secrets`` (Go's field names,
    the struct has no JSON tags): the secret's name as ``Source``, ``Target`` as given
    ("" for the default, /run/secrets/NAME), the mode as a number. Names only: a
    secret's data is never in the document."""
    out = []
    for item, ref in _secret_refs(items):
        if ref.kind == "mount":
            given = [p[len("target=") :] for p in item.split(",") if p.startswith("target=")]
            target = given[-1] if given else ""
            out.append(
                {"Source": ref.source, "Target": target, "UID": ref.uid, "GID": ref.gid,
                 "Mode": ref.mode}
            )  # fmt: skip
    return out


def _env_secrets(items: Iterable[str]) -> dict[str, str]:
    """The environment's secrets as podman's ``secret_env``: variable -> secret's name."""
    return {ref.target: ref.source for _, ref in _secret_refs(items) if ref.kind == "env"}


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
    ("net.no_hosts", ("use_image_hosts",), _same),
    ("kernel.shm_size", ("shm_size",), _size),
    ("kernel.oom_score_adj", ("oom_score_adj",), _same),
    ("lifecycle.init", ("init",), _same),
    ("lifecycle.init_path", ("init_path",), _same),
    ("lifecycle.timeout", ("timeout",), _same),
    ("log.driver", ("log_configuration", "driver"), _same),
    ("net.expose", ("expose",), _expose),
    ("net.chrootdirs", ("chroot_directories",), _same),
    ("volumes.volumes_from", ("volumes_from",), _same),
    ("volumes.image_volume", ("image_volume_mode",), _same),
    ("security.device", ("devices",), _devices),
    ("security.ulimit", ("r_limits",), _rlimits),
    ("env_host", ("env_host",), _same),
    ("http_proxy", ("httpproxy",), _same),
    ("unsetenv", ("unsetenv",), _same),
    ("unsetenv_all", ("unsetenvall",), _same),
    ("passwd.entry", ("passwd_entry",), _same),
    ("passwd.group_entry", ("group_entry",), _same),
    ("kernel.personality", ("personality",), lambda v: {"domain": v}),
    ("secrets", ("secrets",), _mount_secrets),
    ("secrets", ("secret_env",), _env_secrets),
    ("resources.cgroups", ("cgroups_mode",), _same),
    ("resources.cgroup_parent", ("cgroup_parent",), _same),
    ("resources.cgroup_conf", ("unified",), _pairs),
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


def container_spec(options: RunOptions, resolved: Resolved | None = None) -> Doc:
    """A container's create options as podman's SpecGenerator keys (and ``hutch``);
    with ``resolved`` (spec_resolved.py), what its create resolved over them: the
    image's id (the name given becomes ``raw_image_name``), the environment, the
    working directory, the user and the mounts made. A ``--rootfs`` container's
    directory is ``rootfs``, as podman's."""
    if resolved is None:
        return _document(options, CONTAINER_KEYS, RunOptions(""))
    from hutch.engine.spec_resolved import RESOLVED_PATHS, resolved_keys

    covered = RESOLVED_PATHS | {"rootfs"}
    doc = _document(options, CONTAINER_KEYS, RunOptions(""), covered=covered)
    image = doc.pop("image", None)
    if options.rootfs:  # PATH[:O], as podman's NewSpecGenerator splits it
        path = str(image or "")
        if path.endswith(":O"):
            path = path[:-2]
            doc["rootfs_overlay"] = True
        doc["rootfs"] = path
    elif image:
        doc["raw_image_name"] = image
    return {**doc, **resolved_keys(resolved)}


def pod_spec(options: PodCreateOptions) -> Doc:
    """A pod's create options as podman's PodSpecGenerator keys (and ``hutch``)."""
    return _document(options, POD_KEYS, PodCreateOptions())


def _document(
    options: Any, table: tuple[Mapping, ...], default: Any, covered: frozenset[str] = frozenset()
) -> Doc:
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
    mapped = {path for path, _, _ in table} | covered
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
