"""Reading /proc: what every part that tracks a process by pid needs."""

from __future__ import annotations


def start_time(pid: int) -> str:
    """Field 22 of /proc/PID/stat, or "" when the process is gone or a zombie.

    A pid and its start time name one process for good: a recycled pid has
    another start time. A zombie counts as gone: it has exited, and on hosts
    whose init does not reap, it may stay for ever.

    One ``os.read`` of the bytes: ``ps`` asks this of every container's monitor,
    and a text file object (its buffer, decoder and locale lookup) took about
    twice the CPU (20 against 10 microseconds a call).
    """
    import os

    try:
        fd = os.open(f"/proc/{pid}/stat", os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return ""
    try:
        stat = os.read(fd, 4096)  # the whole line: comm is at most 64 bytes
    except OSError:
        return ""
    finally:
        os.close(fd)
    fields = stat.rsplit(b")", 1)[-1].split()
    if len(fields) < 20 or fields[0] in (b"Z", b"X"):
        return ""
    return fields[19].decode()


def real_root() -> bool:
    """Root of the initial user namespace, not the mapped root of a user
    namespace (a rootless hutch is uid 0 once it has joined its session)."""
    import os

    try:
        with open("/proc/self/uid_map") as f:
            rows = [line.split() for line in f]
    except OSError:
        return False
    return os.geteuid() == 0 and rows == [["0", "0", "4294967295"]]


def host_uid() -> int:
    """This process's uid in the parent user namespace: the user's own uid
    for a rootless hutch that has joined its session (where it is 0)."""
    import os

    return _outside("/proc/self/uid_map", os.getuid())


def host_gid() -> int:
    """This process's gid in the parent user namespace (see ``host_uid``)."""
    import os

    return _outside("/proc/self/gid_map", os.getgid())


def _outside(map_path: str, inside: int) -> int:
    try:
        with open(map_path) as f:
            rows = [[int(n) for n in line.split()] for line in f]
    except (OSError, ValueError):
        return inside
    for first, outside, count in rows:
        if first <= inside < first + count:
            return outside + inside - first
    return inside


def allow_ping() -> None:
    """ICMP echo sockets for every group of this user namespace, in the current
    network namespace, as podman sets ``net.ipv4.ping_group_range`` on every
    network: ``ping`` works without CAP_NET_RAW. Best effort: a /proc that
    refuses it leaves the kernel's default."""
    try:
        with open("/proc/self/gid_map") as gid_map:
            mapped = sum(int(line.split()[2]) for line in gid_map)
        with open("/proc/sys/net/ipv4/ping_group_range", "w") as f:
            f.write(f"0 {mapped - 1}\n")
    except (OSError, ValueError, IndexError):
        pass
