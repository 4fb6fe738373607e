"""Kubernetes objects -> a play plan (pure): the volumes, pods and containers to make.

Everything that can be wrong with the YAML is found here, before ``play``
creates anything: a missing ConfigMap or Secret (unless optional), a
hostPort used twice, an unsupported field path or resource. The containers
are ``RunOptions``, the same options ``hutch run --pod`` takes.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from hutch.api.container_config import (
    HealthOptions,
    ImagePullOptions,
    LifecycleOptions,
    LogOptions,
    ResourceOptions,
    RunOptions,
    SecurityOptions,
    VolumeOptions,
)
from hutch.api.errors import InvalidArgument
from hutch.api.pods import INIT_CONTAINER_LABEL
from hutch.kube.errors import FieldError, KeyPath, KubeError
from hutch.kube.model import (
    ConfigMap,
    Container,
    DaemonSet,
    Deployment,
    Job,
    ObjectMeta,
    PersistentVolumeClaim,
    Pod,
    PodSpec,
    Secret,
    Volume,
)
from hutch.kube.parse import Document
from hutch.kube.values import (
    cpus,
    field_value,
    memory_bytes,
    probe_command,
    probe_target,
    seconds,
)

# labels hutch puts on what play makes, so that down finds it
POD_LABEL = "io.hutch.kube.pod"
# on a volume play fills: the YAML's volume source (JSON), which generate writes back
SOURCE_LABEL = "io.hutch.kube.volume-source"
INIT_LABEL = INIT_CONTAINER_LABEL  # pod start runs it first; generate writes an initContainer
_RESTART = {"Always": "always", "OnFailure": "on-failure", "Never": "no"}
# podman's annotations that become labels of the containers: KEY for every
# container of the pod, KEY/NAME for the one of that name (which wins)
LABELLED_ANNOTATIONS = ("io.containers.autoupdate", "io.containers.autoupdate.authfile")
SYSTEMD_UNIT_LABEL = "PODMAN_SYSTEMD_UNIT"
_PULL = {"Always": "always", "IfNotPresent": "missing", "Never": "never"}
# Kubernetes' seccomp annotations, and where their localhost/ profiles are by default
# (the kubelet's directory, podman's --seccomp-profile-root default)
SECCOMP_POD = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER = "container.seccomp.security.alpha.kubernetes.io/"
SECCOMP_ROOT = "/var/lib/kubelet/seccomp"


@dataclass(frozen=True)
class PlayFlags:
    """The ``kube play`` flags the plan needs."""

    networks: tuple[str, ...] = ()
    publish: tuple[str, ...] = ()
    log_driver: str | None = None
    log_opts: tuple[str, ...] = ()
    userns: str | None = None
    annotations: tuple[tuple[str, str], ...] = ()  # --annotation, over the YAML's
    systemd_unit: str = ""  # the PODMAN_SYSTEMD_UNIT label of every container
    # how the images are pulled (--tls-verify, --authfile, --cert-dir, --creds); each
    # container's imagePullPolicy sets the policy
    pull: ImagePullOptions = field(default_factory=ImagePullOptions)
    # where the YAML's localhost/ seccomp profiles are (--seccomp-profile-root)
    seccomp_root: str = SECCOMP_ROOT


@dataclass(frozen=True)
class DataVolume:
    """A volume play fills with files: a ConfigMap, Secret, downwardAPI or emptyDir."""

    name: str
    files: tuple[tuple[str, bytes, int], ...] = ()  # (relative path, content, mode)
    source: str = ""  # the pod's volume as the YAML gave it (SOURCE_LABEL's value)


@dataclass(frozen=True)
class ContainerPlan:
    name: str
    options: RunOptions
    path: KeyPath  # where it is in its document, for messages


@dataclass(frozen=True)
class PodPlan:
    name: str
    document: int
    kind: str  # Pod, Deployment, DaemonSet, Job
    workload: str  # the object's own name
    labels: tuple[str, ...] = ()  # KEY=VALUE
    publish: tuple[str, ...] = ()
    network: str = ""
    hostname: str | None = None
    add_hosts: tuple[str, ...] = ()
    dns: tuple[str, ...] = ()
    dns_search: tuple[str, ...] = ()
    dns_options: tuple[str, ...] = ()
    userns: str | None = None
    share: str | None = None  # pod create --share: "+pid" for shareProcessNamespace
    restart: str = "always"
    volumes: tuple[DataVolume, ...] = ()
    init_containers: tuple[ContainerPlan, ...] = ()
    containers: tuple[ContainerPlan, ...] = ()


@dataclass(frozen=True)
class ClaimPlan:
    name: str
    document: int
    labels: tuple[str, ...] = ()
    options: tuple[str, ...] = ()  # volume create -o KEY=VALUE, from podman's annotations
    driver: str = "local"


@dataclass(frozen=True)
class PlayPlan:
    claims: tuple[ClaimPlan, ...]
    pods: tuple[PodPlan, ...]


@dataclass
class _Context:
    source: str
    config_maps: dict[str, dict[str, bytes]] = field(default_factory=dict)
    secrets: dict[str, dict[str, bytes]] = field(default_factory=dict)


def pod_names(obj: Pod | Deployment | DaemonSet | Job) -> tuple[str, ...]:
    """The pods a workload makes (``down`` finds them by the same names)."""
    name = obj.metadata.name
    if isinstance(obj, Pod):
        return (name,)
    if isinstance(obj, Deployment):
        replicas = 1 if obj.spec.replicas is None else obj.spec.replicas
        if replicas == 1:
            return (f"{name}-pod",)
        return tuple(f"{name}-pod-{i}" for i in range(replicas))
    return (f"{name}-pod",)


def config_data(obj: ConfigMap | Secret) -> dict[str, bytes]:
    if isinstance(obj, ConfigMap):
        out = {k: v.encode() for k, v in obj.data.items()}
        out.update({k: base64.b64decode(v) for k, v in obj.binary_data.items()})
        return out
    out = {k: base64.b64decode(v) for k, v in obj.data.items()}
    out.update({k: v.encode() for k, v in obj.string_data.items()})
    return out


def plan_play(
    documents: Sequence[Document],
    source: str,
    flags: PlayFlags,
    extra_config_maps: Sequence[ConfigMap] = (),
) -> PlayPlan:
    ctx = _Context(source)
    for config_map in extra_config_maps:
        ctx.config_maps[config_map.metadata.name] = config_data(config_map)
    for doc in documents:
        if isinstance(doc.obj, ConfigMap):
            ctx.config_maps[doc.obj.metadata.name] = config_data(doc.obj)
        elif isinstance(doc.obj, Secret):
            ctx.secrets[doc.obj.metadata.name] = config_data(doc.obj)
    claims: list[ClaimPlan] = []
    pods: list[PodPlan] = []
    for doc in documents:
        obj = doc.obj
        try:
            if isinstance(obj, PersistentVolumeClaim):
                claims.append(_claim(obj, doc.index))
            elif isinstance(obj, (Pod, Deployment, DaemonSet, Job)):
                pods.extend(_workload(obj, doc.index, flags, ctx))
        except FieldError as exc:
            raise KubeError(exc.message, source=source, document=doc.index, path=exc.path) from None
    _check_unique(pods, claims, source)
    return PlayPlan(tuple(claims), tuple(pods))


def _check_unique(pods: list[PodPlan], claims: list[ClaimPlan], source: str) -> None:
    seen: dict[str, int] = {}
    ports: dict[tuple[str, str], str] = {}
    for pod in pods:
        if pod.name in seen:
            raise KubeError(
                f"pod name {pod.name!r} is also made by document {seen[pod.name]}",
                source=source,
                document=pod.document,
                path=("metadata", "name"),
            )
        seen[pod.name] = pod.document
        for spec in pod.publish:
            host, proto = _host_port(spec)
            if (host, proto) in ports:
                raise KubeError(
                    f"hostPort clash: {spec} is published by pod {ports[(host, proto)]!r}"
                    f" and pod {pod.name!r}",
                    source=source,
                    document=pod.document,
                )
            ports[(host, proto)] = pod.name
    names = [c.name for c in claims]
    for claim in claims:
        if names.count(claim.name) > 1:
            raise KubeError(
                f"PersistentVolumeClaim {claim.name!r} is declared twice",
                source=source,
                document=claim.document,
                path=("metadata", "name"),
            )


def _host_port(spec: str) -> tuple[str, str]:
    body, _, proto = spec.partition("/")
    parts = body.rsplit(":", 2)
    host = parts[-2] if len(parts) >= 2 else parts[0]
    return host, proto or "tcp"


def _claim(obj: PersistentVolumeClaim, index: int) -> ClaimPlan:
    options = []
    driver = "local"
    for key, value in obj.metadata.annotations.items():
        if key == "volume.podman.io/driver":
            driver = value
        elif key.startswith("volume.podman.io/"):
            options.append(f"{key.removeprefix('volume.podman.io/')}={value}")
    labels = tuple(f"{k}={v}" for k, v in obj.metadata.labels.items())
    return ClaimPlan(obj.metadata.name, index, labels, tuple(options), driver)


def _workload(
    obj: Pod | Deployment | DaemonSet | Job, index: int, flags: PlayFlags, ctx: _Context
) -> list[PodPlan]:
    path: KeyPath
    if isinstance(obj, Pod):
        meta, spec, path = obj.metadata, obj.spec, ("spec",)
    else:
        meta = obj.spec.template.metadata
        spec = obj.spec.template.spec
        path = ("spec", "template", "spec")
        labels = dict(obj.metadata.labels)
        labels.update(meta.labels)
        meta = ObjectMeta(
            name=obj.metadata.name,
            namespace=obj.metadata.namespace,
            labels=labels,
            annotations={**obj.metadata.annotations, **meta.annotations},
        )
    return [
        _pod(name, obj.kind, obj.metadata.name, meta, spec, path, index, flags, ctx)
        for name in pod_names(obj)
    ]


def _pod(
    name: str,
    kind: str,
    workload: str,
    meta: ObjectMeta,
    spec: PodSpec,
    path: KeyPath,
    index: int,
    flags: PlayFlags,
    ctx: _Context,
) -> PodPlan:
    default_restart = "Never" if kind == "Job" else "Always"
    restart = _RESTART[spec.restart_policy or default_restart]
    mounts: dict[str, tuple[str, str]] = {}  # volume name -> (kind, source)
    data: list[DataVolume] = []
    for i, volume in enumerate(spec.volumes):
        kind_source, files = _volume(volume, name, meta, (*path, "volumes", i), ctx)
        mounts[volume.name] = kind_source
        if files is not None:
            data.append(DataVolume(kind_source[1], files, source_label(volume)))
    publish: list[str] = []
    init = tuple(
        _container(c, name, meta, spec, mounts, (*path, "initContainers", i), flags, ctx, "no")
        for i, c in enumerate(spec.init_containers)
    )
    init = tuple(
        replace(c, options=replace(c.options, labels=(f"{INIT_LABEL}=true",))) for c in init
    )
    containers = []
    for i, container in enumerate(spec.containers):
        where = (*path, "containers", i)
        containers.append(
            _container(container, name, meta, spec, mounts, where, flags, ctx, restart)
        )
        for port in container.ports:
            if port.host_port:
                ip = f"{port.host_ip}:" if port.host_ip else ""
                proto = (port.protocol or "TCP").lower()
                publish.append(f"{ip}{port.host_port}:{port.container_port}/{proto}")
    dns = spec.dns_config
    labels = (*(f"{k}={v}" for k, v in meta.labels.items()), f"{POD_LABEL}={name}")
    return PodPlan(
        name=name,
        document=index,
        kind=kind,
        workload=workload,
        labels=labels,
        publish=(*publish, *flags.publish),
        network="host" if spec.host_network else ",".join(flags.networks),
        hostname=spec.hostname,
        add_hosts=tuple(f"{h}:{a.ip}" for a in spec.host_aliases for h in a.hostnames),
        dns=dns.nameservers if dns else (),
        dns_search=dns.searches if dns else (),
        dns_options=tuple(
            o.name if o.value is None else f"{o.name}:{o.value}"
            for o in (dns.options if dns else ())
        ),
        userns=flags.userns,
        share="+pid" if spec.share_process_namespace else None,
        restart=restart,
        volumes=tuple(data),
        init_containers=init,
        containers=tuple(containers),
    )


def source_label(volume: Volume) -> str:
    """The volume's source (``{"configMap": {...}}``) as compact JSON, without its name."""
    from dataclasses import fields

    from hutch.kube.codec import encode, key_of

    for f in fields(Volume):
        value = getattr(volume, f.name)
        if f.name != "name" and value is not None:
            return json.dumps({key_of(f): encode(value)}, separators=(",", ":"), sort_keys=True)
    return ""


def volume_from_label(name: str, text: str) -> Volume | None:
    """The pod volume ``name`` of a ``source_label`` text (None when it is not one)."""
    from hutch.kube.codec import decode

    try:
        data = json.loads(text)
        if not isinstance(data, dict) or len(data) != 1:
            return None
        return decode(Volume, {"name": name, **data})
    except (ValueError, KubeError):
        return None


def _volume(
    volume: Volume, pod: str, meta: ObjectMeta, path: KeyPath, ctx: _Context
) -> tuple[tuple[str, str], tuple[tuple[str, bytes, int], ...] | None]:
    """(how it mounts, its source) and, for a volume play fills, its files."""
    own = f"{pod}-{volume.name}"
    if volume.persistent_volume_claim is not None:
        return ("volume", volume.persistent_volume_claim.claim_name), None
    if volume.host_path is not None:
        return ("bind", volume.host_path.path), None
    if volume.empty_dir is not None:
        if volume.empty_dir.medium == "Memory":
            return ("tmpfs", volume.empty_dir.size_limit or ""), None
        return ("volume", own), ()
    if volume.config_map is not None:
        source = volume.config_map
        where = (*path, "configMap", "name")
        values = _lookup(ctx.config_maps, "ConfigMap", source.name, source.optional, where)
        files = _items(values, source.items, source.default_mode, (*path, "configMap"))
        return ("volume", own), files
    if volume.secret is not None:
        secret = volume.secret
        where = (*path, "secret", "secretName")
        values = _lookup(ctx.secrets, "Secret", secret.secret_name, secret.optional, where)
        files = _items(values, secret.items, secret.default_mode, (*path, "secret"))
        return ("volume", own), files
    assert volume.downward_api is not None  # checks.py: exactly one source
    out = []
    mode = volume.downward_api.default_mode or 0o644
    for i, item in enumerate(volume.downward_api.items):
        assert item.field_ref is not None
        where = (*path, "downwardAPI", "items", i, "fieldRef", "fieldPath")
        value = field_value(item.field_ref.field_path, meta, pod, where)
        out.append((item.path, value.encode(), item.mode or mode))
    return ("volume", own), tuple(out)


def _lookup(
    table: dict[str, dict[str, bytes]], kind: str, name: str, optional: bool | None, path: KeyPath
) -> dict[str, bytes]:
    if name in table:
        return table[name]
    if optional:
        return {}
    raise FieldError(path, f"{kind} {name!r} not found (in the YAML or a --configmap file)")


def _items(
    values: dict[str, bytes], items: Sequence[object], default_mode: int | None, path: KeyPath
) -> tuple[tuple[str, bytes, int], ...]:
    from hutch.kube.model import KeyToPath

    mode = 0o644 if default_mode is None else default_mode
    if not items:
        return tuple((key, value, mode) for key, value in sorted(values.items()))
    out = []
    for i, item in enumerate(items):
        assert isinstance(item, KeyToPath)
        if item.key not in values:
            raise FieldError((*path, "items", i, "key"), f"no key {item.key!r}")
        out.append((item.path, values[item.key], item.mode or mode))
    return tuple(out)


def _container(
    container: Container,
    pod: str,
    meta: ObjectMeta,
    spec: PodSpec,
    mounts: dict[str, tuple[str, str]],
    path: KeyPath,
    flags: PlayFlags,
    ctx: _Context,
    restart: str,
) -> ContainerPlan:
    name = f"{pod}-{container.name}"
    volumes, tmpfs = _mounts(container, mounts, path)
    return ContainerPlan(
        name=name,
        path=path,
        options=RunOptions(
            image=container.image,
            name=name,
            pod=pod,
            labels=annotation_labels(container.name, meta.annotations, flags),
            entrypoint=json.dumps(list(container.command)) if container.command else None,
            command=container.args,
            workdir=container.working_dir,
            user=user_of(container, spec),
            env=_env(container, meta, pod, path, ctx),
            tty=bool(container.tty),
            interactive=bool(container.stdin),
            restart=restart,
            detach=True,
            stop_timeout=spec.termination_grace_period_seconds,
            pull=replace(flags.pull, policy=_PULL[container.image_pull_policy or "IfNotPresent"]),
            volumes=VolumeOptions(volumes=volumes, tmpfs=tmpfs),
            resources=_resources(container, path),
            security=_security(container, spec, path, flags, meta.annotations),
            lifecycle=LifecycleOptions(health=_health(container, path, restart)),
            log=LogOptions(driver=flags.log_driver or "", opts=flags.log_opts),
        ),
    )


def parse_annotations(items: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """``--annotation KEY=VALUE`` (repeatable), refused in podman's words."""
    out: list[tuple[str, str]] = []
    for item in items:
        key, eq, value = item.partition("=")
        if not eq:
            raise InvalidArgument(f"annotation {json.dumps(item)} must include an '=' sign")
        out.append((key, value))
    return tuple(out)


def annotation_labels(
    container: str, annotations: dict[str, str], flags: PlayFlags
) -> tuple[str, ...]:
    """The labels podman's kube play derives: auto-update's from the pod's
    annotations (``--annotation`` over the YAML's), and the systemd unit."""
    given = {**annotations, **dict(flags.annotations)}
    labels: list[str] = []
    for key in LABELLED_ANNOTATIONS:
        value = given.get(f"{key}/{container}") or given.get(key)
        if value:
            labels.append(f"{key}={value}")
    if flags.systemd_unit:
        labels.append(f"{SYSTEMD_UNIT_LABEL}={flags.systemd_unit}")
    return tuple(labels)


def _mounts(
    container: Container, mounts: dict[str, tuple[str, str]], path: KeyPath
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    volumes = []
    tmpfs = []
    for i, mount in enumerate(container.volume_mounts):
        kind, source = mounts[mount.name]
        suffix = ":ro" if mount.read_only else ""
        if kind == "tmpfs":
            size = f":size={memory_bytes(source, path)}" if source else ""
            tmpfs.append(f"{mount.mount_path}{size}")
            continue
        if mount.sub_path:
            if kind != "bind":
                raise FieldError(
                    (*path, "volumeMounts", i, "subPath"), "only a hostPath volume takes a subPath"
                )
            source = f"{source.rstrip('/')}/{mount.sub_path}"
        volumes.append(f"{source}:{mount.mount_path}{suffix}")
    return tuple(volumes), tuple(tmpfs)


def _env(
    container: Container, meta: ObjectMeta, pod: str, path: KeyPath, ctx: _Context
) -> tuple[str, ...]:
    out: dict[str, str] = {}
    for i, source in enumerate(container.env_from):
        where = (*path, "envFrom", i)
        prefix = source.prefix or ""
        if source.config_map_ref is not None:
            ref = source.config_map_ref
            values = _lookup(
                ctx.config_maps, "ConfigMap", ref.name, ref.optional, (*where, "configMapRef")
            )
        else:
            assert source.secret_ref is not None
            ref = source.secret_ref
            values = _lookup(ctx.secrets, "Secret", ref.name, ref.optional, (*where, "secretRef"))
        for key, value in values.items():
            out[prefix + key] = value.decode(errors="replace")
    for i, env in enumerate(container.env):
        where = (*path, "env", i, "valueFrom")
        if env.value_from is None:
            out[env.name] = env.value or ""
            continue
        source_ref = env.value_from
        if source_ref.field_ref is not None:
            out[env.name] = field_value(
                source_ref.field_ref.field_path, meta, pod, (*where, "fieldRef", "fieldPath")
            )
            continue
        if source_ref.config_map_key_ref is not None:
            key_ref, kind, table = source_ref.config_map_key_ref, "ConfigMap", ctx.config_maps
            where = (*where, "configMapKeyRef")
        else:
            assert source_ref.secret_key_ref is not None
            key_ref, kind, table = source_ref.secret_key_ref, "Secret", ctx.secrets
            where = (*where, "secretKeyRef")
        values = _lookup(table, kind, key_ref.name, key_ref.optional, where)
        if key_ref.key in values:
            out[env.name] = values[key_ref.key].decode(errors="replace")
        elif not key_ref.optional:
            raise FieldError((*where, "key"), f"{kind} {key_ref.name!r} has no key {key_ref.key!r}")
    return tuple(f"{k}={v}" for k, v in out.items())


def _resources(container: Container, path: KeyPath) -> ResourceOptions:
    if container.resources is None:
        return ResourceOptions()
    where = (*path, "resources")
    memory = cpu = reservation = None
    shares = None
    for key, value in container.resources.limits.items():
        if key == "memory":
            memory = memory_bytes(value, (*where, "limits", key))
        elif key == "cpu":
            cpu = cpus(value, (*where, "limits", key))
        else:
            raise FieldError((*where, "limits", key), "unsupported resource")
    for key, value in container.resources.requests.items():
        if key == "memory":
            reservation = memory_bytes(value, (*where, "requests", key))
        elif key == "cpu":
            # Kubernetes' own mapping of a CPU request to cgroup shares
            shares = max(2, int(float(cpus(value, (*where, "requests", key))) * 1024))
        else:
            raise FieldError((*where, "requests", key), "unsupported resource")
    return ResourceOptions(
        memory=memory, cpus=cpu, memory_reservation=reservation, cpu_shares=shares
    )


def _security(
    container: Container,
    spec: PodSpec,
    path: KeyPath,
    flags: PlayFlags,
    annotations: Mapping[str, str],
) -> SecurityOptions:
    pod_ctx = spec.security_context
    ctx = container.security_context
    user = user_of(container, spec)
    non_root = (ctx and ctx.run_as_non_root) or (pod_ctx and pod_ctx.run_as_non_root)
    if non_root and user is not None and user.partition(":")[0] == "0":
        raise FieldError((*path, "securityContext", "runAsUser"), "runAsNonRoot with user 0")
    opts = []
    selinux = (ctx.se_linux_options if ctx else None) or (
        pod_ctx.se_linux_options if pod_ctx else None
    )
    if selinux is not None:
        for key in ("user", "role", "type", "level"):
            value = getattr(selinux, key)
            if value:
                opts.append(f"label={key}:{value}")
    if ctx is not None and ctx.allow_privilege_escalation is False:
        opts.append("no-new-privileges")
    opts += seccomp_opts(container.name, annotations, flags.seccomp_root)
    caps = ctx.capabilities if ctx else None
    groups = tuple(str(g) for g in pod_ctx.supplemental_groups) if pod_ctx else ()
    return SecurityOptions(
        cap_add=tuple(caps.add) if caps else (),
        cap_drop=tuple(caps.drop) if caps else (),
        privileged=bool(ctx and ctx.privileged),
        read_only=bool(ctx and ctx.read_only_root_filesystem),
        security_opt=tuple(opts),
        group_add=groups,
        # --userns is the pod's (PodPlan.userns): its members join the infra's
    )


def seccomp_opts(container: str, annotations: Mapping[str, str], root: str) -> list[str]:
    """The seccomp profile of Kubernetes' annotations, as podman's kube play reads them:
    the container's own (``container.seccomp.security.alpha.kubernetes.io/NAME``) over
    the pod's (``seccomp.security.alpha.kubernetes.io/pod``); ``unconfined``,
    ``runtime/default`` or ``docker/default`` (hutch's default profile), or
    ``localhost/PATH`` under ``root`` (--seccomp-profile-root)."""
    key = f"{SECCOMP_CONTAINER}{container}"
    value = annotations.get(key) or annotations.get(SECCOMP_POD)
    if not value or value in ("runtime/default", "docker/default"):
        return []
    if value == "unconfined":
        return ["seccomp=unconfined"]
    if value.startswith("localhost/"):
        return [f"seccomp={os.path.join(root, value.removeprefix('localhost/'))}"]
    where = key if key in annotations else SECCOMP_POD
    raise FieldError(("metadata", "annotations", where), f"invalid seccomp path: {value}")


def user_of(container: Container, spec: PodSpec) -> str | None:
    """``--user`` from the securityContexts (the container's over the pod's)."""
    ctx, pod_ctx = container.security_context, spec.security_context
    uid = ctx.run_as_user if ctx else None
    gid = ctx.run_as_group if ctx else None
    if pod_ctx is not None:
        uid = pod_ctx.run_as_user if uid is None else uid
        gid = pod_ctx.run_as_group if gid is None else gid
    if uid is None:
        return None
    return str(uid) if gid is None else f"{uid}:{gid}"


def _health(container: Container, path: KeyPath, restart: str) -> HealthOptions:
    """livenessProbe and startupProbe as podman plays them: Kubernetes' defaults
    (every 10 s, 1 s to answer, 3 failures), a startup probe alone gated ahead of
    an ``exit 0`` regular check, and a restart on failure when the pod restarts
    its containers."""
    live, startup = container.liveness_probe, container.startup_probe
    first = live or startup
    if first is None:
        return HealthOptions()
    ports = {p.name: p.container_port for p in container.ports if p.name}
    options = HealthOptions(
        cmd="exit 0",
        interval=f"{first.period_seconds or 10}s",
        timeout=f"{first.timeout_seconds or 1}s",
        start_period=seconds(first.initial_delay_seconds),
        retries=first.failure_threshold or 3,
        on_failure="restart" if restart in ("always", "on-failure") else "none",
    )
    if live is not None:
        where = (*path, "livenessProbe")
        options = replace(
            options,
            cmd=probe_command(live, ports, where),
            probe=probe_target(live, ports, where),
        )
    if startup is not None:
        options = replace(
            options,
            startup_cmd=probe_command(startup, ports, (*path, "startupProbe")),
            startup_interval=f"{startup.period_seconds or 10}s",
            startup_timeout=f"{startup.timeout_seconds or 1}s",
            startup_retries=startup.failure_threshold or 3,
            startup_success=startup.success_threshold or 0,
        )
    return options
