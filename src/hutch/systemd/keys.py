"""Quadlet keys and the hutch flags they become (podman-systemd.unit(5)).

One table per unit type. A key maps to a flag and a kind:
- ``one``: the last assignment is the value (``--flag=VALUE``);
- ``many``: every assignment is one value (``--flag=V1 --flag=V2``);
- ``words``: every assignment is split into words, each a value;
- ``bool``: the flag alone when the value is true;
- ``boolvalue``: ``--flag=true|false`` when set.
Keys that need more than a flag (Image, Exec, Volume, Network...) are
handled by the converters and are listed in ``SPECIAL``. Keys podman knows
but hutch cannot honour yet are in ``UNSUPPORTED``: a unit using one is
skipped with a warning, as for an unknown key, so a service never runs
without a setting its author asked for.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Flag:
    flag: str
    kind: str  # one, many, words, bool, boolvalue
    prefix: str = ""  # put before the value (SeccompProfile -> seccomp=...)


CONTAINER: dict[str, Flag] = {
    "AddCapability": Flag("--cap-add", "words"),
    "AddDevice": Flag("--device", "many"),
    "AddHost": Flag("--add-host", "many"),
    "Annotation": Flag("--annotation", "words"),
    "CgroupsMode": Flag("--cgroups", "one"),
    "DNS": Flag("--dns", "many"),
    "DNSOption": Flag("--dns-option", "many"),
    "DNSSearch": Flag("--dns-search", "many"),
    "DropCapability": Flag("--cap-drop", "words"),
    "Entrypoint": Flag("--entrypoint", "one"),
    "EnvironmentHost": Flag("--env-host", "bool"),
    "ExposeHostPort": Flag("--expose", "many"),
    "GIDMap": Flag("--gidmap", "many"),
    "GroupAdd": Flag("--group-add", "many"),
    "HealthCmd": Flag("--health-cmd", "one"),
    "HealthInterval": Flag("--health-interval", "one"),
    "HealthOnFailure": Flag("--health-on-failure", "one"),
    "HealthStartupCmd": Flag("--health-startup-cmd", "one"),
    "HealthStartupInterval": Flag("--health-startup-interval", "one"),
    "HealthStartupRetries": Flag("--health-startup-retries", "one"),
    "HealthStartupSuccess": Flag("--health-startup-success", "one"),
    "HealthStartupTimeout": Flag("--health-startup-timeout", "one"),
    "HealthRetries": Flag("--health-retries", "one"),
    "HealthStartPeriod": Flag("--health-start-period", "one"),
    "HealthTimeout": Flag("--health-timeout", "one"),
    "HostName": Flag("--hostname", "one"),
    "IP": Flag("--ip", "one"),
    "IP6": Flag("--ip6", "one"),
    "LogDriver": Flag("--log-driver", "one"),
    "LogOpt": Flag("--log-opt", "many"),
    "Mask": Flag("--security-opt", "one", "mask="),
    "Memory": Flag("--memory", "one"),
    "NetworkAlias": Flag("--network-alias", "many"),
    "NoNewPrivileges": Flag("--security-opt=no-new-privileges", "bool"),
    "PidsLimit": Flag("--pids-limit", "one"),
    "PublishPort": Flag("--publish", "words"),
    "Pull": Flag("--pull", "one"),
    "ReadOnly": Flag("--read-only", "bool"),
    "ReadOnlyTmpfs": Flag("--read-only-tmpfs", "boolvalue"),
    "RunInit": Flag("--init", "bool"),
    "SeccompProfile": Flag("--security-opt", "one", "seccomp="),
    "SecurityLabelDisable": Flag("--security-opt=label=disable", "bool"),
    "SecurityLabelFileType": Flag("--security-opt", "one", "label=filetype:"),
    "SecurityLabelLevel": Flag("--security-opt", "one", "label=level:"),
    "SecurityLabelType": Flag("--security-opt", "one", "label=type:"),
    # podman's quadlet: each Secret= is one --secret (NAME[,opt=...], as run takes it)
    "Secret": Flag("--secret", "many"),
    "StopSignal": Flag("--stop-signal", "one"),
    "StopTimeout": Flag("--stop-timeout", "one"),
    "SubGIDMap": Flag("--subgidname", "one"),
    "SubUIDMap": Flag("--subuidname", "one"),
    "Sysctl": Flag("--sysctl", "words"),
    "Timezone": Flag("--tz", "one"),
    "ShmSize": Flag("--shm-size", "one"),
    "Tmpfs": Flag("--tmpfs", "many"),
    "UIDMap": Flag("--uidmap", "many"),
    "Ulimit": Flag("--ulimit", "many"),
    "Unmask": Flag("--security-opt", "one", "unmask="),
    "UserNS": Flag("--userns", "one"),
    "WorkingDir": Flag("--workdir", "one"),
}

CONTAINER_SPECIAL = frozenset(
    {
        "AutoUpdate",
        "ContainerName",
        "Environment",
        "EnvironmentFile",
        "Exec",
        "ContainersConfModule",
        "GlobalArgs",
        "Group",
        "Image",
        "Label",
        "Mount",
        "Network",
        "Notify",
        "Pod",
        "PodmanArgs",
        "ReloadCmd",
        "ReloadSignal",
        "Rootfs",
        "ServiceName",
        "StartWithPod",
        "User",
        "Volume",
    }
)

CONTAINER_UNSUPPORTED = frozenset(
    {
        "HealthLogDestination",
        "HealthMaxLogCount",
        "HealthMaxLogSize",
        "Retry",
        "RetryDelay",
        "SecurityLabelNested",
    }
)

VOLUME: dict[str, Flag] = {
    "Driver": Flag("--driver", "one"),
    "Label": Flag("--label", "words"),
}
VOLUME_SPECIAL = frozenset(
    {
        "Copy",
        "Device",
        "Group",
        "Image",
        "Type",
        "Options",
        "User",
        "VolumeName",
        "ContainersConfModule",
        "GlobalArgs",
        "PodmanArgs",
        "ServiceName",
    }
)
VOLUME_UNSUPPORTED: frozenset[str] = frozenset()

NETWORK: dict[str, Flag] = {
    "DisableDNS": Flag("--disable-dns", "bool"),
    "DNS": Flag("--dns", "many"),
    "Driver": Flag("--driver", "one"),
    "Gateway": Flag("--gateway", "many"),
    "InterfaceName": Flag("--interface-name", "one"),
    "Internal": Flag("--internal", "bool"),
    "IPAMDriver": Flag("--ipam-driver", "one"),
    "IPRange": Flag("--ip-range", "many"),
    "IPv6": Flag("--ipv6", "bool"),
    "Label": Flag("--label", "words"),
    "Options": Flag("--opt", "many"),
    "Subnet": Flag("--subnet", "many"),
}
NETWORK_SPECIAL = frozenset(
    {
        "NetworkName",
        "NetworkDeleteOnStop",
        "ContainersConfModule",
        "GlobalArgs",
        "PodmanArgs",
        "ServiceName",
    }
)
NETWORK_UNSUPPORTED: frozenset[str] = frozenset()

POD: dict[str, Flag] = {
    "AddHost": Flag("--add-host", "many"),
    "DNS": Flag("--dns", "many"),
    "DNSOption": Flag("--dns-option", "many"),
    "DNSSearch": Flag("--dns-search", "many"),
    "HostName": Flag("--hostname", "one"),
    "IP": Flag("--ip", "one"),
    "IP6": Flag("--ip6", "one"),
    "Label": Flag("--label", "words"),
    "NetworkAlias": Flag("--network-alias", "many"),
    "PublishPort": Flag("--publish", "words"),
    "ShmSize": Flag("--shm-size", "one"),
    "GIDMap": Flag("--gidmap", "many"),
    "SubGIDMap": Flag("--subgidname", "one"),
    "SubUIDMap": Flag("--subuidname", "one"),
    "UIDMap": Flag("--uidmap", "many"),
    "UserNS": Flag("--userns", "one"),
}
POD_SPECIAL = frozenset(
    {
        "ExitPolicy",
        "Network",
        "PodName",
        "Volume",
        "ContainersConfModule",
        "GlobalArgs",
        "PodmanArgs",
        "ServiceName",
    }
)
POD_UNSUPPORTED: frozenset[str] = frozenset()

KUBE: dict[str, Flag] = {
    "LogDriver": Flag("--log-driver", "one"),
    "PublishPort": Flag("--publish", "words"),
    "UserNS": Flag("--userns", "one"),
}
KUBE_SPECIAL = frozenset(
    {
        "AutoUpdate",
        "ConfigMap",
        "ExitCodePropagation",
        "KubeDownForce",
        "Network",
        "SetWorkingDirectory",
        "Yaml",
        "ContainersConfModule",
        "GlobalArgs",
        "PodmanArgs",
        "ServiceName",
    }
)
KUBE_UNSUPPORTED: frozenset[str] = frozenset()

IMAGE: dict[str, Flag] = {
    "AllTags": Flag("--all-tags", "bool"),
    "Arch": Flag("--arch", "one"),
    "AuthFile": Flag("--authfile", "one"),
    "CertDir": Flag("--cert-dir", "one"),
    "Creds": Flag("--creds", "one"),
    "OS": Flag("--os", "one"),
    "TLSVerify": Flag("--tls-verify", "boolvalue"),
    "Variant": Flag("--variant", "one"),
}
IMAGE_SPECIAL = frozenset(
    {"Image", "ImageTag", "ContainersConfModule", "GlobalArgs", "PodmanArgs", "ServiceName"}
)
IMAGE_UNSUPPORTED = frozenset({"DecryptionKey", "Retry", "RetryDelay"})

BUILD: dict[str, Flag] = {
    "File": Flag("--file", "one"),
    "ImageTag": Flag("--tag", "many"),
    "Label": Flag("--label", "words"),
    "Pull": Flag("--pull", "one"),
    "Secret": Flag("--secret", "many"),
    "Target": Flag("--target", "one"),
}
BUILD_SPECIAL = frozenset(
    {"SetWorkingDirectory", "ContainersConfModule", "GlobalArgs", "PodmanArgs", "ServiceName"}
)
BUILD_UNSUPPORTED = frozenset(
    {
        "Annotation",
        "Arch",
        "AuthFile",
        "DNS",
        "DNSOption",
        "DNSSearch",
        "Environment",
        "ForceRM",
        "GroupAdd",
        "Network",
        "Retry",
        "RetryDelay",
        "TLSVerify",
        "Variant",
        "Volume",
    }
)

# [Quadlet] is shared by every type.
QUADLET_KEYS = frozenset({"DefaultDependencies"})

# [Unit] keys whose values may name other Quadlet units (``db.container``).
DEPENDENCY_KEYS = (
    "Wants",
    "Requires",
    "Requisite",
    "BindsTo",
    "PartOf",
    "Upholds",
    "Conflicts",
    "Before",
    "After",
)


def is_true(value: str) -> bool:
    """systemd's boolean spellings."""
    return value.strip().lower() in ("1", "yes", "y", "true", "t", "on")


def is_boolean(value: str) -> bool:
    return value.strip().lower() in (
        "1",
        "yes",
        "y",
        "true",
        "t",
        "on",
        "0",
        "no",
        "n",
        "false",
        "f",
        "off",
    )
