"""What the types cannot say: enum values, one source per volume, names that refer
to something declared, ports in range. Each failure is a ``FieldError`` with its path."""

from __future__ import annotations

import re

from hutch.kube.errors import FieldError, KeyPath
from hutch.kube.model import (
    ConfigMap,
    Container,
    DaemonSet,
    Deployment,
    EnvVar,
    Job,
    KubeObject,
    ObjectMeta,
    PersistentVolumeClaim,
    Pod,
    PodSpec,
    Probe,
    Secret,
    Service,
    Volume,
)

# RFC 1123 labels, as Kubernetes names pods and containers
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")  # ConfigMap and Secret keys

RESTART_POLICIES = ("Always", "OnFailure", "Never")
PULL_POLICIES = ("Always", "IfNotPresent", "Never")
PROTOCOLS = ("TCP", "UDP", "SCTP")
HOST_PATH_TYPES = (
    "",
    "DirectoryOrCreate",
    "Directory",
    "FileOrCreate",
    "File",
    "Socket",
    "CharDevice",
    "BlockDevice",
)


def _one_of(value: str | None, allowed: tuple[str, ...], path: KeyPath) -> None:
    if value is not None and value not in allowed:
        raise FieldError(path, f"unsupported value {value!r}: expected one of {', '.join(allowed)}")


def _name(meta: ObjectMeta, subdomain: bool = True) -> None:
    pattern = _DNS_SUBDOMAIN if subdomain else _DNS_LABEL
    if not meta.name:
        raise FieldError(("metadata", "name"), "required field missing")
    if len(meta.name) > 253 or not pattern.match(meta.name):
        raise FieldError(
            ("metadata", "name"),
            f"invalid name {meta.name!r}: lower case letters, digits, '-' and '.' only",
        )


def check_object(obj: KubeObject) -> None:
    if isinstance(obj, Pod):
        _name(obj.metadata)
        check_pod_spec(obj.spec, ("spec",))
    elif isinstance(obj, (Deployment, DaemonSet, Job)):
        _name(obj.metadata)
        path: KeyPath = ("spec", "template", "spec")
        check_pod_spec(obj.spec.template.spec, path)
        if isinstance(obj, Deployment) and (obj.spec.replicas or 0) < 0:
            raise FieldError(("spec", "replicas"), "must not be negative")
        if isinstance(obj, Job):
            policy = obj.spec.template.spec.restart_policy
            if policy not in ("OnFailure", "Never"):
                raise FieldError(
                    (*path, "restartPolicy"), "a Job's pods need restartPolicy OnFailure or Never"
                )
    elif isinstance(obj, (ConfigMap, Secret)):
        _name(obj.metadata)
        data = {**obj.data, **getattr(obj, "binary_data", {}), **getattr(obj, "string_data", {})}
        for key in data:
            if not _KEY.match(key):
                raise FieldError(("data", key), f"invalid key {key!r}")
        if isinstance(obj, Secret):
            _check_base64(obj.data, ("data",))
        else:
            _check_base64(obj.binary_data, ("binaryData",))
    elif isinstance(obj, PersistentVolumeClaim):
        _name(obj.metadata)
    elif isinstance(obj, Service):
        _name(obj.metadata, subdomain=False)
        for i, port in enumerate(obj.spec.ports):
            _port(port.port, ("spec", "ports", i, "port"))
            _one_of(port.protocol, PROTOCOLS, ("spec", "ports", i, "protocol"))


def _check_base64(data: dict[str, str], path: KeyPath) -> None:
    import base64
    import binascii

    for key, value in data.items():
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise FieldError((*path, key), "not valid base64") from None


def _port(value: int | None, path: KeyPath, allow_zero: bool = False) -> None:
    if value is not None and not (0 if allow_zero else 1) <= value <= 65535:
        raise FieldError(path, f"port {value} out of range 1-65535")


def check_pod_spec(spec: PodSpec, path: KeyPath) -> None:
    if not spec.containers:
        raise FieldError((*path, "containers"), "a pod needs at least one container")
    _one_of(spec.restart_policy, RESTART_POLICIES, (*path, "restartPolicy"))
    volumes: set[str] = set()
    for i, volume in enumerate(spec.volumes):
        _volume(volume, (*path, "volumes", i))
        if volume.name in volumes:
            raise FieldError((*path, "volumes", i, "name"), f"duplicate volume {volume.name!r}")
        volumes.add(volume.name)
    names: set[str] = set()
    for group in ("initContainers", "containers"):
        members = spec.init_containers if group == "initContainers" else spec.containers
        for i, container in enumerate(members):
            where = (*path, group, i)
            _container(container, where, volumes)
            if container.name in names:
                raise FieldError((*where, "name"), f"duplicate container {container.name!r}")
            names.add(container.name)


def _volume(volume: Volume, path: KeyPath) -> None:
    if not _DNS_LABEL.match(volume.name):
        raise FieldError((*path, "name"), f"invalid volume name {volume.name!r}")
    sources = [
        s
        for s in (
            volume.host_path,
            volume.empty_dir,
            volume.persistent_volume_claim,
            volume.config_map,
            volume.secret,
            volume.downward_api,
        )
        if s is not None
    ]
    if len(sources) != 1:
        raise FieldError(
            path,
            "a volume needs exactly one source: hostPath, emptyDir, persistentVolumeClaim,"
            " configMap, secret or downwardAPI",
        )
    if volume.host_path is not None:
        _one_of(volume.host_path.type, HOST_PATH_TYPES, (*path, "hostPath", "type"))
        if not volume.host_path.path.startswith("/"):
            raise FieldError((*path, "hostPath", "path"), "must be an absolute path")
    if volume.empty_dir is not None:
        _one_of(volume.empty_dir.medium, ("", "Memory"), (*path, "emptyDir", "medium"))
    if volume.config_map is not None and not volume.config_map.name:
        raise FieldError((*path, "configMap", "name"), "required field missing")
    if volume.secret is not None and not volume.secret.secret_name:
        raise FieldError((*path, "secret", "secretName"), "required field missing")
    if volume.downward_api is not None:
        for i, item in enumerate(volume.downward_api.items):
            if item.field_ref is None:
                raise FieldError((*path, "downwardAPI", "items", i), "needs a fieldRef")


def _container(container: Container, path: KeyPath, volumes: set[str]) -> None:
    if not _DNS_LABEL.match(container.name):
        raise FieldError((*path, "name"), f"invalid container name {container.name!r}")
    if not container.image:
        raise FieldError((*path, "image"), "required field missing")
    _one_of(container.image_pull_policy, PULL_POLICIES, (*path, "imagePullPolicy"))
    for i, env in enumerate(container.env):
        _env(env, (*path, "env", i))
    for i, source in enumerate(container.env_from):
        if (source.config_map_ref is None) == (source.secret_ref is None):
            raise FieldError((*path, "envFrom", i), "needs exactly one of configMapRef, secretRef")
    for i, port in enumerate(container.ports):
        where = (*path, "ports", i)
        _port(port.container_port, (*where, "containerPort"))
        _port(port.host_port, (*where, "hostPort"), allow_zero=True)
        _one_of(port.protocol, PROTOCOLS, (*where, "protocol"))
    for i, mount in enumerate(container.volume_mounts):
        if mount.name not in volumes:
            raise FieldError(
                (*path, "volumeMounts", i, "name"), f"no volume named {mount.name!r} in the pod"
            )
        if not mount.mount_path.startswith("/"):
            raise FieldError((*path, "volumeMounts", i, "mountPath"), "must be an absolute path")
    if container.liveness_probe is not None:
        _probe(container.liveness_probe, (*path, "livenessProbe"))
    if container.startup_probe is not None:
        _probe(container.startup_probe, (*path, "startupProbe"))


def _env(env: EnvVar, path: KeyPath) -> None:
    if not env.name or "=" in env.name:
        raise FieldError((*path, "name"), f"invalid variable name {env.name!r}")
    if env.value is not None and env.value_from is not None:
        raise FieldError(path, "value and valueFrom are exclusive")
    source = env.value_from
    if source is not None:
        given = [
            s
            for s in (source.config_map_key_ref, source.secret_key_ref, source.field_ref)
            if s is not None
        ]
        if len(given) != 1:
            raise FieldError(
                (*path, "valueFrom"),
                "needs exactly one of configMapKeyRef, secretKeyRef, fieldRef",
            )


def _probe(probe: Probe, path: KeyPath) -> None:
    handlers = [h for h in (probe.exec_, probe.http_get, probe.tcp_socket) if h is not None]
    if len(handlers) != 1:
        raise FieldError(path, "needs exactly one of exec, httpGet, tcpSocket")
