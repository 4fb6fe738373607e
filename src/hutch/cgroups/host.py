"""What this host offers a user's containers: which cgroup manager, below which cgroup.

- **systemd**: a systemd user session is there; each container gets a
  transient scope with ``Delegate=yes`` (``cgroups/systemd.py``), and its
  cgroup is made inside that scope.
- **cgroupfs**: no systemd, but part of the cgroup v2 tree the caller sits
  in is the user's own (an admin delegated it, or a guest like the test
  lane's): containers go below the highest ancestor the user owns, in
  ``hutch/<id>``.
- **disabled**: neither; containers run without a cgroup of their own, and
  a limit asked for is refused with the reason and the fix.

``probe`` runs once per command; ``cgroups/manager.py`` turns its answer
into the one manager object the command then uses.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from hutch.cgroups import v2
from hutch.cgroups.limits import CGROUPFS, SYSTEMD

DISABLED = "disabled"

# How a user gets limits where there are none: said with every refusal.
FIX = (
    "enable the unified cgroup hierarchy (boot with systemd.unified_cgroup_hierarchy=1 "
    "or cgroup_no_v1=all) and delegate the controllers to your user (systemd: Delegate=yes "
    "for user@.service, in /etc/systemd/system/user@.service.d/delegate.conf)"
)


@dataclass(frozen=True)
class CgroupHost:
    manager: str  # systemd, cgroupfs or disabled
    root: str  # the highest cgroup the user owns ("" when disabled)
    controllers: tuple[str, ...]  # those the user can enable below root
    reason: str  # why this manager (or why there is none)
    mount: str = ""
    own: str = ""  # the caller's own cgroup directory


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


def owned(cgroup: Path, writable: Callable[[Path], bool] = _writable) -> bool:
    """The user may create children here and move processes in and out."""
    return all(
        writable(p) for p in (cgroup, cgroup / "cgroup.procs", cgroup / "cgroup.subtree_control")
    )


def highest_owned(
    mount: Path, own: Path, writable: Callable[[Path], bool] = _writable
) -> Path | None:
    """The highest ancestor of ``own`` (itself included) owned without a break."""
    best: Path | None = None
    current = own
    while True:
        if not owned(current, writable):
            return best
        best = current
        if current == mount:
            return best
        current = current.parent


def detect(
    *,
    mount: Path | None,
    own_path: str,
    systemd_session: bool,
    writable: Callable[[Path], bool] = _writable,
) -> CgroupHost:
    """The manager for a caller in cgroup ``own_path`` of the cgroup2 tree at ``mount``."""
    if mount is None:
        return CgroupHost(DISABLED, "", (), "no cgroup v2 hierarchy is mounted")
    if not own_path:
        return CgroupHost(DISABLED, "", (), "this process has no cgroup v2 path", str(mount))
    own = mount / own_path.lstrip("/")
    # systemd's hybrid layout mounts cgroup2 at .../unified beside the v1 controllers.
    hybrid = mount.name == "unified"
    root = highest_owned(mount, own, writable)
    if root is None:
        if hybrid:
            why = (
                f"cgroup v2 is mounted only at {mount}, beside the v1 controllers "
                "(a hybrid layout), and no part of it is delegated to you"
            )
        else:
            why = f"no part of your cgroup {own_path} is delegated to you"
        return CgroupHost(DISABLED, "", (), why, str(mount), str(own))
    available = tuple(sorted(v2.controllers(root)))
    if not available:
        why = f"no cgroup v2 controllers are available in your cgroup {root}"
        if hybrid:
            why = (
                f"cgroup v2 at {mount} has no controllers "
                "(a hybrid layout: they are all in cgroup v1)"
            )
        return CgroupHost(DISABLED, "", (), why, str(mount), str(own))
    if systemd_session:
        why = f"systemd user session, transient scopes below {root}"
        return CgroupHost(SYSTEMD, str(root), available, why, str(mount), str(own))
    why = f"delegated cgroup v2 subtree {root}"
    return CgroupHost(CGROUPFS, str(root), available, why, str(mount), str(own))


def systemd_user_session(env: Mapping[str, str], own_path: str) -> bool:
    """A systemd user manager we can ask for scopes: its socket, busctl, and a user@ cgroup."""
    runtime = env.get("XDG_RUNTIME_DIR", "")
    has_bus = bool(env.get("DBUS_SESSION_BUS_ADDRESS")) or (
        bool(runtime) and Path(runtime, "bus").exists()
    )
    has_manager = bool(runtime) and Path(runtime, "systemd", "private").exists()
    if not (has_bus and has_manager and "/user@" in own_path):
        return False
    # Here, not at the top: shutil loads bz2 and lzma, and the monitor (which
    # imports this module through the manager) never probes.
    import shutil

    return shutil.which("busctl") is not None


def probe() -> CgroupHost:
    """The manager for this process on this host."""
    mount = v2.mount_point()
    try:
        own_path = v2.unified_path(Path("/proc/self/cgroup").read_text())
    except OSError:
        own_path = ""
    return detect(
        mount=mount,
        own_path=own_path,
        systemd_session=systemd_user_session(os.environ, own_path),
    )


def preferred(host: CgroupHost, manager: str) -> tuple[CgroupHost, tuple[str, ...]]:
    """The host with ``--cgroup-manager`` applied, and podman's warnings when the
    manager asked for cannot be had. cgroupfs works wherever systemd would (the
    same delegated subtree, without transient scopes); systemd needs a user session."""
    if manager == CGROUPFS and host.manager == SYSTEMD:
        return replace(
            host, manager=CGROUPFS, reason=f"{host.reason} (--cgroup-manager cgroupfs)"
        ), ()
    if manager == SYSTEMD and host.manager == CGROUPFS:
        return host, (
            "The cgroupv2 manager is set to systemd but there is no systemd user session available",
            "For using systemd, you may need to login using an user session",
            "Falling back to --cgroup-manager=cgroupfs",
        )
    return host, ()
