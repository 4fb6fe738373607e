"""The subset of the Kubernetes API that hutch reads and writes, as typed objects.

Field names are Kubernetes' own (camelCase derived by ``kube/codec.py``);
a field Kubernetes has and this model lacks is refused by name when read.
Output-only fields that ``kubectl``/podman write (``status``,
``metadata.creationTimestamp``) are accepted and have no effect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hutch.kube.codec import KEEP_EMPTY, Quantity, k8s

# -- metadata --------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectMeta:
    name: str = ""
    namespace: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    creation_timestamp: Any = None  # output-only


@dataclass(frozen=True)
class LabelSelector:
    match_labels: dict[str, str] = field(default_factory=dict)


# -- containers ------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyRef:
    """configMapKeyRef and secretKeyRef."""

    key: str
    name: str = ""
    optional: bool | None = None


@dataclass(frozen=True)
class FieldRef:
    field_path: str
    api_version: str | None = None


@dataclass(frozen=True)
class EnvVarSource:
    config_map_key_ref: KeyRef | None = None
    secret_key_ref: KeyRef | None = None
    field_ref: FieldRef | None = None


@dataclass(frozen=True)
class EnvVar:
    name: str
    value: str | None = None
    value_from: EnvVarSource | None = None


@dataclass(frozen=True)
class NameRef:
    """configMapRef and secretRef of envFrom."""

    name: str = ""
    optional: bool | None = None


@dataclass(frozen=True)
class EnvFromSource:
    prefix: str | None = None
    config_map_ref: NameRef | None = None
    secret_ref: NameRef | None = None


@dataclass(frozen=True)
class ContainerPort:
    container_port: int
    host_port: int | None = None
    host_ip: str | None = field(default=None, metadata=k8s("hostIP"))
    protocol: str | None = None  # TCP (default), UDP, SCTP
    name: str | None = None


@dataclass(frozen=True)
class VolumeMount:
    name: str
    mount_path: str
    read_only: bool | None = None
    sub_path: str | None = None


@dataclass(frozen=True)
class ResourceRequirements:
    limits: dict[str, Quantity] = field(default_factory=dict)
    requests: dict[str, Quantity] = field(default_factory=dict)


@dataclass(frozen=True)
class Capabilities:
    add: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()


@dataclass(frozen=True)
class SELinuxOptions:
    user: str | None = None
    role: str | None = None
    type: str | None = None
    level: str | None = None


@dataclass(frozen=True)
class SecurityContext:
    """A container's securityContext."""

    run_as_user: int | None = None
    run_as_group: int | None = None
    run_as_non_root: bool | None = None
    privileged: bool | None = None
    read_only_root_filesystem: bool | None = None
    allow_privilege_escalation: bool | None = None
    capabilities: Capabilities | None = None
    se_linux_options: SELinuxOptions | None = field(default=None, metadata=k8s("seLinuxOptions"))


@dataclass(frozen=True)
class ExecAction:
    command: tuple[str, ...] = ()


@dataclass(frozen=True)
class HTTPGetAction:
    port: int | str
    path: str | None = None
    host: str | None = None
    scheme: str | None = None


@dataclass(frozen=True)
class TCPSocketAction:
    port: int | str
    host: str | None = None


@dataclass(frozen=True)
class Probe:
    exec_: ExecAction | None = field(default=None, metadata=k8s("exec"))
    http_get: HTTPGetAction | None = None
    tcp_socket: TCPSocketAction | None = None
    initial_delay_seconds: int | None = None
    period_seconds: int | None = None
    timeout_seconds: int | None = None
    failure_threshold: int | None = None
    success_threshold: int | None = None


@dataclass(frozen=True)
class Container:
    name: str
    image: str = ""
    command: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    working_dir: str | None = None
    env: tuple[EnvVar, ...] = ()
    env_from: tuple[EnvFromSource, ...] = ()
    ports: tuple[ContainerPort, ...] = ()
    volume_mounts: tuple[VolumeMount, ...] = ()
    resources: ResourceRequirements | None = None
    security_context: SecurityContext | None = None
    liveness_probe: Probe | None = None
    startup_probe: Probe | None = None
    image_pull_policy: str | None = None  # Always, IfNotPresent, Never
    stdin: bool | None = None
    tty: bool | None = None
    termination_message_path: str | None = None  # kubectl's defaults: no effect here
    termination_message_policy: str | None = None


# -- volumes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HostPathVolumeSource:
    path: str
    type: str | None = None  # "", DirectoryOrCreate, Directory, FileOrCreate, File, ...


@dataclass(frozen=True)
class EmptyDirVolumeSource:
    medium: str | None = None  # "" or Memory
    size_limit: Quantity | None = None


@dataclass(frozen=True)
class PVCVolumeSource:
    claim_name: str
    read_only: bool | None = None


@dataclass(frozen=True)
class KeyToPath:
    key: str
    path: str
    mode: int | None = None


@dataclass(frozen=True)
class ConfigMapVolumeSource:
    name: str = ""
    items: tuple[KeyToPath, ...] = ()
    default_mode: int | None = None
    optional: bool | None = None


@dataclass(frozen=True)
class SecretVolumeSource:
    secret_name: str = ""
    items: tuple[KeyToPath, ...] = ()
    default_mode: int | None = None
    optional: bool | None = None


@dataclass(frozen=True)
class DownwardAPIFile:
    path: str
    field_ref: FieldRef | None = None
    mode: int | None = None


@dataclass(frozen=True)
class DownwardAPIVolumeSource:
    items: tuple[DownwardAPIFile, ...] = ()
    default_mode: int | None = None


@dataclass(frozen=True)
class Volume:
    name: str
    host_path: HostPathVolumeSource | None = None
    empty_dir: EmptyDirVolumeSource | None = field(default=None, metadata=KEEP_EMPTY)
    persistent_volume_claim: PVCVolumeSource | None = None
    config_map: ConfigMapVolumeSource | None = None
    secret: SecretVolumeSource | None = None
    downward_api: DownwardAPIVolumeSource | None = field(default=None, metadata=k8s("downwardAPI"))


# -- pods and their controllers --------------------------------------------------------


@dataclass(frozen=True)
class HostAlias:
    ip: str
    hostnames: tuple[str, ...] = ()


@dataclass(frozen=True)
class DNSOption:
    name: str
    value: str | None = None


@dataclass(frozen=True)
class PodDNSConfig:
    nameservers: tuple[str, ...] = ()
    searches: tuple[str, ...] = ()
    options: tuple[DNSOption, ...] = ()


@dataclass(frozen=True)
class PodSecurityContext:
    run_as_user: int | None = None
    run_as_group: int | None = None
    run_as_non_root: bool | None = None
    supplemental_groups: tuple[int, ...] = ()
    se_linux_options: SELinuxOptions | None = field(default=None, metadata=k8s("seLinuxOptions"))


@dataclass(frozen=True)
class PodSpec:
    containers: tuple[Container, ...]
    init_containers: tuple[Container, ...] = ()
    volumes: tuple[Volume, ...] = ()
    restart_policy: str | None = None  # Always, OnFailure, Never
    hostname: str | None = None
    host_network: bool | None = None
    host_aliases: tuple[HostAlias, ...] = ()
    dns_config: PodDNSConfig | None = None
    security_context: PodSecurityContext | None = None
    termination_grace_period_seconds: int | None = None
    share_process_namespace: bool | None = None  # the pod shares its pid namespace
    # what podman writes: no service account and no service links exist here
    automount_service_account_token: bool | None = None
    enable_service_links: bool | None = None


@dataclass(frozen=True)
class PodTemplateSpec:
    spec: PodSpec
    metadata: ObjectMeta = field(default_factory=ObjectMeta)


@dataclass(frozen=True)
class Pod:
    api_version: str
    kind: str
    spec: PodSpec
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    status: Any = None  # output-only


@dataclass(frozen=True)
class DeploymentSpec:
    template: PodTemplateSpec
    replicas: int | None = None
    selector: LabelSelector | None = None
    strategy: Any = None  # how a cluster rolls an update: no meaning for one play


@dataclass(frozen=True)
class Deployment:
    api_version: str
    kind: str
    spec: DeploymentSpec
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    status: Any = None


@dataclass(frozen=True)
class DaemonSetSpec:
    template: PodTemplateSpec
    selector: LabelSelector | None = None


@dataclass(frozen=True)
class DaemonSet:
    api_version: str
    kind: str
    spec: DaemonSetSpec
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    status: Any = None


@dataclass(frozen=True)
class JobSpec:
    template: PodTemplateSpec
    backoff_limit: int | None = None
    completions: int | None = None
    parallelism: int | None = None


@dataclass(frozen=True)
class Job:
    api_version: str
    kind: str
    spec: JobSpec
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    status: Any = None


@dataclass(frozen=True)
class ConfigMap:
    api_version: str
    kind: str
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    data: dict[str, str] = field(default_factory=dict)
    binary_data: dict[str, str] = field(default_factory=dict)  # base64
    immutable: bool | None = None


@dataclass(frozen=True)
class Secret:
    api_version: str
    kind: str
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    type: str | None = None
    data: dict[str, str] = field(default_factory=dict)  # base64
    string_data: dict[str, str] = field(default_factory=dict)
    immutable: bool | None = None


@dataclass(frozen=True)
class PVCResources:
    requests: dict[str, Quantity] = field(default_factory=dict)
    limits: dict[str, Quantity] = field(default_factory=dict)


@dataclass(frozen=True)
class PVCSpec:
    access_modes: tuple[str, ...] = ()
    resources: PVCResources | None = None
    storage_class_name: str | None = None
    volume_mode: str | None = None


@dataclass(frozen=True)
class PersistentVolumeClaim:
    api_version: str
    kind: str
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    spec: PVCSpec = field(default_factory=PVCSpec)
    status: Any = None


@dataclass(frozen=True)
class ServicePort:
    port: int
    name: str | None = None
    protocol: str | None = None
    target_port: int | str | None = None
    node_port: int | None = None


@dataclass(frozen=True)
class ServiceSpec:
    ports: tuple[ServicePort, ...] = ()
    selector: dict[str, str] = field(default_factory=dict)
    type: str | None = None
    cluster_ip: str | None = field(default=None, metadata=k8s("clusterIP"))


@dataclass(frozen=True)
class Service:
    api_version: str
    kind: str
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    spec: ServiceSpec = field(default_factory=ServiceSpec)
    status: Any = None


KubeObject = (
    Pod | Deployment | DaemonSet | Job | ConfigMap | Secret | PersistentVolumeClaim | Service
)
Workload = Pod | Deployment | DaemonSet | Job

# kind -> (its apiVersion, its class)
KINDS: dict[str, tuple[str, type[Any]]] = {
    "Pod": ("v1", Pod),
    "Deployment": ("apps/v1", Deployment),
    "DaemonSet": ("apps/v1", DaemonSet),
    "Job": ("batch/v1", Job),
    "ConfigMap": ("v1", ConfigMap),
    "Secret": ("v1", Secret),
    "PersistentVolumeClaim": ("v1", PersistentVolumeClaim),
    "Service": ("v1", Service),
}


def pod_template(obj: Workload) -> tuple[ObjectMeta, PodSpec]:
    """The metadata and spec of the pods a workload makes."""
    if isinstance(obj, Pod):
        return obj.metadata, obj.spec
    return obj.spec.template.metadata, obj.spec.template.spec
