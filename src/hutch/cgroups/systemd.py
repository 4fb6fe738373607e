"""The systemd manager's scope: a transient unit with Delegate=yes for each container.

Through ``busctl`` on the user bus (``StartTransientUnit``, as podman does
through its D-Bus library): no D-Bus library in the monitor, which calls it.
"""

from __future__ import annotations

from pathlib import Path

from hutch.cgroups import v2


def scope_call(container_id: str, pid: int, slice_: str = "") -> list[str]:
    """The ``busctl`` argv of StartTransientUnit for a container's scope."""
    properties = [
        ["PIDs", "au", "1", str(pid)],
        ["Delegate", "b", "true"],
        ["CollectMode", "s", "inactive-or-failed"],
    ]
    if slice_:
        properties.append(["Slice", "s", slice_])
    return [
        "busctl",
        "--user",
        "call",
        "--quiet",
        "org.freedesktop.systemd1",
        "/org/freedesktop/systemd1",
        "org.freedesktop.systemd1.Manager",
        "StartTransientUnit",
        "ssa(sv)a(sa(sv))",
        f"hutch-{container_id[:12]}.scope",
        "fail",
        str(len(properties)),
        *(item for prop in properties for item in prop),
        "0",
    ]


def start_scope(container_id: str, pid: int, slice_: str = "") -> Path:
    """Put ``pid`` into a new transient scope with Delegate=yes; the scope's cgroup.

    Through ``busctl`` on the user bus (no D-Bus library in the monitor).
    """
    import subprocess  # only the systemd path pays for it

    unit = f"hutch-{container_id[:12]}.scope"
    try:
        done = subprocess.run(
            scope_call(container_id, pid, slice_), capture_output=True, text=True, timeout=30
        )
    except subprocess.TimeoutExpired:
        raise OSError(f"systemd did not answer for scope {unit} within 30 s") from None
    if done.returncode != 0:
        raise OSError(f"systemd refused scope {unit}: {done.stderr.strip() or done.returncode}")
    mount = v2.mount_point() or Path("/sys/fs/cgroup")
    for _ in range(500):  # systemd moves the pid asynchronously
        scope = v2.cgroup_of_pid(pid, mount)
        if scope is not None and scope.name == unit:
            return scope
        import time

        time.sleep(0.01)
    raise OSError(f"systemd did not move the monitor into {unit}")
