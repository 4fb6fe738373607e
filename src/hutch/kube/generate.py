"""Engine reports -> Kubernetes objects (``kube generate``), pure.

Podman's rules: a plain container becomes a Pod named ``NAME-pod``; volumes
become PersistentVolumeClaims (named), hostPath (bind) and emptyDir with
medium Memory (tmpfs); ``--type`` wraps the pod in a Deployment, DaemonSet or
Job; ``--service`` adds a NodePort Service for the published ports. What
Kubernetes cannot express is returned as notes (the YAML's header comments
and a warning each), never dropped silently.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from hutch.api.containers import ContainerInspect, InspectMount
from hutch.api.volumes import VolumeSummary
from hutch.kube.model import (
    Capabilities,
    Container,
    ContainerPort,
    DaemonSet,
    DaemonSetSpec,
    Deployment,
    DeploymentSpec,
    EmptyDirVolumeSource,
    EnvVar,
    ExecAction,
    HostAlias,
    HostPathVolumeSource,
    HTTPGetAction,
    Job,
    JobSpec,
    KubeObject,
    LabelSelector,
    ObjectMeta,
    PersistentVolumeClaim,
    Pod,
    PodSpec,
    PodTemplateSpec,
    Probe,
    PVCResources,
    PVCSpec,
    PVCVolumeSource,
    ResourceRequirements,
    SecurityContext,
    SELinuxOptions,
    Service,
    ServicePort,
    ServiceSpec,
    TCPSocketAction,
    Volume,
    VolumeMount,
)

TYPES = ("pod", "deployment", "daemonset", "job")
# variables every container gets from hutch itself, never the user's
_IMPLICIT_ENV = ("container", "HOSTNAME", "TERM")
_OWN_LABELS = "io.hutch.kube."  # what play marks its pods and containers with
_LABEL_KEY = re.compile(
    r"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$"
)
_LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$")
_RESTART = {
    "always": "Always",
    "unless-stopped": "Always",
    "on-failure": "OnFailure",
    "no": "Never",
}


@dataclass(frozen=True)
class GenerateOptions:
    type: str = "pod"  # pod, deployment, daemonset, job
    service: bool = False
    replicas: int = 1  # deployment only


@dataclass(frozen=True)
class PodSource:
    """One pod to write: a hutch pod, or a group of plain containers."""

    name: str
    containers: tuple[ContainerInspect, ...]
    init_containers: tuple[ContainerInspect, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    hostname: str = ""
    # (host ip, host port, container port, protocol) published on the pod itself; None:
    # each container's own (plain containers publish their own ports)
    ports: tuple[tuple[str, int, int, str], ...] | None = None
    add_hosts: tuple[str, ...] = ()  # HOST:IP
    image_env: dict[str, tuple[str, ...]] = field(default_factory=dict)  # image -> its Env
    infra_name: str = ""
    share_pid: bool = False  # the pod shares its pid namespace (--share +pid)
    # the volumes kube play filled (named POD-VOLUME): the pod volume each was made
    # from (emptyDir, configMap, secret, downwardAPI), written back as it was
    played_volumes: dict[str, Volume] = field(default_factory=dict)


@dataclass(frozen=True)
class Generated:
    objects: tuple[KubeObject, ...]
    notes: tuple[str, ...]  # what Kubernetes cannot express, left out


def path_kind(path: str) -> str:
    """hostPath's type for a host path: podman's three subtypes."""
    import os

    if os.path.isdir(path):
        return "Directory"
    if os.path.isfile(path):
        return "File"
    return "DirectoryOrCreate"


def generate(
    pods: Sequence[PodSource],
    volumes: Sequence[VolumeSummary],
    options: GenerateOptions,
    host_path_type: Callable[[str], str] = path_kind,
) -> Generated:
    notes: list[str] = []
    objects: list[KubeObject] = []
    for source in pods:
        pod_meta, spec = _pod(source, host_path_type, notes)
        if options.service:
            service = _service(source.name, spec)
            if service is not None:
                objects.append(service)
        objects.append(_wrap(pod_meta, spec, options, notes))
    objects.extend(_claim(v) for v in volumes)
    return Generated(tuple(objects), tuple(notes))


def _wrap(
    meta: ObjectMeta, spec: PodSpec, options: GenerateOptions, notes: list[str]
) -> KubeObject:
    if options.type == "pod":
        return Pod(api_version="v1", kind="Pod", metadata=meta, spec=spec)
    selector = LabelSelector(match_labels={"app": meta.name})
    name = f"{meta.name}-{options.type}"
    top = ObjectMeta(name=name, labels={"app": meta.name})
    template_meta = ObjectMeta(name=meta.name, labels=meta.labels, annotations=meta.annotations)
    if options.type == "deployment":
        template = PodTemplateSpec(metadata=template_meta, spec=spec)
        return Deployment(
            api_version="apps/v1",
            kind="Deployment",
            metadata=top,
            spec=DeploymentSpec(replicas=options.replicas, selector=selector, template=template),
        )
    if options.type == "daemonset":
        template = PodTemplateSpec(metadata=template_meta, spec=spec)
        return DaemonSet(
            api_version="apps/v1",
            kind="DaemonSet",
            metadata=top,
            spec=DaemonSetSpec(selector=selector, template=template),
        )
    if spec.restart_policy not in ("OnFailure", "Never"):
        notes.append(f"pod {meta.name}: restart policy Always is not allowed in a Job: Never")
        spec = _replace_restart(spec, "Never")
    template = PodTemplateSpec(metadata=template_meta, spec=spec)
    return Job(api_version="batch/v1", kind="Job", metadata=top, spec=JobSpec(template=template))


def _replace_restart(spec: PodSpec, policy: str) -> PodSpec:
    from dataclasses import replace

    return replace(spec, restart_policy=policy)


def _pod(
    source: PodSource, host_path_type: Callable[[str], str], notes: list[str]
) -> tuple[ObjectMeta, PodSpec]:
    labels = {"app": source.name}
    for key, value in source.labels.items():
        if _valid_label(key, value, f"pod {source.name}", notes):
            labels[key] = value
    volumes: dict[str, Volume] = {}
    containers = []
    restart: str | None = None
    grace: int | None = None
    hostname = source.hostname
    host_network = False
    for info in source.containers:
        ctr_notes = _Notes(f"container {info.name}", notes)
        containers.append(_container(info, source, volumes, host_path_type, ctr_notes))
        for key, value in (info.config.labels or {}).items():
            if key.startswith(_OWN_LABELS):
                continue
            if _valid_label(key, value, f"container {info.name}", notes):
                labels.setdefault(key, value)
        policy = _RESTART.get(info.host_config.restart_policy.name or "no", "Never")
        if restart is None:
            restart = policy
        elif policy != restart:
            ctr_notes.add(
                f"restart policy {policy} (the pod's is {restart}, from its first member)"
            )
        if info.host_config.restart_policy.maximum_retry_count:
            ctr_notes.add(
                f"--restart on-failure:{info.host_config.restart_policy.maximum_retry_count}"
                " (Kubernetes retries without a limit)"
            )
        if info.config.stop_timeout != 10:
            grace = max(grace or 0, info.config.stop_timeout)
        if source.ports is None and info.config.hostname and info.config.hostname != info.id[:12]:
            hostname = hostname or info.config.hostname
        mode = info.host_config.network_mode
        if mode == "bridge":  # inspect's word (podman's) for user-defined networks
            mode = ",".join(info.network_settings.networks) or mode
        if mode == "host":
            host_network = True
        elif mode.startswith("container:") and source.ports is not None:
            pass  # a pod member joins its infra's network: the pod is the Kubernetes pod
        elif mode not in ("", "private", "bridge", "slirp4netns", "pasta", "default"):
            ctr_notes.add(f"--network {mode} (a cluster has its own networks)")
    init = tuple(
        _container(i, source, volumes, host_path_type, _Notes(f"container {i.name}", notes))
        for i in source.init_containers
    )
    aliases = []
    for item in source.add_hosts:
        host, _, ip = item.rpartition(":")
        aliases.append(HostAlias(ip=ip, hostnames=(host,)))
    spec = PodSpec(
        containers=tuple(containers),
        init_containers=init,
        volumes=tuple(volumes.values()),
        restart_policy=restart,
        hostname=hostname or None,
        host_network=True if host_network else None,
        host_aliases=tuple(aliases),
        termination_grace_period_seconds=grace,
        share_process_namespace=True if source.share_pid else None,
        automount_service_account_token=False,
        enable_service_links=False,
    )
    return ObjectMeta(name=source.name, labels=labels), spec


class _Notes:
    def __init__(self, subject: str, out: list[str]) -> None:
        self.subject = subject
        self.out = out

    def add(self, text: str) -> None:
        self.out.append(f"{self.subject}: {text}")


def _valid_label(key: str, value: str, subject: str, notes: list[str]) -> bool:
    if len(value) <= 63 and _LABEL_KEY.match(key) and _LABEL_VALUE.match(value):
        return True
    notes.append(f"{subject}: label {key}={value} is not a valid Kubernetes label")
    return False


def _container(
    info: ContainerInspect,
    source: PodSource,
    volumes: dict[str, Volume],
    host_path_type: Callable[[str], str],
    notes: _Notes,
) -> Container:
    config = info.config
    # inspect's Cmd is podman's: the command after the entrypoint (engine.container_list's
    # cmd_part), so the entrypoint is Kubernetes' command and the Cmd its args
    entrypoint = tuple(config.entrypoint)
    if entrypoint:
        command, args = entrypoint, tuple(config.cmd)
    else:
        command, args = tuple(config.cmd), ()
    image_env = set(source.image_env.get(config.image, ()))
    env = []
    for item in config.env:
        name, _, value = item.partition("=")
        if name in _IMPLICIT_ENV or item in image_env:
            continue
        env.append(EnvVar(name=name, value=value))
    _more_notes(info, notes)
    mounts = []
    for mount in info.mounts:
        played = source.played_volumes.get(mount.name) if mount.type == "volume" else None
        if played is not None:
            mounts.append(_played_mount(mount, played, volumes))
            continue
        volume_mount = _mount(mount, volumes, host_path_type, notes)
        if volume_mount is not None:
            mounts.append(volume_mount)
    return Container(
        name=info.name,
        image=config.image,
        command=command,
        args=args,
        env=tuple(env),
        working_dir=config.working_dir if config.working_dir not in ("", "/") else None,
        ports=_ports(info, source),
        volume_mounts=tuple(mounts),
        resources=_resources(info, notes),
        security_context=_security(info, notes),
        liveness_probe=_probe(info, notes),
        startup_probe=_startup_probe(info, notes),
        tty=True if config.tty else None,
        stdin=True if config.open_stdin else None,
    )


def _more_notes(info: ContainerInspect, notes: _Notes) -> None:
    """What a Container has no field for: said, not written."""
    config, host = info.config, info.host_config
    if config.stop_signal not in ("SIGTERM", "TERM", "15"):
        notes.add(f"--stop-signal {config.stop_signal} (Kubernetes always sends SIGTERM)")
    if host.auto_remove:
        notes.add("--rm (a pod's containers are kept until the pod is removed)")
    if host.log_config.type not in ("", "k8s-file"):
        notes.add(f"--log-driver {host.log_config.type}")
    for ulimit in host.ulimits:
        notes.add(f"--ulimit {ulimit.name}")


def _ports(info: ContainerInspect, source: PodSource) -> tuple[ContainerPort, ...]:
    mappings: list[tuple[str, int, int, str]]
    if source.ports is not None:
        # a pod publishes for all its members: each port goes to the first member
        first = source.containers[0].id if source.containers else ""
        mappings = list(source.ports) if info.id == first else []
    else:
        mappings = []
        for key, bindings in info.network_settings.ports.items():
            port, _, proto = key.partition("/")
            for binding in bindings or ():
                mappings.append((binding.host_ip, int(binding.host_port), int(port), proto))
    out = []
    for host_ip, host_port, ctr_port, proto in sorted(mappings, key=lambda m: (m[2], m[1])):
        out.append(
            ContainerPort(
                container_port=ctr_port,
                host_port=host_port or None,
                host_ip=host_ip if host_ip not in ("", "0.0.0.0") else None,
                protocol=proto.upper() if proto and proto != "tcp" else None,
            )
        )
    return tuple(out)


def _name_from_path(path: str, suffix: str) -> str:
    cleaned = re.sub(r"[^a-z0-9]+", "-", path.strip("/").lower()).strip("-")
    return f"{cleaned or 'root'}-{suffix}"[:63].strip("-")


def _unique(name: str, volumes: dict[str, Volume]) -> str:
    candidate, n = name, 1
    while candidate in volumes:
        n += 1
        candidate = f"{name[:58]}-{n}"
    return candidate


def _mount(
    mount: InspectMount,
    volumes: dict[str, Volume],
    host_path_type: Callable[[str], str],
    notes: _Notes,
) -> VolumeMount | None:
    if mount.type == "volume":
        name = _unique(_name_from_path(mount.name, "pvc"), volumes)
        volume = Volume(name=name, persistent_volume_claim=PVCVolumeSource(claim_name=mount.name))
    elif mount.type == "bind":
        name = _unique(_name_from_path(mount.source, "host"), volumes)
        source = HostPathVolumeSource(path=mount.source, type=host_path_type(mount.source))
        volume = Volume(name=name, host_path=source)
    elif mount.type == "tmpfs":
        name = _unique(_name_from_path(mount.destination, "tmpfs"), volumes)
        size = next(
            (o.partition("=")[2] for o in mount.options or () if o.startswith("size=")), None
        )
        empty = EmptyDirVolumeSource(medium="Memory", size_limit=_quantity(size) if size else None)
        volume = Volume(name=name, empty_dir=empty)
    else:
        notes.add(f"mount of type {mount.type} on {mount.destination}")
        return None
    # reuse one volume for the same source in several containers of the pod
    for existing in volumes.values():
        if _same_source(existing, volume) and mount.type != "tmpfs":
            name = existing.name
            break
    else:
        volumes[name] = volume
    kept = {"rw", "ro", "rbind", "bind", "size", "z", "Z", "nodev", "nosuid", "rprivate"}
    dropped = [o for o in mount.options or () if o.partition("=")[0] not in kept]
    if dropped:
        notes.add(f"mount options {','.join(dropped)} on {mount.destination}")
    return VolumeMount(
        name=name, mount_path=mount.destination, read_only=None if mount.rw else True
    )


def _played_mount(mount: InspectMount, played: Volume, volumes: dict[str, Volume]) -> VolumeMount:
    """A volume play filled, as the pod's volume it was made from (one for every
    container that mounts it), not a claim: its data came from the YAML."""
    name = played.name
    if volumes.get(name) != played:
        if name in volumes:
            name = _unique(name, volumes)
        volumes[name] = replace(played, name=name)
    return VolumeMount(
        name=name, mount_path=mount.destination, read_only=None if mount.rw else True
    )


def _same_source(a: Volume, b: Volume) -> bool:
    return (a.persistent_volume_claim, a.host_path) == (b.persistent_volume_claim, b.host_path)


def _quantity(text: str) -> str:
    """A size as hutch's flags give it (``64m``, bytes) -> a Kubernetes quantity."""
    units = {"k": "Ki", "m": "Mi", "g": "Gi", "t": "Ti"}
    text = text.strip().lower().removesuffix("b")
    if text and text[-1] in units and text[:-1].isdigit():
        return text[:-1] + units[text[-1]]
    return _bytes(int(text)) if text.isdigit() else text


def _bytes(value: int) -> str:
    for suffix, size in (("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)):
        if value % size == 0:
            return f"{value // size}{suffix}"
    return str(value)


def _resources(info: ContainerInspect, notes: _Notes) -> ResourceRequirements | None:
    limits = info.host_config.limits
    out_limits: dict[str, str] = {}
    requests: dict[str, str] = {}
    if limits.memory > 0:
        out_limits["memory"] = _bytes(limits.memory)
    if limits.nano_cpus > 0:
        out_limits["cpu"] = f"{limits.nano_cpus // 1_000_000}m"
    elif limits.cpu_quota > 0 and limits.cpu_period > 0:
        out_limits["cpu"] = f"{limits.cpu_quota * 1000 // limits.cpu_period}m"
    if limits.memory_reservation > 0:
        requests["memory"] = _bytes(limits.memory_reservation)
    for flag, value in (
        ("--pids-limit", limits.pids_limit > 0),
        ("--cpuset-cpus", bool(limits.cpuset_cpus)),
        ("--cpu-shares", limits.cpu_shares > 0),
        ("--blkio-weight", limits.blkio_weight > 0),
        ("--blkio-weight-device", bool(limits.blkio_weight_device)),
        ("--memory-swap", limits.memory_swap > 0 and limits.memory_swap != limits.memory * 2),
    ):
        if value:
            notes.add(f"{flag} (no per-container field in Kubernetes)")
    if not out_limits and not requests:
        return None
    return ResourceRequirements(limits=out_limits, requests=requests)


def _user_ids(user: str, notes: _Notes) -> tuple[int | None, int | None]:
    if not user:
        return None, None
    name, _, group = user.partition(":")
    uid = int(name) if name.isdigit() else None
    gid = int(group) if group.isdigit() else None
    if (name and uid is None) or (group and gid is None):
        notes.add(f"--user {user} (Kubernetes takes numeric ids only)")
    return uid, gid


def _caps(names: Sequence[str]) -> tuple[str, ...]:
    return tuple(n.upper() if n.upper().startswith("CAP_") else "CAP_" + n.upper() for n in names)


def _security(info: ContainerInspect, notes: _Notes) -> SecurityContext | None:
    host = info.host_config
    uid, gid = _user_ids(info.config.user, notes)
    caps = None
    if host.cap_add or host.cap_drop:
        caps = Capabilities(add=_caps(host.cap_add), drop=_caps(host.cap_drop))
    selinux: dict[str, str] = {}
    no_new_privs = False
    for opt in host.security_opt:
        name, _, value = opt.partition("=")
        sub, _, sub_value = value.partition(":")
        if name == "label" and sub in ("user", "role", "type", "level"):
            selinux[sub] = sub_value
        elif opt in ("no-new-privileges", "no-new-privileges=true", "no-new-privileges:true"):
            no_new_privs = True
        else:
            notes.add(f"--security-opt {opt}")
    context = SecurityContext(
        run_as_user=uid,
        run_as_group=gid,
        privileged=True if host.privileged else None,
        read_only_root_filesystem=True if host.readonly_rootfs else None,
        allow_privilege_escalation=False if no_new_privs else None,
        capabilities=caps,
        se_linux_options=SELinuxOptions(**selinux) if selinux else None,
    )
    return None if context == SecurityContext() else context


def _probe(info: ContainerInspect, notes: _Notes) -> Probe | None:
    """The health check as a livenessProbe: an httpGet or tcpSocket probe that
    kube play gave hutch to run goes back as what it was, any other as exec."""
    check = info.config.healthcheck
    if check is None or not check.test or check.test[0] == "NONE":
        return None
    action = _action(check.probe) if check.probe else None
    return Probe(
        exec_=None if action else ExecAction(command=_command(tuple(check.test))),
        http_get=action if isinstance(action, HTTPGetAction) else None,
        tcp_socket=action if isinstance(action, TCPSocketAction) else None,
        period_seconds=_seconds(check.interval, "interval", notes),
        timeout_seconds=_seconds(check.timeout, "timeout", notes),
        initial_delay_seconds=_seconds(check.start_period, "start period", notes),
        failure_threshold=check.retries or None,
    )


def _startup_probe(info: ContainerInspect, notes: _Notes) -> Probe | None:
    """The startup health check (--health-startup-*) as a startupProbe."""
    check = info.config.startup_healthcheck
    if check is None or not check.test:
        return None
    return Probe(
        exec_=ExecAction(command=_command(tuple(check.test))),
        period_seconds=_seconds(check.interval, "startup interval", notes),
        timeout_seconds=_seconds(check.timeout, "startup timeout", notes),
        failure_threshold=check.retries or None,
        success_threshold=check.successes or None,
    )


def _command(test: tuple[str, ...]) -> tuple[str, ...]:
    if test[0] == "CMD-SHELL":
        return ("/bin/sh", "-c", " ".join(test[1:]))
    if test[0] == "CMD":
        return test[1:]
    return test


def _seconds(ns: int, what: str, notes: _Notes) -> int | None:
    if ns <= 0:
        return None
    if ns % 1_000_000_000:
        notes.add(f"health check {what} {ns / 1e9:g}s (Kubernetes counts whole seconds)")
    return max(1, round(ns / 1e9))


def _action(target: str) -> HTTPGetAction | TCPSocketAction:
    """``http(s)://HOST:PORT/PATH`` or ``tcp://HOST:PORT`` (runtime/probe.py's targets)."""
    from urllib.parse import urlsplit

    url = urlsplit(target)
    host = url.hostname if url.hostname not in (None, "localhost") else None
    port = url.port or 0
    if url.scheme == "tcp":
        return TCPSocketAction(port=port, host=host)
    path = url.path + (f"?{url.query}" if url.query else "")
    return HTTPGetAction(
        port=port,
        path=path if path != "/" else None,
        host=host,
        scheme="HTTPS" if url.scheme == "https" else None,
    )


def node_port(pod: str, port: int) -> int:
    """A NodePort in Kubernetes' range (30000-32767), the same on every run."""
    return 30000 + zlib.crc32(f"{pod}/{port}".encode()) % 2768


def _service(name: str, spec: PodSpec) -> Service | None:
    ports = []
    for container in spec.containers:
        for port in container.ports:
            if port.host_port is None:
                continue
            ports.append(
                ServicePort(
                    name=str(port.container_port),
                    port=port.container_port,
                    target_port=port.container_port,
                    node_port=node_port(name, port.container_port),
                    protocol=port.protocol,
                )
            )
    if not ports:
        return None
    return Service(
        api_version="v1",
        kind="Service",
        metadata=ObjectMeta(name=name, labels={"app": name}),
        spec=ServiceSpec(ports=tuple(ports), selector={"app": name}, type="NodePort"),
    )


def _claim(volume: VolumeSummary) -> PersistentVolumeClaim:
    annotations = {"volume.podman.io/driver": volume.driver}
    for key, value in volume.options:
        annotations[f"volume.podman.io/{key}"] = value
    labels = dict(volume.labels)
    return PersistentVolumeClaim(
        api_version="v1",
        kind="PersistentVolumeClaim",
        metadata=ObjectMeta(name=volume.name, labels=labels, annotations=annotations),
        spec=PVCSpec(
            access_modes=("ReadWriteOnce",),
            resources=PVCResources(requests={"storage": "1Gi"}),
        ),
    )
