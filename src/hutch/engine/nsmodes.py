"""``--pid``, ``--ipc``, ``--uts`` and ``--cgroupns``: the namespaces a container
makes, keeps from the host, or joins.

``check`` refuses a bad mode before anything is pulled (pure but for the stat
of an ``ns:PATH``, as podman does it at create), ``resolve`` finds the
containers of ``container:NAME`` modes, ``apply`` turns the modes into the
spec (``Spec.namespaces`` without the ones not made, ``Spec.joins`` with the
ones joined), and ``before_start`` renews the joined containers' paths, whose
pids change at each of their starts (as a pod member's are renewed).

Rootless limits: the host's namespaces belong to the host's user namespace,
so "host" means not unsharing (the init still runs in the session's user
namespace, where it may not mount an mqueue or a procfs, or set the host name).
A container without a pid namespace of its own gets a monitor in the caller's
pid namespace, which forks its init into the one joined (``runtime/pidshare.py``):
``--pid host`` stays there, with the host's /proc bound.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from hutch.api.container_config import NamespaceOptions, RunOptions
from hutch.api.errors import Conflict, InvalidArgument, NoSuchObject
from hutch.engine import container_state as cs
from hutch.engine import ns_words
from hutch.engine.context import EngineContext
from hutch.engine.resources import parse_size
from hutch.runtime.spec import Spec
from hutch.runtime.spec_io import spec_from_json, spec_to_json

# flag -> (the spec's name of the namespace, podman's name of it in messages)
_NAMESPACES = {
    "pid": ("pid", "PID"),
    "ipc": ("ipc", "IPC"),
    "uts": ("uts", "UTS"),
    "cgroupns": ("cgroup", "cgroup"),
}
_PRIVATE = ("", "private")
_IPC_ONLY = ("shareable", "none")


def modes(options: NamespaceOptions) -> tuple[tuple[str, str], ...]:
    """(flag name without dashes, mode) of the four flags, in a fixed order."""
    return tuple((flag, getattr(options, flag)) for flag in _NAMESPACES)


def check(options: RunOptions) -> None:
    """Refuse what podman refuses, in its words, and what hutch cannot do rootless."""
    for flag, mode in modes(options.namespaces):
        kind, _, target = mode.partition(":")
        if mode in _PRIVATE or (flag == "ipc" and mode in _IPC_ONLY):
            continue
        if kind not in ("host", "container", "ns") or (kind == "host" and target):
            raise InvalidArgument(f"unrecognized namespace mode {mode} passed")
        if kind in ("container", "ns") and not target:
            raise ns_words.requires_value(mode)
        if kind == "ns":
            _check_path(_NAMESPACES[flag][1], target)
    ipc, uts, pid = options.namespaces.ipc, options.namespaces.uts, options.namespaces.pid
    sec = options.security
    own_userns = sec.userns not in (None, "", "host") or sec.uidmap or sec.gidmap
    if pid not in _PRIVATE and (own_userns or sec.subuidname or sec.subgidname):
        # the init of a user namespace of its own could not mount the /proc of a
        # pid namespace that belongs to the session's (as in a pod sharing pid)
        raise InvalidArgument(
            f"--pid {pid} cannot be used with a user namespace of the container's own "
            "(--userns, --uidmap, --gidmap, --subuidname, --subgidname)"
        )
    if options.kernel.shm_size is not None:
        shm_size(options.kernel.shm_size)
        if ipc in ("host", "none"):
            # podman prints its Namespace struct: {host } (mode, empty value)
            raise InvalidArgument(
                "invalid config provided: cannot set shmsize when running in the "
                f"{{{ipc} }} IPC Namespace"
            )
    if options.domainname and uts not in _PRIVATE:
        # podman's spec check, worded as its hostname one
        raise InvalidArgument(
            "invalid config provided: cannot set domainname when running in the "
            f"{'host' if uts == 'host' else 'joined'} UTS namespace: invalid configuration"
        )
    if options.hostname and uts == "host":
        raise InvalidArgument(
            "invalid config provided: cannot set hostname when running in the host UTS "
            "namespace: invalid configuration"
        )
    if options.hostname and uts.startswith("container:"):
        raise InvalidArgument(
            "invalid config provided: cannot set hostname when joining the container's UTS "
            "namespace: invalid configuration"
        )


def shm_size(text: str) -> int:
    """--shm-size in bytes, refused in podman's words."""
    try:
        return parse_size(text, "--shm-size")
    except InvalidArgument:
        raise InvalidArgument(f"unable to translate --shm-size: invalid size: '{text}'") from None


def _check_path(name: str, path: str) -> None:
    try:
        os.stat(path)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise InvalidArgument(
            f"cannot find specified {name} namespace path: stat {path}: {reason}"
        ) from exc


@dataclass(frozen=True)
class Joined:
    """The containers ``container:NAME`` modes name: (flag, id) pairs, and the
    host name a joined UTS namespace has."""

    ids: tuple[tuple[str, str], ...] = ()
    hostname: str = ""


def resolve(ctx: EngineContext, options: NamespaceOptions) -> Joined:
    """The containers named by ``container:NAME`` modes (refused when missing)."""
    ids = []
    hostname = ""
    for flag, mode in modes(options):
        if not mode.startswith("container:"):
            continue
        try:
            other = cs.find(ctx, mode.partition(":")[2])
        except NoSuchObject as exc:
            raise ns_words.no_container(_NAMESPACES[flag][0], exc) from exc
        ids.append((flag, other.id))
        if flag == "uts":
            hostname = cs.config_of(other).hostname
    return Joined(tuple(ids), hostname)


def hostname(options: RunOptions, joined: Joined) -> str | None:
    """The host name the modes decide (the host's, or the joined container's)."""
    if options.namespaces.uts == "host":
        return os.uname().nodename  # gethostname(2)'s, without socket's 2 ms import
    return joined.hostname or None


def inspect_mode(mode: str, joined_id: str = "", *, default: str = "private") -> str:
    """A mode as podman's inspect shows it (``container:`` with the full id)."""
    if mode.startswith("container:") and joined_id:
        return f"container:{joined_id}"
    return default if mode in _PRIVATE else mode


def not_made(options: NamespaceOptions) -> frozenset[str]:
    """The spec's names of the namespaces the container does not make itself."""
    return frozenset(
        _NAMESPACES[flag][0]
        for flag, mode in modes(options)
        if mode not in _PRIVATE and mode not in _IPC_ONLY
    )


def apply(spec: Spec, options: RunOptions, joined: Joined) -> Spec:
    """``spec`` making only the namespaces the modes leave to it."""
    ids = dict(joined.ids)
    namespaces = list(spec.namespaces)
    joins = list(spec.joins)
    join_ids = list(spec.join_ids)
    shm = spec.shm
    for flag, mode in modes(options.namespaces):
        ns = _NAMESPACES[flag][0]
        if mode == "none":
            shm = "none"
        if mode in _PRIVATE or mode in _IPC_ONLY:
            continue
        if ns in namespaces:
            namespaces.remove(ns)
        if mode.startswith("ns:"):
            joins.append((ns, mode.partition(":")[2]))
            join_ids.append((ns, ""))  # a join of its own, no container's
        elif mode.startswith("container:"):
            joins.append((ns, ""))  # the path: before_start, by the container's pid
            join_ids.append((ns, ids[flag]))
            if ns == "ipc":
                shm = ""  # its /dev/shm, found the same way
    size = options.kernel.shm_size
    return replace(
        spec,
        namespaces=tuple(namespaces),
        joins=tuple(joins),
        join_ids=tuple(join_ids),
        shm=shm,
        shm_size=spec.shm_size if size is None else shm_size(size),
    )


def before_start(ctx: EngineContext, container: cs.Container) -> None:
    """The joined containers' namespaces by their current pids (they must run)."""
    if not any(m.startswith("container:") for _, m in modes(container.config.options.namespaces)):
        return
    path = container.dirs.userdata / "config.json"
    spec = spec_from_json(path.read_bytes())
    pids = {}
    for ns, other_id in spec.join_ids:
        if not other_id:  # ns:PATH
            continue
        try:
            other = cs.get(ctx, other_id)
        except NoSuchObject as exc:
            raise Conflict(f"the container whose {ns} namespace this one joins is gone") from exc
        if not other.running:
            raise Conflict(
                f"cannot join the {ns} namespace of container {other.record.name}: "
                "it is not running"
            )
        pids[ns] = other.state.pid
    joins = tuple((ns, f"/proc/{pids[ns]}/ns/{ns}" if ns in pids else p) for ns, p in spec.joins)
    shm = f"/proc/{pids['ipc']}/ns/mnt" if "ipc" in pids else spec.shm
    tmp = path.with_name(".config.json.ns")
    tmp.write_bytes(spec_to_json(replace(spec, joins=joins, shm=shm)))
    os.replace(tmp, path)
