"""``--systemd true|false|always``: podman's systemd mode.

With ``always``, or with ``true`` (the default) when the command is an init
(``/sbin/init``, ``/usr/sbin/init``, ``/usr/local/sbin/init`` or any
``systemd``), the container gets what systemd needs to run as PID 1 without
changes: tmpfs mounts on /run, /run/lock, /tmp and /var/log/journal, each
holding a copy of what the image has there (podman's ``tmpcopyup``; sized by
``--shm-size-systemd``; a mount the user asked for at one of them wins), the
stop signal SIGRTMIN+3 (an explicit ``--stop-signal`` or the image's wins),
and ``container_uuid`` in the environment (the first 32 characters of the id).
podman also binds /sys/fs/cgroup/systemd on a cgroup v1 host; hutch's
containers have no cgroup v1 hierarchy to offer.
"""

from __future__ import annotations

import os
from dataclasses import replace

from hutch.api.container_config import RunOptions
from hutch.engine.resources import parse_size
from hutch.runtime.spec import Mount, Spec

INITS = ("/sbin/init", "/usr/sbin/init", "/usr/local/sbin/init")
_TMPFS = ("/run", "/run/lock", "/tmp", "/var/log/journal")


def wanted(mode: str, args: tuple[str, ...]) -> bool:
    """Whether ``--systemd MODE`` puts a container running ``args`` in systemd mode."""
    if mode == "always":
        return True
    if mode != "true" or not args:
        return False
    return args[0] in INITS or os.path.basename(args[0]) == "systemd"


def apply(spec: Spec, options: RunOptions) -> tuple[Spec, bool]:
    """``spec`` in systemd mode when the flag and the command ask for it; and whether."""
    if not wanted(options.lifecycle.systemd, spec.process.args):
        return spec, False
    taken = {m.destination.rstrip("/") or "/" for m in spec.mounts}
    # tmpcopyup: each starts with what the image has there (/run/lock in /run, ...)
    mount_options: tuple[str, ...] = ("rw", "rprivate", "nosuid", "nodev", "tmpcopyup")
    if options.kernel.shm_size_systemd is not None:
        size = parse_size(options.kernel.shm_size_systemd, "--shm-size-systemd")
        if size:
            mount_options += (f"size={size}",)
    mounts = tuple(Mount("tmpfs", d, "tmpfs", mount_options) for d in _TMPFS if d not in taken)
    env = spec.process.env
    if not any(item.startswith("container_uuid=") for item in env):
        env += (f"container_uuid={spec.id[:32]}",)
    process = replace(spec.process, env=env)
    return replace(spec, mounts=spec.mounts + mounts, process=process), True
