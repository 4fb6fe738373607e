"""A container's /etc/hostname, /etc/hosts and /etc/resolv.conf, as files to bind-mount.

They are written once into a directory of the container (or of a build
step) and bind-mounted over the image's. What goes into them is the
caller's: the engine derives it from the network and the flags
(``engine/netconfig.py``), a build step from its network (host or none).
"""

from __future__ import annotations

from pathlib import Path

LOCALHOST = (
    "127.0.0.1\tlocalhost localhost.localdomain localhost4 localhost4.localdomain4\n"
    "::1\tlocalhost localhost.localdomain localhost6 localhost6.localdomain6\n"
)


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
    directory: Path, hostname: str, hosts: str | None, resolv: str
) -> tuple[tuple[str, str], ...]:
    """Write the files; ``hosts`` None leaves the image's /etc/hosts (``--no-hosts``).

    Returns (destination in the container, source on the host) pairs, in the
    order they are mounted.
    """
    directory.mkdir(parents=True, exist_ok=True)
    files = [("hostname", hostname + "\n"), ("hosts", hosts), ("resolv.conf", resolv)]
    out = []
    for name, text in files:
        if text is not None:
            (directory / name).write_text(text)
            out.append((f"/etc/{name}", str(directory / name)))
    return tuple(out)
