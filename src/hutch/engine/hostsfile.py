"""A container's /etc/hosts as podman composes it: --add-host lines, a base file,
then the names the engine adds where no line above names them already.

The base file is containers.conf's ``[containers] base_hosts_file``: "" the
host's /etc/hosts (nothing when the host has none), ``image`` the image's,
``none`` none, or an absolute path. After its lines come ``localhost`` (on
127.0.0.1 and ::1), ``host.containers.internal``/``host.docker.internal`` and the
container's hostname and name at its address, each name only when no earlier
line has it: a user's line (--add-host, the base file) stands over hutch's.
``host_containers_internal_ip`` sets the host's address ("none": no such line,
and ``--add-host NAME:host-gateway`` is refused, as podman refuses it).
"""

from __future__ import annotations

import ipaddress
import os
import stat
from dataclasses import dataclass

from hutch.api.errors import InvalidArgument
from hutch.runtime.paths_in_root import resolve_in_root
from hutch.runtime.spec import Rootfs

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
if TYPE_CHECKING:
    from hutch.config.container_defaults import ContainerDefaults

HOST_NAMES = ("host.containers.internal", "host.docker.internal")


@dataclass(frozen=True)
class Entry:
    ip: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class HostsConf:
    """The containers.conf keys of /etc/hosts, as a file gave them."""

    base_hosts_file: str = ""
    host_containers_internal_ip: str = ""


def conf_of(defaults: ContainerDefaults | None) -> HostsConf:
    """The keys from containers.conf's typed defaults (None: no file sets any)."""
    if defaults is None:
        return HostsConf()
    return HostsConf(defaults.base_hosts_file, defaults.host_containers_internal_ip)


def check_base(value: str) -> str:
    """base_hosts_file: "", image, none or an absolute path (containers.conf(5))."""
    if value not in ("", "image", "none") and not value.startswith("/"):
        raise InvalidArgument(
            f"containers.conf: [containers] base_hosts_file {value!r}: use an absolute "
            'path, "image" or "none"'
        )
    return value


def check_internal_ip(value: str) -> str:
    """host_containers_internal_ip: "", none or an IP address."""
    if value not in ("", "none"):
        try:
            ipaddress.ip_address(value)
        except ValueError:
            raise InvalidArgument(
                f"containers.conf: [containers] host_containers_internal_ip {value!r}: "
                'not an IP address (or "none")'
            ) from None
    return value


def parse(text: str) -> list[Entry]:
    """The entries of a hosts file: comments and blank lines go, and a line with an
    address but no name (podman drops them too)."""
    out: list[Entry] = []
    for line in text.splitlines():
        fields = line.partition("#")[0].split()
        if len(fields) >= 2:
            out.append(Entry(fields[0], tuple(fields[1:])))
    return out


def compose(user: list[Entry], engine: list[Entry]) -> str:
    """The file: every ``user`` line as it is, then each ``engine`` line with only the
    names no user line has (a line left with no name goes)."""
    taken = {n for e in user for n in e.names}
    lines = [e for e in user]
    for e in engine:
        free = tuple(n for n in e.names if n not in taken)
        if free:
            lines.append(Entry(e.ip, free))
    return "".join(f"{e.ip}\t{' '.join(e.names)}\n" for e in lines)


def replace_own(text: str, old: list[Entry], new: list[Entry]) -> str:
    """A written file with the container's own lines ``old`` (its names at the
    addresses of the networks it had) taken out and ``new`` appended, as podman
    rewrites /etc/hosts when a running container is connected to a network or
    disconnected from one; every other line stays as it is."""
    names = {n for e in (*old, *new) for n in e.names}
    gone = {e.ip for e in old}
    kept = [e for e in parse(text) if not (e.ip in gone and set(e.names) <= names)]
    return compose(kept, new)


def engine_entries(internal_ip: str, own: list[Entry]) -> list[Entry]:
    """localhost on both loopbacks, the host's names, then the container's own."""
    out = [Entry("127.0.0.1", ("localhost",)), Entry("::1", ("localhost",))]
    if internal_ip:
        out.append(Entry(internal_ip, HOST_NAMES))
    return out + own


def base_text(conf: str, rootfs: Rootfs | None) -> str:
    """The base file's text: the host's /etc/hosts ("" when it has none), the image's,
    none, or the file a path names (which must exist, as in podman)."""
    if check_base(conf) == "none":
        return ""
    if conf == "image":
        text = image_hosts(rootfs) if rootfs is not None else None
        if text is None:
            raise InvalidArgument(
                'containers.conf: [containers] base_hosts_file = "image", but the image '
                "has no /etc/hosts file"
            )
        return text
    path = conf or "/etc/hosts"
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        if not conf:
            return ""  # a host without /etc/hosts (podman does not fail either)
        raise InvalidArgument(
            f"containers.conf: [containers] base_hosts_file {conf}: no such file"
        ) from None
    except OSError as exc:
        raise InvalidArgument(
            f"containers.conf: [containers] base_hosts_file {path}: {exc.strerror}"
        ) from None


def image_hosts(rootfs: Rootfs) -> str | None:
    """The image's /etc/hosts below the container's rootfs (None: it has none). The
    layers are read top first, as overlay would show them: a whiteout of the file or
    of /etc, or an opaque /etc without the file, ends the search."""
    if rootfs.kind == "bind" or not rootfs.lowers:
        return _regular(resolve_in_root(rootfs.target, "/etc/hosts"))
    for lower in rootfs.lowers:
        layer = os.path.join(rootfs.lower_base, lower)
        etc = _lstat(os.path.join(layer, "etc"))
        if etc is None:
            continue
        if not stat.S_ISDIR(etc.st_mode):
            return None  # /etc whited out (or not a directory) in this layer
        path = os.path.join(layer, "etc", "hosts")
        found = _lstat(path)
        if found is not None:
            if stat.S_ISLNK(found.st_mode):
                # a link may point into another layer: resolve it in the layer that
                # has it, as far as that layer goes
                return _regular(resolve_in_root(layer, "/etc/hosts"))
            return _regular(path)
        if _opaque(os.path.join(layer, "etc")):
            return None
    return None


def _lstat(path: str) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _regular(path: str) -> str | None:
    """A regular file's text; None for a whiteout (a 0/0 device), a missing file or
    anything else."""
    info = _lstat(path)
    if info is None or not stat.S_ISREG(info.st_mode):
        return None
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def _opaque(directory: str) -> bool:
    for name in ("user.overlay.opaque", "trusted.overlay.opaque"):
        try:
            if os.getxattr(directory, name, follow_symlinks=False) == b"y":
                return True
        except OSError:
            continue
    return False
