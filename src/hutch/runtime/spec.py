"""The runtime spec: everything needed to start one container, as plain data.

In the spirit of the OCI runtime spec (process, root, mounts, namespaces),
but only what hutch uses. The engine builds it; ``runtime`` executes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Re-exported: the builder gives a RUN step its limits with it (build may not
# import cgroups, a layer beside runtime).
from hutch.cgroups.limits import ResourceSpec as ResourceSpec
from hutch.runtime.spec_lifecycle import LifecycleSpec
from hutch.runtime.spec_log import LogSpec
from hutch.runtime.spec_network import NetworkSpec
from hutch.runtime.spec_security import SecuritySpec
from hutch.runtime.spec_userns import UsernsSpec

NAMESPACES = ("mount", "pid", "uts", "ipc", "net", "cgroup")
# /dev/shm's size when --shm-size is not given (64m, as podman's default)
DEFAULT_SHM_SIZE = 64 * 1024 * 1024
# PATH when neither the image nor the user gives one (podman's, runc's). Here, not in
# command_start.py which uses it at exec: create needs only the string, and that
# module brings termios, struct and the user lookup onto create's path.
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


@dataclass(frozen=True)
class User:
    """Who the process runs as; names are resolved inside the rootfs at start."""

    spec: str = ""  # "" (image default: root), "name", "uid", "name:group", "uid:gid"


@dataclass(frozen=True)
class Process:
    args: tuple[str, ...]
    env: tuple[str, ...]
    cwd: str = "/"
    # False when the user named the directory (--workdir): podman creates only
    # an image's (or the default) working directory, so a typo is not hidden.
    create_cwd: bool = True
    user: User = field(default_factory=User)
    terminal: bool = False
    stdin: bool = False
    capabilities: tuple[str, ...] = ()
    no_new_privileges: bool = False
    umask: int = 0o022  # --umask (podman's default, whatever hutch's own is)
    personality: str = ""  # --personality: LINUX or LINUX32 ("" leaves the caller's)
    oom_score_adj: int | None = None  # never set below the init's own (rootless)
    # Names in ``env`` that the runtime gave the container's own process only: an exec
    # session leaves them out (podman's HOSTNAME, unless the container's config set it)
    own_env: tuple[str, ...] = ()

    @property
    def exec_env(self) -> tuple[str, ...]:
        """The environment of another process run in the container (exec, a health
        check): ``env`` without what ``own_env`` names."""
        return tuple(item for item in self.env if item.partition("=")[0] not in self.own_env)


@dataclass(frozen=True)
class Rootfs:
    """How to make the root filesystem appear at ``target``.

    ``kind`` "overlay": native overlay of ``lowers`` (top first, relative to
    ``lower_base`` to keep the mount data short) with ``upper``/``work``;
    "fuse-overlayfs": the same through the FUSE implementation;
    "bind": ``target`` already holds the full tree (the vfs driver).
    """

    kind: str
    target: str
    lowers: tuple[str, ...] = ()
    lower_base: str = ""
    upper: str = ""
    work: str = ""
    readonly: bool = False
    # --rm (native overlay only): mounted "volatile", so its unmount skips the
    # syncfs of the whole file system under the upper dir (tens of ms on a busy
    # disk, on run's path); the upper dir goes with the container anyway.
    volatile: bool = False


@dataclass(frozen=True)
class Mount:
    """One mount inside the container; ``destination`` is a container path."""

    kind: str  # bind, tmpfs, proc, sysfs, devpts, mqueue
    destination: str
    source: str = ""
    options: tuple[str, ...] = ()
    chown: bool = False  # the U option: chown the mounted tree to the container's user
    # a new volume's first mount where the image has nothing (podman's NeedsChown): its
    # top directory goes to the container's user (not the tree: only it is new)
    own: bool = False
    # a bind of a volume's subpath=: the path under ``source`` mounted, resolved inside
    # it by the init (runtime/mounts.py), so that a symbolic link cannot leave it
    subpath: str = ""


@dataclass(frozen=True)
class PasswdSpec:
    """What the init adds to the image's /etc/passwd and /etc/group (runtime/passwd.py)."""

    add: bool = True  # --passwd: an entry for a --user uid the image lacks
    entry: str = ""  # --passwd-entry template ($USERNAME $UID $GID $NAME $HOME)
    group_entry: str = ""  # --group-entry template ($GROUPNAME $GID $USERLIST)
    host_users: tuple[str, ...] = ()  # --hostuser: the host's passwd lines


@dataclass(frozen=True)
class PodHosts:
    """A member on its pod's network: ``name`` is listed in the pod's shared
    /etc/hosts (``path``, on the host) while it runs; its monitor takes it out."""

    path: str = ""
    name: str = ""


@dataclass(frozen=True)
class Spec:
    id: str
    hostname: str
    process: Process
    rootfs: Rootfs
    mounts: tuple[Mount, ...] = ()
    namespaces: tuple[str, ...] = NAMESPACES
    # A pod member: (namespace, path) pairs setns()'d into instead of new ones
    # (ipc, uts, cgroup; the network's join is ``network.join``). The paths
    # name the infra's init, whose pid changes: rewritten before each start.
    joins: tuple[tuple[str, str], ...] = ()
    join_container: str = ""  # the container (a pod's infra) whose namespaces are joined
    # The joins of --ipc/--uts/--cgroupns (not a pod's): (namespace, container id)
    # for container:NAME, whose ``joins`` path is rewritten before each start as a
    # pod member's is; (namespace, "") for ns:PATH.
    join_ids: tuple[tuple[str, str], ...] = ()
    # /dev/shm: "private" (a tmpfs of ``shm_size`` bytes, 0: no limit), "none"
    # (--ipc none: not mounted) or the mount namespace whose /dev/shm is cloned
    # there (--ipc container:NAME; rewritten with the joins before each start).
    shm: str = "private"
    shm_size: int = DEFAULT_SHM_SIZE
    masked_paths: tuple[str, ...] = ()
    readonly_paths: tuple[str, ...] = ()
    etc_files: tuple[tuple[str, str], ...] = ()  # (container path, host file) bind-mounted
    # /etc/mtab -> /proc/mounts where the image has none (a container's, as podman's;
    # a build step's RUN gets none, as buildah's: it would be committed)
    mtab: bool = False
    pod_hosts: PodHosts = field(default_factory=PodHosts)
    domainname: str = ""  # --domainname: set with the host name in the UTS namespace
    passwd: PasswdSpec = field(default_factory=PasswdSpec)
    network: NetworkSpec = field(default_factory=NetworkSpec)
    lifecycle: LifecycleSpec = field(default_factory=LifecycleSpec)
    security: SecuritySpec = field(default_factory=SecuritySpec)
    resources: ResourceSpec = field(default_factory=ResourceSpec)
    userns: UsernsSpec = field(default_factory=UsernsSpec)
    log: LogSpec = field(default_factory=LogSpec)


# podman's defaults (containers/common pkg/config): masked and read-only paths.
DEFAULT_MASKED_PATHS = (
    "/proc/acpi",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/proc/scsi",
    "/sys/firmware",
    "/sys/fs/selinux",
    "/sys/dev/block",
    "/sys/devices/virtual/powercap",
)
DEFAULT_READONLY_PATHS = (
    "/proc/asound",
    "/proc/bus",
    "/proc/fs",
    "/proc/irq",
    "/proc/sys",
    "/proc/sysrq-trigger",
)
# The host's devices every container's /dev binds (runtime/mounts.py makes them; the
# engine leaves them out of what --device adds). Here, not in runtime/mounts.py, so
# that `create` need not load the mount code and its ctypes (2 ms).
DEVICES = ("null", "zero", "full", "random", "urandom", "tty")
# hutch's own options of an image mount's overlay (engine/image_volumes.py), taken out
# of the mount data before the kernel sees it: the image's id (the engine checks
# before a start that it was not removed) and the directory of the image shown
IMAGE_ID = "imageid"
SUBPATH = "subpath"
