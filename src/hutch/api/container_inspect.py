"""``container inspect``'s report: podman's keys, in its order.

Apart from api.containers so that ``inspect`` loads these classes alone, not the
other verbs' options and reports (nor ``typing``, which the verbs' protocols need).
The class attributes ``JSON_ORDER`` carry no annotation: ``dataclasses`` recognises
a ``ClassVar`` written as a string only once ``typing`` is loaded, and would make
them fields without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hutch.api.common import ImageGraphDriver

# .State's classes are their own module's (a template that reads only .State loads
# only them: api/container_state_report.py); re-exported for the report's readers
from hutch.api.container_state_report import GO_ZERO_TIME as GO_ZERO_TIME
from hutch.api.container_state_report import InspectHealth as InspectHealth
from hutch.api.container_state_report import InspectState as InspectState
from hutch.api.podman_json import inline, internal, key


@dataclass(frozen=True)
class InspectOptions:
    size: bool = False  # --size: SizeRw and SizeRootFs (walks the container's files)
    # Config.Env, HostConfig.Ulimits, CapAdd and CapDrop as the flags and the image gave
    # them, without what hutch adds or computes as podman does (the HOME and HOSTNAME
    # of a start, the default RLIMIT_NOFILE and RLIMIT_NPROC, the changes to the default
    # capabilities): kube generate's, which writes what was asked for
    as_given: bool = False


# -- inspect: podman's keys, in its order (rendered by api.podman_json.to_json) --


@dataclass(frozen=True)
class InspectMount:
    type: str = field(metadata=key("Type"))
    name: str = field(metadata=key("Name", True))  # podman's omitempty: none for a bind
    source: str = field(metadata=key("Source"))
    destination: str = field(metadata=key("Destination"))
    driver: str = field(metadata=key("Driver"))
    mode: str = field(metadata=key("Mode"))
    options: tuple[str, ...] | None = field(metadata=key("Options"))  # None: podman's nil
    rw: bool = field(metadata=key("RW"))
    propagation: str = field(metadata=key("Propagation"))
    # an image's or volume's subpath= (podman's omitempty: none without one)
    subpath: str = field(default="", metadata=key("SubPath", True))


@dataclass(frozen=True)
class InspectHealthcheck:
    """``.Config.Healthcheck``: the check the container runs (durations in ns)."""

    test: tuple[str, ...] = field(metadata=key("Test"))
    interval: int = field(metadata=key("Interval"))
    timeout: int = field(metadata=key("Timeout"))
    start_period: int = field(metadata=key("StartPeriod"))
    retries: int = field(metadata=key("Retries"))
    # a Kubernetes httpGet/tcpSocket probe hutch runs itself (``http://HOST:PORT/PATH``,
    # ``tcp://HOST:PORT``): kube generate writes it back as what it was
    probe: str = field(default="", metadata=internal())


@dataclass(frozen=True)
class InspectStartupHealthcheck:
    """``.Config.StartupHealthCheck`` (current podman): the check that gates the
    regular one (--health-startup-*), durations in ns."""

    test: tuple[str, ...] = field(metadata=key("Test"))
    interval: int = field(metadata=key("Interval"))
    timeout: int = field(metadata=key("Timeout"))
    retries: int = field(metadata=key("Retries"))
    successes: int = field(metadata=key("Successes"))


@dataclass(frozen=True)
class InspectSecret:
    """``.Config.Secrets``: a secret the container was given (mode in decimal, as podman)."""

    name: str = field(metadata=key("Name"))
    id: str = field(metadata=key("ID"))
    uid: int = field(metadata=key("UID"))
    gid: int = field(metadata=key("GID"))
    mode: int = field(metadata=key("Mode"))


@dataclass(frozen=True)
class InspectConfig:
    # podman's InspectContainerConfig order (current podman's, 4.3.1's a part of it)
    JSON_ORDER = (
        "Hostname", "Domainname", "User", "AttachStdin", "AttachStdout", "AttachStderr",
        "Tty", "OpenStdin", "StdinOnce", "Env", "Cmd", "Image", "Volumes", "WorkingDir",
        "Entrypoint", "OnBuild", "Labels", "Annotations", "StopSignal", "StartupHealthCheck",
        "Healthcheck", "HealthcheckOnFailureAction", "CreateCommand", "Umask", "Secrets",
        "Timeout", "StopTimeout", "Passwd", "sdNotifyMode",
    )  # fmt: skip

    hostname: str = field(metadata=key("Hostname"))
    user: str = field(metadata=key("User"))
    env: tuple[str, ...] = field(metadata=key("Env"))
    cmd: tuple[str, ...] = field(metadata=key("Cmd"))
    image: str = field(metadata=key("Image"))
    working_dir: str = field(metadata=key("WorkingDir"))
    entrypoint: tuple[str, ...] = field(metadata=key("Entrypoint"))
    labels: dict[str, str] | None = field(metadata=key("Labels"))
    stop_signal: str = field(metadata=key("StopSignal"))
    stop_timeout: int = field(metadata=key("StopTimeout"))
    create_command: tuple[str, ...] = field(metadata=key("CreateCommand"))
    tty: bool = field(metadata=key("Tty"))
    open_stdin: bool = field(metadata=key("OpenStdin"))
    healthcheck: InspectHealthcheck | None = field(
        default=None, metadata=key("Healthcheck", omitempty=True)
    )
    domainname: str = field(default="", metadata=key("Domainname"))
    volumes: dict[str, dict[str, str]] | None = field(default=None, metadata=key("Volumes"))
    on_build: tuple[str, ...] | None = field(default=None, metadata=key("OnBuild"))
    annotations: dict[str, str] = field(default_factory=dict, metadata=key("Annotations"))
    healthcheck_on_failure_action: str = field(
        default="none", metadata=key("HealthcheckOnFailureAction")
    )
    startup_healthcheck: InspectStartupHealthcheck | None = field(
        default=None, metadata=key("StartupHealthCheck", omitempty=True)
    )
    umask: str = field(default="0022", metadata=key("Umask"))
    timeout: int = field(default=0, metadata=key("Timeout"))  # run/create --timeout
    passwd: bool = field(default=True, metadata=key("Passwd"))
    sd_notify_mode: str = field(default="conmon", metadata=key("sdNotifyMode"))
    # podman 4.3.1 reports these false whatever the create or run asked for
    # (checked with -i, -t, -it, -a stdout, -a stdin -a stdout -i, an attached
    # run, run -i and run -d): scripts read them, so they are there, as podman's.
    attach_stdin: bool = field(default=False, metadata=key("AttachStdin"))
    attach_stdout: bool = field(default=False, metadata=key("AttachStdout"))
    attach_stderr: bool = field(default=False, metadata=key("AttachStderr"))
    stdin_once: bool = field(default=False, metadata=key("StdinOnce"))
    secrets: tuple[InspectSecret, ...] | None = field(
        default=None, metadata=key("Secrets", omitempty=True)
    )


@dataclass(frozen=True)
class InspectRestartPolicy:
    name: str = field(metadata=key("Name"))
    maximum_retry_count: int = field(metadata=key("MaximumRetryCount"))


@dataclass(frozen=True)
class InspectLogConfig:
    JSON_ORDER = ("Type", "Config", "Path", "Tag", "Size")

    type: str = field(metadata=key("Type"))
    path: str = field(metadata=key("Path"))
    tag: str = field(metadata=key("Tag"))
    size: str = field(metadata=key("Size"))
    config: dict[str, str] | None = field(metadata=key("Config"))


@dataclass(frozen=True)
class InspectDeviceRate:
    path: str = field(metadata=key("Path"))
    rate: int = field(metadata=key("Rate"))


@dataclass(frozen=True)
class InspectDeviceWeight:
    path: str = field(metadata=key("Path"))
    weight: int = field(metadata=key("Weight"))


@dataclass(frozen=True)
class InspectLimits:
    """The limit keys of ``.HostConfig`` (Docker's cgroup v1 names and units)."""

    cgroups: str = field(metadata=key("Cgroups"))
    cgroup_manager: str = field(metadata=key("CgroupManager"))
    cgroup_parent: str = field(metadata=key("CgroupParent"))
    memory: int = field(metadata=key("Memory"))
    memory_reservation: int = field(metadata=key("MemoryReservation"))
    memory_swap: int = field(metadata=key("MemorySwap"))
    memory_swappiness: int = field(metadata=key("MemorySwappiness"))
    oom_kill_disable: bool = field(metadata=key("OomKillDisable"))
    nano_cpus: int = field(metadata=key("NanoCpus"))
    cpu_shares: int = field(metadata=key("CpuShares"))
    cpu_period: int = field(metadata=key("CpuPeriod"))
    cpu_quota: int = field(metadata=key("CpuQuota"))
    cpu_realtime_period: int = field(metadata=key("CpuRealtimePeriod"))
    cpu_realtime_runtime: int = field(metadata=key("CpuRealtimeRuntime"))
    cpuset_cpus: str = field(metadata=key("CpusetCpus"))
    cpuset_mems: str = field(metadata=key("CpusetMems"))
    cpu_count: int = field(metadata=key("CpuCount"))
    cpu_percent: int = field(metadata=key("CpuPercent"))
    pids_limit: int = field(metadata=key("PidsLimit"))
    blkio_weight: int = field(metadata=key("BlkioWeight"))
    # None (podman's null) when the container sets no block I/O limit at all: podman
    # fills the five lists only from a spec with a BlockIO section, [] then when empty
    blkio_weight_device: tuple[InspectDeviceWeight, ...] | None = field(
        metadata=key("BlkioWeightDevice")
    )
    device_read_bps: tuple[InspectDeviceRate, ...] | None = field(
        metadata=key("BlkioDeviceReadBps")
    )
    device_write_bps: tuple[InspectDeviceRate, ...] | None = field(
        metadata=key("BlkioDeviceWriteBps")
    )
    device_read_iops: tuple[InspectDeviceRate, ...] | None = field(
        metadata=key("BlkioDeviceReadIOps")
    )
    device_write_iops: tuple[InspectDeviceRate, ...] | None = field(
        metadata=key("BlkioDeviceWriteIOps")
    )


@dataclass(frozen=True)
class InspectUlimit:
    """One ``--ulimit`` as podman shows it (``RLIMIT_NOFILE``; -1 is unlimited)."""

    name: str = field(metadata=key("Name"))
    soft: int = field(metadata=key("Soft"))
    hard: int = field(metadata=key("Hard"))


@dataclass(frozen=True)
class InspectHostConfig:
    # podman's InspectContainerHostConfig order: the limits (InspectLimits) and the
    # rest (InspectHostExtras) interleave there
    JSON_ORDER = (
        "Binds", "CgroupManager", "CgroupMode", "ContainerIDFile", "LogConfig", "NetworkMode",
        "PortBindings", "RestartPolicy", "AutoRemove", "VolumeDriver", "VolumesFrom", "CapAdd",
        "CapDrop", "Dns", "DnsOptions", "DnsSearch", "ExtraHosts", "GroupAdd", "IpcMode",
        "Cgroup", "Cgroups", "Links", "OomScoreAdj", "PidMode", "Privileged", "PublishAllPorts",
        "ReadonlyRootfs", "SecurityOpt", "Tmpfs", "UTSMode", "UsernsMode", "IDMappings",
        "ShmSize", "Runtime", "ConsoleSize", "Isolation", "CpuShares", "Memory", "NanoCpus",
        "CgroupParent", "BlkioWeight", "BlkioWeightDevice", "BlkioDeviceReadBps",
        "BlkioDeviceWriteBps", "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps", "CpuPeriod",
        "CpuQuota", "CpuRealtimePeriod", "CpuRealtimeRuntime", "CpusetCpus", "CpusetMems",
        "Devices", "DiskQuota", "KernelMemory", "MemoryReservation", "MemorySwap",
        "MemorySwappiness", "OomKillDisable", "PidsLimit", "Ulimits", "CpuCount", "CpuPercent",
        "IOMaximumIOps", "IOMaximumBandwidth", "CgroupConf",
    )  # fmt: skip

    restart_policy: InspectRestartPolicy = field(metadata=key("RestartPolicy"))
    auto_remove: bool = field(metadata=key("AutoRemove"))
    network_mode: str = field(metadata=key("NetworkMode"))
    log_config: InspectLogConfig = field(metadata=key("LogConfig"))
    limits: InspectLimits = field(metadata=inline())  # its keys sit in HostConfig itself
    ulimits: tuple[InspectUlimit, ...] = field(default=(), metadata=key("Ulimits"))
    cap_add: tuple[str, ...] = field(default=(), metadata=key("CapAdd"))
    cap_drop: tuple[str, ...] = field(default=(), metadata=key("CapDrop"))
    privileged: bool = field(default=False, metadata=key("Privileged"))
    readonly_rootfs: bool = field(default=False, metadata=key("ReadonlyRootfs"))
    security_opt: tuple[str, ...] = field(default=(), metadata=key("SecurityOpt"))
    extras: InspectHostExtras | None = field(default=None, metadata=inline())


@dataclass(frozen=True)
class InspectDevice:
    path_on_host: str = field(metadata=key("PathOnHost"))
    path_in_container: str = field(metadata=key("PathInContainer"))
    cgroup_permissions: str = field(metadata=key("CgroupPermissions"))


@dataclass(frozen=True)
class InspectHostExtras:
    """The rest of podman's ``.HostConfig``: namespaces, DNS, binds, devices, ... as
    given at create (hutch's namespaces are always private ones)."""

    binds: tuple[str, ...] = field(metadata=key("Binds"))
    cgroup_mode: str = field(metadata=key("CgroupMode"))
    container_id_file: str = field(metadata=key("ContainerIDFile"))
    # the same as .NetworkSettings.Ports: exposed ports without a binding are null
    port_bindings: dict[str, tuple[InspectPortBinding, ...] | None] = field(
        metadata=key("PortBindings")
    )
    volumes_from: tuple[str, ...] | None = field(metadata=key("VolumesFrom"))
    dns: tuple[str, ...] = field(metadata=key("Dns"))
    dns_options: tuple[str, ...] = field(metadata=key("DnsOptions"))
    dns_search: tuple[str, ...] = field(metadata=key("DnsSearch"))
    extra_hosts: tuple[str, ...] = field(metadata=key("ExtraHosts"))
    group_add: tuple[str, ...] = field(metadata=key("GroupAdd"))
    userns_mode: str = field(metadata=key("UsernsMode"))
    id_mappings: InspectIDMappings | None = field(
        default=None, kw_only=True, metadata=key("IDMappings", omitempty=True)
    )
    publish_all_ports: bool = field(metadata=key("PublishAllPorts"))
    tmpfs: dict[str, str] = field(metadata=key("Tmpfs"))
    devices: tuple[InspectDevice, ...] = field(metadata=key("Devices"))
    volume_driver: str = field(default="", metadata=key("VolumeDriver"))
    ipc_mode: str = field(default="shareable", metadata=key("IpcMode"))
    cgroup: str = field(default="", metadata=key("Cgroup"))
    links: None = field(default=None, metadata=key("Links"))
    oom_score_adj: int = field(default=0, metadata=key("OomScoreAdj"))
    pid_mode: str = field(default="private", metadata=key("PidMode"))
    uts_mode: str = field(default="private", metadata=key("UTSMode"))
    shm_size: int = field(default=65536 * 1024, metadata=key("ShmSize"))  # runtime/mounts.py
    runtime: str = field(default="oci", metadata=key("Runtime"))
    console_size: tuple[int, int] = field(default=(0, 0), metadata=key("ConsoleSize"))
    isolation: str = field(default="", metadata=key("Isolation"))
    disk_quota: int = field(default=0, metadata=key("DiskQuota"))
    kernel_memory: int = field(default=0, metadata=key("KernelMemory"))
    io_maximum_iops: int = field(default=0, metadata=key("IOMaximumIOps"))
    io_maximum_bandwidth: int = field(default=0, metadata=key("IOMaximumBandwidth"))
    # --cgroup-conf and containers.conf's cgroup_conf, file -> value (podman's spec
    # Resources.Unified); null without any
    cgroup_conf: dict[str, str] | None = field(default=None, metadata=key("CgroupConf"))


@dataclass(frozen=True)
class InspectIDMappings:
    """podman's ``.HostConfig.IDMappings``, CONTAINER:HOST:SIZE as given."""

    uid_map: tuple[str, ...] = field(metadata=key("UidMap"))
    gid_map: tuple[str, ...] = field(metadata=key("GidMap"))


@dataclass(frozen=True)
class InspectPortBinding:
    host_ip: str = field(metadata=key("HostIp"))
    host_port: str = field(metadata=key("HostPort"))


@dataclass(frozen=True)
class InspectEndpoint:
    """One network of ``.NetworkSettings.Networks``."""

    endpoint_id: str = field(metadata=key("EndpointID"))
    gateway: str = field(metadata=key("Gateway"))
    ip_address: str = field(metadata=key("IPAddress"))
    ip_prefix_len: int = field(metadata=key("IPPrefixLen"))
    ipv6_gateway: str = field(metadata=key("IPv6Gateway"))
    global_ipv6_address: str = field(metadata=key("GlobalIPv6Address"))
    global_ipv6_prefix_len: int = field(metadata=key("GlobalIPv6PrefixLen"))
    mac_address: str = field(metadata=key("MacAddress"))
    network_id: str = field(metadata=key("NetworkID"))
    # unused, kept for Docker's sake, always null in podman's (a template: map[], [])
    driver_opts: None = field(default=None, kw_only=True, metadata=key("DriverOpts"))
    ipam_config: None = field(default=None, kw_only=True, metadata=key("IPAMConfig"))
    links: None = field(default=None, kw_only=True, metadata=key("Links"))
    aliases: tuple[str, ...] = field(metadata=key("Aliases"))
    interface_name: str = field(metadata=key("InterfaceName"))


@dataclass(frozen=True)
class InspectNetworkSettings:
    # podman's: the basic network config (embedded) first, then the sandbox's keys
    JSON_ORDER = (
        "EndpointID", "Gateway", "IPAddress", "IPPrefixLen", "IPv6Gateway", "GlobalIPv6Address",
        "GlobalIPv6PrefixLen", "MacAddress", "Bridge", "SandboxID", "HairpinMode",
        "LinkLocalIPv6Address", "LinkLocalIPv6PrefixLen", "Ports", "SandboxKey", "Networks",
    )  # fmt: skip

    endpoint_id: str = field(metadata=key("EndpointID"))
    gateway: str = field(metadata=key("Gateway"))
    ip_address: str = field(metadata=key("IPAddress"))
    ip_prefix_len: int = field(metadata=key("IPPrefixLen"))
    mac_address: str = field(metadata=key("MacAddress"))
    bridge: str = field(metadata=key("Bridge"))
    # podman's omitempty: none for slirp4netns, pasta, host or none (no named network)
    networks: dict[str, InspectEndpoint] = field(metadata=key("Networks", True))
    # "80/tcp" -> its bindings; None: exposed by the image, not published
    ports: dict[str, tuple[InspectPortBinding, ...] | None] = field(metadata=key("Ports"))
    sandbox_id: str = field(metadata=key("SandboxID"))
    sandbox_key: str = field(metadata=key("SandboxKey"))
    ipv6_gateway: str = field(default="", metadata=key("IPv6Gateway"))
    global_ipv6_address: str = field(default="", metadata=key("GlobalIPv6Address"))
    global_ipv6_prefix_len: int = field(default=0, metadata=key("GlobalIPv6PrefixLen"))
    hairpin_mode: bool = field(default=False, metadata=key("HairpinMode"))
    link_local_ipv6_address: str = field(default="", metadata=key("LinkLocalIPv6Address"))
    link_local_ipv6_prefix_len: int = field(default=0, metadata=key("LinkLocalIPv6PrefixLen"))


@dataclass(frozen=True)
class ContainerInspect:
    """``container inspect``: the Docker/podman shape users script against."""

    id: str = field(metadata=key("Id"))
    created: str = field(metadata=key("Created"))
    path: str = field(metadata=key("Path"))
    args: tuple[str, ...] = field(metadata=key("Args"))
    state: InspectState = field(metadata=key("State"))
    image: str = field(metadata=key("Image"))
    image_digest: str = field(default="", kw_only=True, metadata=key("ImageDigest"))
    image_name: str = field(metadata=key("ImageName"))
    rootfs: str = field(metadata=key("Rootfs"))
    pod: str = field(default="", kw_only=True, metadata=key("Pod"))  # its pod's id, or ""
    resolv_conf_path: str = field(metadata=key("ResolvConfPath"))
    hostname_path: str = field(metadata=key("HostnamePath"))
    hosts_path: str = field(metadata=key("HostsPath"))
    # not a key of podman's (Docker's): .HostConfig.LogConfig.Path holds it there
    log_path: str = field(metadata=internal())
    static_dir: str = field(default="", kw_only=True, metadata=key("StaticDir"))
    # the spec hutch's runtime starts the container from (userdata/config.json), once
    # it started: podman's is the OCI runtime's config.json, after the container's init
    oci_config_path: str = field(default="", kw_only=True, metadata=key("OCIConfigPath", True))
    # the runtime is hutch's own (runtime/), not an OCI runtime binary
    oci_runtime: str = field(default="hutch", kw_only=True, metadata=key("OCIRuntime"))
    conmon_pid_file: str = field(default="", kw_only=True, metadata=key("ConmonPidFile"))
    pid_file: str = field(default="", kw_only=True, metadata=key("PidFile"))  # --pidfile
    name: str = field(metadata=key("Name"))
    restart_count: int = field(metadata=key("RestartCount"))
    driver: str = field(metadata=key("Driver"))
    mount_label: str = field(metadata=key("MountLabel"))
    process_label: str = field(metadata=key("ProcessLabel"))
    app_armor_profile: str = field(default="", kw_only=True, metadata=key("AppArmorProfile"))
    effective_caps: tuple[str, ...] = field(default=(), kw_only=True, metadata=key("EffectiveCaps"))
    bounding_caps: tuple[str, ...] = field(default=(), kw_only=True, metadata=key("BoundingCaps"))
    exec_ids: tuple[str, ...] = field(metadata=key("ExecIDs"))
    graph_driver: ImageGraphDriver | None = field(
        default=None, kw_only=True, metadata=key("GraphDriver", omitempty=True)
    )
    # with --size only: the container's own files, and those with the image's under them
    size_rw: int | None = field(default=None, kw_only=True, metadata=key("SizeRw", omitempty=True))
    size_root_fs: int | None = field(
        default=None, kw_only=True, metadata=key("SizeRootFs", omitempty=True)
    )
    mounts: tuple[InspectMount, ...] = field(metadata=key("Mounts"))
    # the containers it needs started first: a pod member its pod's infra
    dependencies: tuple[str, ...] = field(default=(), kw_only=True, metadata=key("Dependencies"))
    network_settings: InspectNetworkSettings = field(metadata=key("NetworkSettings"))
    namespace: str = field(default="", kw_only=True, metadata=key("Namespace"))
    is_infra: bool = field(default=False, kw_only=True, metadata=key("IsInfra"))
    is_service: bool = field(default=False, kw_only=True, metadata=key("IsService"))
    config: InspectConfig = field(metadata=key("Config"))
    host_config: InspectHostConfig = field(metadata=key("HostConfig"))
