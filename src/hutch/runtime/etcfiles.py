"""A container's /etc/hostname, /etc/hosts and /etc/resolv.conf, as files to bind-mount.

They are written once into a directory of the container (or of a build
step) and bind-mounted over the image's. What goes into them is the
caller's: the engine derives it from the network and the flags
(``engine/netconfig.py``), a build step from its network (host or none).
"""

from __future__ import annotations

import contextlib
import fcntl
import ipaddress
from collections.abc import Callable, Iterable
from pathlib import Path

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
if TYPE_CHECKING:
    from typing import IO

LOCALHOST = (
    "127.0.0.1\tlocalhost localhost.localdomain localhost4 localhost4.localdomain4\n"
    "::1\tlocalhost localhost.localdomain localhost6 localhost6.localdomain6\n"
)
# the names of the host's loopback as seen from the private network (its gateway)
HOST_ALIASES = "host.containers.internal host.docker.internal"


def private_hosts(address: str, names: str, gateway: str) -> str:
    """/etc/hosts on a private network (run's and a build step's): localhost, the
    container's names at its address, and the host's aliases at the gateway, which
    leads to the host's loopback."""
    return LOCALHOST + f"{address}\t{names}\n{gateway}\t{HOST_ALIASES}\n"


# A lone loopback server is a local resolver's stub: the servers it asks are in its
# own file (systemd-resolved's, NetworkManager's without its stub), read instead as
# podman reads them
_STUB_FILES = {
    "127.0.0.53": "/run/systemd/resolve/resolv.conf",
    "127.0.0.1": "/run/NetworkManager/no-stub-resolv.conf",
}


def _server(line: str) -> str | None:
    """The address a ``nameserver`` line names, however it is indented; None for
    another line."""
    fields = line.split()
    return fields[1] if fields[:1] == ["nameserver"] and len(fields) > 1 else None


def _reachable(server: str) -> bool:
    """A host's server a private network can ask itself: not on a loopback (that is
    the container's own), and IPv4: podman drops IPv6 servers where the container
    has no IPv6 address, as on the private network."""
    try:
        ip = ipaddress.ip_address(server)
    except ValueError:
        return False
    return ip.version == 4 and not ip.is_loopback


def private_resolv(host: str, forwarder: str, read: Callable[[str], str] | None = None) -> str:
    """/etc/resolv.conf on a private network (run's and a build step's, before their
    --dns flags): the network's forwarder (pasta's or slirp4netns's, .3 of
    slirp4netns's cidr=) first, then the host's servers the container can reach
    itself, as podman (4.3.1 and current) and buildah keep them after the forwarder:
    a loopback one (or IPv6) goes, and a lone local stub (127.0.0.53, 127.0.0.1) is
    replaced by its resolver's file. The forwarder reaches the host's first
    resolver, a loopback one included; the next ones are the resolver's fallbacks.
    Where podman, left with no server of the host's, adds Google's public servers,
    hutch adds none: the forwarder reaches the host's own. The other lines are kept
    as they are; a line that names a server, however it is indented, is taken as a
    server line (a reader that takes indented lines would see it so)."""
    servers = [s for s in map(_server, host.splitlines()) if s]
    if len(servers) == 1 and servers[0] in _STUB_FILES:
        real = (read or host_file)(_STUB_FILES[servers[0]])
        if real:
            host = real
    kept = [line for line in host.splitlines() if line.split()[:1] != ["nameserver"]]
    servers = [forwarder, *(s for s in map(_server, host.splitlines()) if s and _reachable(s))]
    return "".join(f"{line}\n" for line in [*(f"nameserver {s}" for s in servers), *kept])


def host_file(path: str) -> str:
    """The host's copy of an /etc file ("" when it cannot be read)."""
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def host_hosts() -> str:
    """The host's /etc/hosts, for a container on the host's network (localhost without one)."""
    return host_file("/etc/hosts") or LOCALHOST


def write_etc_files(
    directory: Path, hostname: str | None, hosts: str | None, resolv: str | None
) -> tuple[tuple[str, str], ...]:
    """Write the files; ``hosts`` None leaves the image's /etc/hosts (``--no-hosts``),
    ``hostname`` None its /etc/hostname (``--no-hostname``), ``resolv`` None its
    /etc/resolv.conf (a build step without a network).

    Returns (destination in the container, source on the host) pairs, in the
    order they are mounted.
    """
    directory.mkdir(parents=True, exist_ok=True)
    etc_hostname = None if hostname is None else hostname + "\n"
    files = [("hostname", etc_hostname), ("hosts", hosts), ("resolv.conf", resolv)]
    out = []
    for name, text in files:
        if text is not None:
            (directory / name).write_text(text)
            out.append((f"/etc/{name}", str(directory / name)))
    return tuple(out)


# podman writes /etc/hosts and /etc/resolv.conf anew at every start, the restart
# policy's too. The engine writes them at each start it makes (engine/etc_refresh.py)
# and keeps a copy of each beside it (``hosts.start``); the monitor, which restarts
# the container by itself, runs the engine's command that writes them anew before
# each run of the policy's, and puts the copies back should that fail, so that what
# the container wrote into them goes as it would in podman.
STARTED_SUFFIX = ".start"
RESTORED = ("hosts", "resolv.conf")


def write_as_started(path: Path, text: str) -> None:
    """Write a file the container will find as the start made it, and its copy; in
    place (truncated, not replaced): a file another container links to stays the one."""
    for target in (path, path.with_name(path.name + STARTED_SUFFIX)):
        with open(target, "w", encoding="utf-8") as f:
            f.write(text)


def restore_started(directory: Path) -> None:
    """Before a run of the restart policy: each kept copy back over its file."""
    for name in RESTORED:
        try:
            text = (directory / (name + STARTED_SUFFIX)).read_text(encoding="utf-8")
        except FileNotFoundError:
            continue  # none kept (--network none, a pod, a container of an older hutch)
        with open(directory / name, "w", encoding="utf-8") as f:
            f.write(text)


# A pod's members reach each other by name: the pod's shared /etc/hosts lists
# each running member as "127.0.0.1<TAB>NAME", as podman 4.3.1 does (appended
# when the member starts, taken out when it exits; the rest of the file, what
# the members wrote into it included, is left as it is until the pod's infra
# starts again and writes it anew, engine/etc_refresh.py). The file is
# bind-mounted into every member, so it is edited in place (a new inode would
# not be seen), under a lock, as several monitors may exit at once.


def member_line(name: str) -> str:
    return f"127.0.0.1\t{name}\n"


def list_pod_members(path: str, names: list[str], gone: Iterable[str] = ()) -> None:
    """List ``names`` in the pod's hosts file: a line appended for each one not
    listed yet, in order (podman appends a member's line as it starts); the lines of
    ``gone`` (members that are not running: a line a killed monitor left) taken out.
    The other lines stay as they are."""

    def change(text: str) -> str:
        out = [line for line in text.splitlines(keepends=True) if line not in dropped]
        if out and not out[-1].endswith("\n"):
            out[-1] += "\n"
        out += [member_line(n) for n in names if member_line(n) not in out]
        return "".join(out)

    dropped = {member_line(n) for n in gone if n not in names}
    edit_in_place(path, change)


def unlist_pod_member(path: str, name: str) -> None:
    """Take ``name``'s line out of the pod's hosts file (its member exited)."""
    with contextlib.suppress(FileNotFoundError), open(path, "r+", encoding="utf-8") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        text = f.read()
        line = member_line(name)
        lines = text.splitlines(keepends=True)
        if line in lines:
            _rewrite(f, "".join(x for x in lines if x != line))


def edit_in_place(path: str, change: Callable[[str], str]) -> None:
    """Rewrite a file that is bind-mounted into a running container with ``change``
    of its text, in place and under a lock (a new inode would not be seen)."""
    with contextlib.suppress(FileNotFoundError), open(path, "r+", encoding="utf-8") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        _rewrite(f, change(f.read()))


def _rewrite(f: IO[str], text: str) -> None:
    f.seek(0)
    f.write(text)
    f.truncate()
    f.flush()
