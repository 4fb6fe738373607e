"""Which sysctls a container may set: only those of its own namespaces.

A sysctl outside the container's namespaces would change the host (or the
whole session) for everyone, so it is refused, as podman and runc do.
"""

from __future__ import annotations

from hutch.api.errors import InvalidArgument

# IPC namespace: System V IPC and POSIX message queues.
_IPC_NAMES = frozenset({"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem"})
_IPC_PREFIXES = ("kernel.shm", "fs.mqueue.")
# UTS namespace (podman accepts these; --hostname is the usual way).
_UTS_NAMES = frozenset({"kernel.hostname", "kernel.domainname"})


def namespace_of(name: str) -> str | None:
    """The namespace a sysctl belongs to ("ipc", "net", "uts"), or None."""
    if name in _IPC_NAMES or name.startswith(_IPC_PREFIXES):
        return "ipc"
    if name.startswith("net."):
        return "net"
    if name in _UTS_NAMES:
        return "uts"
    return None


def parse(values: tuple[str, ...], namespaces: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """``NAME=VALUE`` items (``/`` separators allowed) checked against ``namespaces``."""
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        name = key.strip().replace("/", ".")
        if not sep or not name:
            # podman's words
            raise InvalidArgument(
                f"{item} is invalid, sysctl values must be in the form of KEY=VALUE"
            )
        ns = namespace_of(name)
        if ns is None:
            # podman's words (only kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*
            # and net.* are namespaced: man/hutch-run.1 says so)
            raise InvalidArgument(f"sysctl '{name}' is not allowed")
        if ns not in namespaces:
            raise InvalidArgument(
                f"--sysctl {name}: the container shares the host's {ns} namespace"
            )
        out[name] = value.strip()
    return tuple(out.items())


def proc_path(name: str) -> str:
    return "/proc/sys/" + name.replace(".", "/")
