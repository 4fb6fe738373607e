"""What a pod *is*: its typed, versioned configuration, and its one codec.

The ``pods`` table keeps this as a JSON blob (``store/pods.py`` treats it as
bytes); this module alone writes and reads it. ``options`` are the flags as
``pod create`` received them; the other fields are what create resolved.
A change that a missing key's default cannot express bumps ``VERSION``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from hutch.api.pods import PodCreateOptions
from hutch.cgroups.limits import ResourceSpec
from hutch.util.jsondata import from_data, to_data

VERSION = 1


@dataclass(frozen=True)
class PodConfig:
    options: PodCreateOptions
    hostname: str  # the members' host name (the pod's name unless --hostname)
    shared: tuple[str, ...]  # the namespaces members join: ipc, net, uts, cgroup, pid
    exit_policy: str = "continue"
    version: int = VERSION
    # The pod's own cgroup, which holds its members' (wherever there is a cgroup
    # manager): its path below the cgroup2 mount ("/user-1000/hutch/pod-ID", or
    # its slice's ".../user.slice/user-hutch_pod_ID.slice" under systemd;
    # inspect's CgroupPath), and its limits as placed (``limits.parent`` the
    # directory it is made in, ``limits.slice`` the slice). "" when it has none.
    cgroup_path: str = ""
    limits: ResourceSpec = field(default_factory=ResourceSpec)

    @property
    def cgroup_name(self) -> str:
        """The pod cgroup's directory name, in ``limits.parent``."""
        return self.cgroup_path.rsplit("/", 1)[-1]

    @property
    def labels(self) -> tuple[tuple[str, str], ...]:
        return tuple((k, v) for k, _, v in (item.partition("=") for item in self.options.labels))


def encode(config: PodConfig) -> bytes:
    return json.dumps(to_data(config), separators=(",", ":")).encode()


def decode(raw: bytes) -> PodConfig:
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("the pod record is not a JSON object")
    return from_data(PodConfig, data)
