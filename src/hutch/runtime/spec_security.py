"""The security part of the runtime spec: capabilities, seccomp, limits, devices.

Plain data, built and validated by the engine (``engine/security.py``) and
applied by the container init (``runtime/security.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Capabilities:
    bounding: tuple[str, ...] = ()
    effective: tuple[str, ...] = ()
    permitted: tuple[str, ...] = ()
    inheritable: tuple[str, ...] = ()
    ambient: tuple[str, ...] = ()


@dataclass(frozen=True)
class Device:
    """A host device node bind-mounted at ``destination`` (``permissions`` of rwm)."""

    source: str
    destination: str
    permissions: str = "rwm"


@dataclass(frozen=True)
class Ulimit:
    name: str
    soft: int  # -1: unlimited
    hard: int


@dataclass(frozen=True)
class SecuritySpec:
    # False for a spec built without the security options (a build's RUN
    # step): the init then keeps ``Process.capabilities`` as before.
    configured: bool = False
    # Sets for a process that resolves to uid 0, and for any other uid (the
    # user is resolved inside the image at start, so both are carried).
    root_capabilities: Capabilities = field(default_factory=Capabilities)
    user_capabilities: Capabilities = field(default_factory=Capabilities)
    # base64 of the BPF program ("" = no filter). Its conditional rules
    # follow the bounding set, as in Docker and podman.
    seccomp: str = ""
    no_new_privileges: bool = False
    privileged: bool = False
    sysctls: tuple[tuple[str, str], ...] = ()
    ulimits: tuple[Ulimit, ...] = ()
    devices: tuple[Device, ...] = ()
    group_add: tuple[str, ...] = ()  # numbers or names from the image's /etc/group
    keep_groups: bool = False
    read_only_tmpfs: tuple[str, ...] = ()  # tmpfs mount points on a read-only rootfs
