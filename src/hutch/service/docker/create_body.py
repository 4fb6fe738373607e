"""Docker's ``POST /containers/create`` body -> hutch's ``RunOptions``.

The body is what docker CLI 20.10 and docker-py 7 send: ``Config`` fields at
the top level, ``HostConfig`` and ``NetworkingConfig`` beside them. Each
field becomes the flag text ``hutch run`` would get for it (``-v``,
``--mount``, ``-p``, ``--restart``...), so the engine parses and checks it
exactly as it does the CLI's, and a value it refuses is refused with the
same words. Fields hutch cannot honour are refused by name when they are set
(``FIELD: why``); fields that change nothing here are accepted and, when set,
reported in ``warnings`` (Docker's ``Warnings`` of the create answer).
Absent, null and zero values are "not given", as Docker clients send every
field.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from hutch.api.container_config import (
    HealthOptions,
    ImagePullOptions,
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
from hutch.api.errors import InvalidArgument
from hutch.service.docker.jsonread import Body

# Docker's network modes that mean "the default network" (hutch's private one).
DEFAULT_MODES = ("", "default", "bridge")

# HostConfig fields hutch cannot honour when they are set: field -> why.
REFUSED = {
    "Links": "legacy links are not supported: use a user-defined network (names resolve there)",
    "OomKillDisable": "the OOM killer cannot be disabled by a rootless container",
    "CpuRealtimePeriod": "real-time CPU scheduling is not available rootless",
    "CpuRealtimeRuntime": "real-time CPU scheduling is not available rootless",
    "CpuCount": "a Windows-only limit",
    "CpuPercent": "a Windows-only limit",
    "IOMaximumIOps": "a Windows-only limit",
    "IOMaximumBandwidth": "a Windows-only limit",
    "DeviceCgroupRules": "device cgroup rules are not supported",
    "DeviceRequests": "device requests (GPUs) are not supported",
    "MaskedPaths": "hutch has no way to set the masked paths of one container",
    "ReadonlyPaths": "hutch has no way to set the read-only paths of one container",
    "StorageOpt": "per-container storage options are not supported",
    "Isolation": "isolation technologies are Windows-only",
    "Runtime": "hutch is its own runtime",
}
# Set but without effect here: reported in the answer's Warnings.
_IGNORED = {
    "KernelMemory": "kernel memory limits are deprecated and ignored",
    "KernelMemoryTCP": "kernel memory limits are deprecated and ignored",
    "ContainerIDFile": "the client writes the container id file, not the server",
}


@dataclass(frozen=True)
class CreateRequest:
    """What a create body asks for: the options, and Docker's ``Warnings`` to answer."""

    options: RunOptions
    warnings: tuple[str, ...] = ()


def create_request(body: object, name: str = "", platform: str = "") -> CreateRequest:
    """The options of ``POST /containers/create?name=NAME&platform=P`` with ``body``.

    The image is never pulled here (``pull`` policy ``never``): Docker answers
    404 for a missing image and the client pulls and retries.
    """
    config = Body(body, "")
    host = config.obj("HostConfig")
    warnings: list[str] = []
    _refuse(config, host, warnings)
    image = config.text("Image")
    if not image:
        raise InvalidArgument("Config.Image: an image is required")
    volumes, tmpfs, mounts = _storage(config, host)
    network, net = _network(config, host)
    if config.flag("NetworkDisabled"):
        network = "none"
    return CreateRequest(
        RunOptions(
            image=image,
            command=config.texts("Cmd"),
            entrypoint=_entrypoint(config.optional_texts("Entrypoint")),
            remove=host.flag("AutoRemove"),
            interactive=config.flag("OpenStdin"),
            tty=config.flag("Tty"),
            # A bare NAME is the client's "take it from my environment": the
            # server's environment is not the client's, so it is left out.
            env=tuple(e for e in config.texts("Env") if "=" in e),
            # podman's compat handler passes none of its own proxy variables (4.3.1
            # and current: its options leave HTTPProxy false), whatever the file says
            http_proxy=False,
            workdir=config.text("WorkingDir") or None,
            user=config.text("User") or None,
            hostname=config.text("Hostname") or None,
            domainname=config.text("Domainname") or None,
            name=name or None,
            network=network,
            detach=True,
            restart=_restart(host.obj("RestartPolicy")),
            labels=tuple(f"{k}={v}" for k, v in config.text_map("Labels").items()),
            stop_signal=config.text("StopSignal") or None,
            stop_timeout=config.optional_number("StopTimeout"),
            net=net,
            security=_security(host),
            lifecycle=LifecycleOptions(
                init=host.flag("Init"), health=_health(config.obj("Healthcheck"))
            ),
            pull=ImagePullOptions(policy="never", platform=platform or None),
            volumes=VolumeOptions(
                volumes=volumes,
                mounts=mounts,
                tmpfs=tmpfs,
                volumes_from=host.texts("VolumesFrom"),
            ),
            resources=_resources(host, warnings),
            log=_log(host.obj("LogConfig")),
            # Docker's modes are podman's words (host, private, shareable,
            # container:ID): run's --pid/--ipc/--uts/--cgroupns take them as
            # they are and refuse the rest in podman's words.
            namespaces=NamespaceOptions(
                pid=host.text("PidMode"),
                ipc=host.text("IpcMode"),
                uts=host.text("UTSMode"),
                cgroupns=host.text("CgroupnsMode"),
            ),
            kernel=KernelOptions(
                # 0 (Go's zero value, what every client sends) is "the default".
                shm_size=str(host.number("ShmSize")) if host.number("ShmSize") else None,
                oom_score_adj=host.optional_number("OomScoreAdj") or None,
            ),
        ),
        tuple(warnings),
    )


@dataclass(frozen=True)
class UpdateRequest:
    """``POST /containers/{id}/update``: the limits of its HostConfig-shaped body and,
    when it names one, the new restart policy (``docker update --restart``)."""

    resources: ResourceOptions
    restart: str | None
    warnings: tuple[str, ...]


def update_request(body: object) -> UpdateRequest:
    host = Body(body, "")
    warnings: list[str] = []
    policy = host.obj("RestartPolicy")
    restart = _restart(policy) if policy.text("Name") else None
    return UpdateRequest(_resources(host, warnings), restart, tuple(warnings))


def _refuse(config: Body, host: Body, warnings: list[str]) -> None:
    for key, why in REFUSED.items():
        if host.given(key) and not (key == "Isolation" and host.text(key) == "default"):
            raise InvalidArgument(f"HostConfig.{key}: {why}")
    for key, why in _IGNORED.items():
        if host.given(key):
            warnings.append(f"HostConfig.{key}: {why}")
    if host.text("VolumeDriver") not in ("", "local"):
        raise InvalidArgument(f"HostConfig.VolumeDriver {host.text('VolumeDriver')!r}: use local")
    if host.given("ShmSize") and host.number("ShmSize") < 0:
        raise InvalidArgument("HostConfig.ShmSize: cannot be negative")
    swappiness = host.optional_number("MemorySwappiness")
    if swappiness not in (None, -1):
        warnings.append("HostConfig.MemorySwappiness: cgroup v2 has no swappiness; ignored")


def _entrypoint(words: tuple[str, ...] | None) -> str | None:
    """``--entrypoint`` text: one word as is, several as a JSON array, ``[]``/``[""]``
    resets the image's."""
    if words is None:
        return None
    if not words or words == ("",):
        return ""
    return words[0] if len(words) == 1 else json.dumps(list(words))


def _restart(policy: Body) -> str:
    name = policy.text("Name")
    if name in ("", "no"):
        return name  # "" is none given, kept apart from "no" as podman's compat API does
    retries = policy.number("MaximumRetryCount")
    return f"{name}:{retries}" if name == "on-failure" and retries else name


def go_duration(nanoseconds: int) -> str:
    """Docker's nanosecond durations as Go duration text (``30s``, ``500ms``)."""
    for unit, size in (("s", 10**9), ("ms", 10**6), ("us", 10**3)):
        if nanoseconds % size == 0:
            return f"{nanoseconds // size}{unit}"
    return f"{nanoseconds}ns"


def _health(check: Body) -> HealthOptions:
    """``Healthcheck``: Test ``["NONE"]`` disables, ``["CMD", ...]`` / ``["CMD-SHELL", c]``
    set the command, an empty Test keeps the image's; durations are nanoseconds (0: keep)."""
    test = check.texts("Test")
    if test and test[0] == "NONE":
        return HealthOptions(disabled=True)
    cmd = None
    if test:
        if test[0] == "CMD-SHELL" and len(test) == 2:
            cmd = test[1]
        elif test[0] == "CMD" and len(test) > 1:
            cmd = json.dumps(list(test))  # the CMD form whole: --health-cmd keeps it so
        else:
            raise InvalidArgument(
                'Healthcheck.Test: use ["NONE"], ["CMD", ARG...] or ["CMD-SHELL", COMMAND]'
            )

    def duration(key: str) -> str | None:
        value = check.number(key)
        if value < 0:
            raise InvalidArgument(f"Healthcheck.{key}: a duration cannot be negative")
        return go_duration(value) if value else None

    retries = check.number("Retries")
    return HealthOptions(
        cmd=cmd,
        interval=duration("Interval"),
        timeout=duration("Timeout"),
        start_period=duration("StartPeriod"),
        retries=retries or None,
    )


def _log(config: Body) -> LogOptions:
    """``LogConfig``; without a type, Docker's default ``json-file`` (hutch writes the
    real Docker format), which clients such as docker-py check before they read
    a container's output through ``logs``. The passthrough drivers are refused in
    podman's words: the container's streams would be the service's own."""
    log = LogOptions(
        driver=config.text("Type") or "json-file",
        opts=tuple(f"{k}={v}" for k, v in config.text_map("Config").items()),
    )
    if log.passes_streams:
        raise InvalidArgument(
            f"the '--log-driver {log.driver}' option is not supported in remote mode"
        )
    return log


# -- storage: Binds, Mounts, Tmpfs, Config.Volumes ------------------------------------


def _storage(config: Body, host: Body) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(``-v`` texts, ``--tmpfs`` texts, ``--mount`` texts)."""
    binds = host.texts("Binds")
    tmpfs = tuple(
        f"{dest}:{opts}" if opts else dest for dest, opts in host.text_map("Tmpfs").items()
    )
    mounts = tuple(_mount(m) for m in host.objs("Mounts"))
    taken = {_bind_destination(b) for b in binds}
    # docker-py lists "/dst:ro,Z" for a bind "/src:/dst:ro,Z" (what follows the first
    # colon when the mode is not ro or rw alone): podman skips that key too
    taken |= {b.partition(":")[2] for b in binds}
    taken |= {t.partition(":")[0] for t in tmpfs}
    taken |= {m.text("Target") for m in host.objs("Mounts")}
    # Config.Volumes lists anonymous volumes; docker-py also lists the
    # destinations of its binds there, which are not volumes of their own.
    anonymous = tuple(path for path in config.keys_of("Volumes") if path not in taken)
    return (*binds, *anonymous), tmpfs, mounts


def _bind_destination(bind: str) -> str:
    parts = bind.split(":")
    return parts[1] if len(parts) > 1 else parts[0]


def _mount(mount: Body) -> str:
    """One ``HostConfig.Mounts`` item as ``--mount`` text (csv, so commas are quoted)."""
    kind = mount.text("Type") or "volume"
    if kind not in ("bind", "volume", "tmpfs"):
        raise InvalidArgument(f"{mount.where}.Type {kind!r}: use bind, volume or tmpfs")
    target = mount.text("Target")
    if not target:
        raise InvalidArgument(f"{mount.where}.Target: a mount needs a target")
    fields = [f"type={kind}", f"target={target}"]
    if mount.text("Source"):
        fields.append(f"source={mount.text('Source')}")
    if mount.flag("ReadOnly"):
        fields.append("readonly=true")
    if kind == "bind":
        bind = mount.obj("BindOptions")
        if bind.text("Propagation"):
            fields.append(f"bind-propagation={bind.text('Propagation')}")
        if bind.flag("NonRecursive"):
            fields.append("bind-nonrecursive=true")
    elif kind == "volume":
        fields += _volume_mount_options(mount.obj("VolumeOptions"))
    else:
        tmpfs = mount.obj("TmpfsOptions")
        if tmpfs.number("SizeBytes"):
            fields.append(f"tmpfs-size={tmpfs.number('SizeBytes')}")
        if tmpfs.number("Mode"):
            fields.append(f"tmpfs-mode={tmpfs.number('Mode') & 0o7777:o}")  # Go's os.FileMode
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue()


def _volume_mount_options(options: Body) -> list[str]:
    driver = options.obj("DriverConfig")
    if driver.text("Name") not in ("", "local"):
        raise InvalidArgument(
            f"{driver.where}.Name {driver.text('Name')!r}: the only volume driver is local"
        )
    if options.given("Labels"):
        raise InvalidArgument(
            f"{options.where}.Labels: create the volume first (POST /volumes/create) to label it"
        )
    fields = ["volume-nocopy=true"] if options.flag("NoCopy") else []
    fields += [f"volume-opt={k}={v}" for k, v in driver.text_map("Options").items()]
    if options.text("Subpath"):  # API 1.45's: only that part of the volume
        fields.append(f"subpath={options.text('Subpath')}")
    return fields


# -- network: NetworkMode, PortBindings, NetworkingConfig, DNS ---------------------------


def _network(config: Body, host: Body) -> tuple[str, NetworkOptions]:
    """``--network`` text and the network options.

    Docker's default network (``default``/``bridge``) is hutch's private
    one; user networks may come from NetworkMode and from the
    EndpointsConfig keys (all are joined, NetworkMode first). Each user
    network's endpoint settings (``Aliases``, ``IPAMConfig.IPv4Address`` and
    ``IPv6Address``, ``MacAddress``) become its ``NAME:OPTIONS``, as ``run
    --network NAME:alias=,ip=,ip6=,mac=`` takes them; those of the default
    network, and the API's older container-wide ``Config.MacAddress``, are the
    global flags (``--ip``, ``--mac-address``: the first network's).
    """
    mode = host.text("NetworkMode")
    endpoints = config.obj("NetworkingConfig").obj_map("EndpointsConfig")
    names: list[str] = [] if mode in DEFAULT_MODES else [mode]
    words: dict[str, list[str]] = {}
    default: dict[str, str] = {}  # ip, ip6, mac on Docker's default network
    aliases: list[str] = []
    for network, endpoint in endpoints.items():
        if network not in DEFAULT_MODES and network not in names:
            if _is_mode(mode):
                raise InvalidArgument(
                    f"NetworkingConfig.EndpointsConfig.{network}: "
                    f"a container with network mode {mode!r} cannot join a network"
                )
            names.append(network)
        if endpoint.given("Links"):
            raise InvalidArgument(f"{endpoint.where}.Links: {REFUSED['Links']}")
        ipam = endpoint.obj("IPAMConfig")
        given = {
            "ip": ipam.text("IPv4Address"),
            "ip6": ipam.text("IPv6Address"),
            "mac": endpoint.text("MacAddress"),
        }
        if network in DEFAULT_MODES or _is_mode(network):
            # not a user network: the global flags, which run checks for the mode
            default.update({k: v for k, v in given.items() if v})
            aliases += [a for a in endpoint.texts("Aliases") if a not in aliases]
            continue
        own = words.setdefault(network, [])
        own += [f"{key}={value}" for key, value in given.items() if value]
        own += [f"alias={a}" for a in dict.fromkeys(endpoint.texts("Aliases"))]
    mac = default.get("mac") or config.text("MacAddress") or None
    network = ",".join(f"{n}:{','.join(words[n])}" if words.get(n) else n for n in names)
    publish = _publish(host)
    if host.flag("PublishAllPorts"):
        published = {p.rpartition(":")[2] for p in publish}
        publish += tuple(
            _port_key(p) for p in config.keys_of("ExposedPorts") if _port_key(p) not in published
        )
    net = NetworkOptions(
        publish=publish,
        publish_all=host.flag("PublishAllPorts"),
        aliases=tuple(aliases) if names else (),
        ip=default.get("ip"),
        ip6=default.get("ip6"),
        mac_address=mac,
        add_hosts=host.texts("ExtraHosts"),
        dns=host.texts("Dns"),
        dns_search=host.texts("DnsSearch"),
        dns_options=host.texts("DnsOptions"),
    )
    return network, net


def _is_mode(mode: str) -> bool:
    """Whether NetworkMode names a mode (host, none, container:ID), not a network."""
    return mode in ("host", "none") or mode.startswith("container:")


def _port_key(port: str) -> str:
    """``80`` -> ``80/tcp`` (Docker's nat.Port)."""
    number, _, proto = port.partition("/")
    return f"{number}/{proto or 'tcp'}"


def _publish(host: Body) -> tuple[str, ...]:
    """``PortBindings`` as ``-p`` texts: ``{"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}``
    -> ``8080:80/tcp``; an empty HostPort is a random one."""
    out: list[str] = []
    for port, bindings in host.obj_lists("PortBindings").items():
        key = _port_key(port)
        for binding in bindings:  # none: exposed, not published (as Docker)
            host_ip, host_port = binding.text("HostIp"), binding.text("HostPort")
            if ":" in host_ip:
                host_ip = f"[{host_ip}]"
            if host_ip:
                out.append(f"{host_ip}:{host_port}:{key}")
            elif host_port:
                out.append(f"{host_port}:{key}")
            else:
                out.append(key)
    return tuple(out)


# -- security and resources -----------------------------------------------------------------


def _security(host: Body) -> SecurityOptions:
    ulimits = tuple(
        f"{u.text('Name')}={u.number('Soft')}:{u.number('Hard')}" for u in host.objs("Ulimits")
    )
    devices = []
    for device in host.objs("Devices"):
        text = device.text("PathOnHost")
        if not text:
            raise InvalidArgument(f"{device.where}.PathOnHost: a device needs a host path")
        inside = device.text("PathInContainer")
        perms = device.text("CgroupPermissions")
        if inside or perms:
            text += f":{inside or device.text('PathOnHost')}"
        if perms:
            text += f":{perms}"
        devices.append(text)
    userns = host.text("UsernsMode")
    return SecurityOptions(
        cap_add=host.texts("CapAdd"),
        cap_drop=host.texts("CapDrop"),
        privileged=host.flag("Privileged"),
        security_opt=host.texts("SecurityOpt"),
        # as given, absent being false: podman's compat handler takes the body's bool,
        # so containers.conf's read_only (a default of the CLI's flag) never applies
        # here, and a Docker client, which always sends the field, gets what it asks
        read_only=host.flag("ReadonlyRootfs"),
        sysctl=tuple(f"{k}={v}" for k, v in host.text_map("Sysctls").items()),
        ulimit=ulimits,
        device=tuple(devices),
        group_add=host.texts("GroupAdd"),
        userns=userns or None,
    )


def _resources(host: Body, warnings: list[str]) -> ResourceOptions:
    def positive(key: str) -> int | None:
        value = host.number(key)
        if value < 0:
            raise InvalidArgument(f"HostConfig.{key}: cannot be negative")
        return value or None

    def rates(key: str) -> tuple[str, ...]:
        return tuple(f"{r.text('Path')}:{r.number('Rate')}" for r in host.objs(key))

    nano = positive("NanoCpus")
    swap = host.number("MemorySwap")
    pids = host.optional_number("PidsLimit")
    return ResourceOptions(
        memory=_text(positive("Memory")),
        memory_reservation=_text(positive("MemoryReservation")),
        memory_swap=None if swap == 0 else str(swap),
        cpus=None if nano is None else f"{nano / 1e9:g}",
        cpu_shares=positive("CpuShares"),
        cpu_quota=host.number("CpuQuota") or None,
        cpu_period=positive("CpuPeriod"),
        cpuset_cpus=host.text("CpusetCpus") or None,
        cpuset_mems=host.text("CpusetMems") or None,
        # docker CLI 20.10 sends 0 for "not given" (hutch's default limit
        # then holds); a negative value is unlimited.
        pids_limit=None if not pids else (-1 if pids < 0 else pids),
        blkio_weight=positive("BlkioWeight"),
        blkio_weight_device=tuple(
            f"{w.text('Path')}:{w.number('Weight')}" for w in host.objs("BlkioWeightDevice")
        ),
        device_read_bps=rates("BlkioDeviceReadBps"),
        device_write_bps=rates("BlkioDeviceWriteBps"),
        device_read_iops=rates("BlkioDeviceReadIOps"),
        device_write_iops=rates("BlkioDeviceWriteIOps"),
        cgroup_parent=host.text("CgroupParent") or None,
    )


def _text(value: int | None) -> str | None:
    return None if value is None else str(value)
