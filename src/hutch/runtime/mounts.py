"""The container's mount plan as data: build a list of steps, then run it.

Each step knows how to describe itself (for ``--log-level debug`` and for
tests that check the plan without executing it) and how to execute itself
relative to the rootfs it is given.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, replace

from hutch.cgroups import v2
from hutch.linux import syscalls as sc
from hutch.runtime import tmpcopyup
from hutch.runtime.paths_in_root import resolve_in_root
from hutch.runtime.spec import DEVICES, IMAGE_ID, SUBPATH, Mount, Spec

_DEV_LINKS = (
    ("ptmx", "pts/ptmx"),
    ("fd", "/proc/self/fd"),
    ("stdin", "/proc/self/fd/0"),
    ("stdout", "/proc/self/fd/1"),
    ("stderr", "/proc/self/fd/2"),
    ("core", "/proc/kcore"),
)
_ST_TO_MS = (
    (os.ST_NOSUID, sc.MS_NOSUID),
    (os.ST_NODEV, sc.MS_NODEV),
    (os.ST_NOEXEC, sc.MS_NOEXEC),
    (os.ST_NOATIME, 1024),
    (os.ST_NODIRATIME, 2048),
    (os.ST_RELATIME, 1 << 21),
)
_OPTION_FLAGS = {
    "ro": sc.MS_RDONLY,
    "nosuid": sc.MS_NOSUID,
    "nodev": sc.MS_NODEV,
    "noexec": sc.MS_NOEXEC,
    "strictatime": sc.MS_STRICTATIME,
    "rbind": sc.MS_BIND | sc.MS_REC,
    "bind": sc.MS_BIND,
}
# Propagation of a user's bind mount (-v ...:rshared). The host's / is
# private and the container has its own mount namespace, so these only
# decide what later mounts inside the container propagate to.
_PROPAGATION = {
    "private": sc.MS_PRIVATE,
    "rprivate": sc.MS_PRIVATE | sc.MS_REC,
    "shared": 1 << 20,
    "rshared": (1 << 20) | sc.MS_REC,
    "slave": sc.MS_SLAVE,
    "rslave": sc.MS_SLAVE | sc.MS_REC,
    "unbindable": 1 << 17,
    "runbindable": (1 << 17) | sc.MS_REC,
}
_REMOUNT_FLAGS = sc.MS_RDONLY | sc.MS_NOSUID | sc.MS_NODEV | sc.MS_NOEXEC


@dataclass(frozen=True)
class Step:
    """Mount ``kind`` at container path ``destination`` (resolved in the rootfs)."""

    kind: str
    destination: str
    source: str = ""
    options: tuple[str, ...] = ()
    is_file: bool = False
    # errnos after which the mount is left out and what is already at the
    # destination stays (a fallback the plan chose, never a silent failure)
    keep_on: tuple[int, ...] = ()
    subpath: str = ""  # a bind of this path under ``source`` (a volume's subpath=)

    def describe(self) -> str:
        opts = ",".join(self.options)
        src = f"{self.source} " if self.source else ""
        if self.subpath:
            src = f"{self.source}//{self.subpath} "
        return f"{self.kind} {src}on {self.destination}" + (f" ({opts})" if opts else "")

    def execute(self, root: str) -> None:
        target = resolve_in_root(root, self.destination)
        # tmpcopyup: the image's directory, opened before the mount hides it (none when
        # the image has none there: the tmpfs keeps its own mode then, as podman's)
        copy_up = self.kind == "tmpfs" and "tmpcopyup" in self.options
        below = tmpcopyup.open_below(target) if copy_up else None
        try:
            _ensure_target(target, self.is_file)
        except BaseException as exc:
            if below is not None:
                os.close(below)
            if isinstance(exc, OSError) and exc.errno in self.keep_on:
                return  # no place for it: what is there stays
            raise
        flags, data = _split_options(self.options)
        if self.kind == "borrow":
            _borrow(self.source, self.destination, target)
        elif self.kind == "overlay":
            _overlay(self.source, target, flags, data)
        elif self.kind == "bind":
            recursive = 0 if "bind" in self.options else sc.MS_REC
            _bind(self.source, self.subpath, target, sc.MS_BIND | recursive)
            if flags & sc.MS_RDONLY or flags & (sc.MS_NOSUID | sc.MS_NODEV | sc.MS_NOEXEC):
                remount_bind(target, flags & _REMOUNT_FLAGS)
            if recursive and flags & sc.MS_RDONLY:
                _readonly_below(target)
            _propagate(target, self.options)
        elif copy_up:
            data = ",".join(d for d in data.split(",") if d != "tmpcopyup")
            try:
                sc.mount(self.kind, target, self.kind, flags & ~sc.MS_RDONLY, data or None)
            except BaseException:
                if below is not None:
                    os.close(below)
                raise
            if below is not None:
                tmpcopyup.copy_up(below, target)
            if flags & sc.MS_RDONLY:  # read-only after the copy
                sc.mount(None, target, None, sc.MS_REMOUNT | flags, data or None)
            _propagate(target, self.options)
        else:
            try:  # the source names the mount in /proc/mounts (podman's /dev/shm: "shm")
                sc.mount(self.source or self.kind, target, self.kind, flags, data or None)
            except OSError as exc:
                if exc.errno not in self.keep_on:
                    raise
                return
            _propagate(target, self.options)


def _bind(source: str, subpath: str, target: str, flags: int) -> None:
    """A bind of ``source``, or of its ``subpath`` through a descriptor opened inside it
    (a rename in a volume another container writes cannot lead the bind out)."""
    if not subpath:
        sc.mount(source, target, None, flags)
        return
    fd = open_subpath(source, subpath, "volume")
    try:
        sc.mount(f"/proc/self/fd/{fd}", target, None, flags)
    finally:
        os.close(fd)


def open_subpath(top: str, subpath: str, within: str) -> int:
    """An O_PATH descriptor of ``subpath`` of the image or volume (``within``) at
    ``top``, resolved by the kernel with ``top`` as the root (openat2
    RESOLVE_IN_ROOT, what podman's pathrs does); before Linux 5.6, resolved by hand
    with the last component not followed."""
    flags = os.O_PATH | os.O_CLOEXEC
    root = os.open(top, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        return sc.openat2(root, subpath, flags, sc.RESOLVE_IN_ROOT | sc.RESOLVE_NO_MAGICLINKS)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            raise FileNotFoundError(
                errno.ENOENT, f"subpath {subpath!r} does not exist in the {within}"
            ) from None
        if exc.errno != errno.ENOSYS:
            raise
    finally:
        os.close(root)
    return os.open(subpath_in(top, subpath, within), flags | os.O_NOFOLLOW)


def _borrow(mnt_ns: str, path: str, target: str) -> None:
    """Mount at ``target`` a copy of the mount at ``path`` in the mount namespace
    ``mnt_ns`` (another container's /dev/shm, for --ipc container:NAME).

    A bind mount cannot reach into another mount namespace, nor can open_tree
    through /proc/PID/root; so the clone is made from inside that namespace and
    attached here after coming back (setns resets the root and the working
    directory to each namespace's: the working directory is restored, as
    ``target`` is relative to it in a user namespace, runtime/userns.py).
    """
    own = os.open("/proc/self/ns/mnt", os.O_RDONLY | os.O_CLOEXEC)
    cwd = os.open(".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    other = os.open(mnt_ns, os.O_RDONLY | os.O_CLOEXEC)
    try:
        sc.setns(other, sc.CLONE_NEWNS)
        try:
            tree = sc.open_tree(path, sc.OPEN_TREE_CLONE | sc.OPEN_TREE_CLOEXEC | sc.AT_RECURSIVE)
        finally:
            sc.setns(own, sc.CLONE_NEWNS)
            os.fchdir(cwd)
        try:
            sc.move_mount(tree, target)
        finally:
            os.close(tree)
    finally:
        os.close(other)
        os.close(cwd)
        os.close(own)


def _overlay(lower_base: str, target: str, flags: int, data: str) -> None:
    """An image volume's or image mount's overlay (engine/image_volumes.py): its lower
    dirs are relative to ``lower_base`` to keep the mount data under one page, so it
    is mounted from there and the working directory restored (``target`` may be
    relative to it). An image mount shows only its ``subpath=`` when given."""
    subpath, data = _image_options(data)
    _mount_overlay(lower_base, target, flags, data)
    if subpath:
        _narrow(target, subpath, flags)


def _image_options(data: str) -> tuple[str, str]:
    """The ``subpath=``, and the mount data without hutch's options (``imageid=``,
    ``subpath=``), which overlay would refuse."""
    subpath = ""
    rest = []
    for item in data.split(","):
        key, _, value = item.partition("=")
        if key == SUBPATH:
            subpath = value
        elif key != IMAGE_ID:
            rest.append(item)
    return subpath, ",".join(rest)


def _narrow(target: str, subpath: str, flags: int) -> None:
    """Show only the image's ``subpath`` at ``target``: a bind of it over the overlay
    just mounted there, symbolic links resolved inside the image."""
    path = subpath_in(target, subpath, "image")
    if not os.path.isdir(path):
        raise NotADirectoryError(
            errno.ENOTDIR, f"subpath {subpath!r} is not a directory in the image"
        )
    source = os.open(path, os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        dest = os.open(target, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            sc.mount(f"/proc/self/fd/{source}", f"/proc/self/fd/{dest}", None, sc.MS_BIND)
        finally:
            os.close(dest)
    finally:
        os.close(source)
    if flags & sc.MS_RDONLY:
        remount_bind(target, sc.MS_RDONLY)


def subpath_in(top: str, subpath: str, within: str) -> str:
    """The host path of ``subpath`` of the image or volume (``within``) at ``top``,
    symbolic links resolved inside it (one cannot lead out); refused when missing."""
    path = resolve_in_root(top, subpath)
    if not os.path.lexists(path):
        raise FileNotFoundError(errno.ENOENT, f"subpath {subpath!r} does not exist in the {within}")
    return path


def _mount_overlay(lower_base: str, target: str, flags: int, data: str) -> None:
    cwd = os.open(".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        dest = os.open(target, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            try:
                os.chdir(lower_base)
            except PermissionError:
                # a user namespace of its own (--userns=auto, --uidmap) that leaves
                # out the user who owns the layer store
                raise PermissionError(
                    errno.EACCES,
                    "an image volume or image mount cannot be mounted in this container's "
                    "user namespace (--userns=auto, --uidmap, --subuidname): the image's "
                    "layers are not readable there",
                ) from None
            sc.mount("overlay", f"/proc/self/fd/{dest}", "overlay", flags, data)
        finally:
            os.fchdir(cwd)
            os.close(dest)
    finally:
        os.close(cwd)


@dataclass(frozen=True)
class Symlink:
    destination: str
    target: str
    parents: bool = False  # make the directory it goes in (0755) when missing

    def describe(self) -> str:
        return f"symlink {self.destination} -> {self.target}"

    def execute(self, root: str) -> None:
        # Resolve only the parent: a link already at the destination is left
        # alone, never followed.
        parent, name = os.path.split(self.destination.rstrip("/"))
        where = resolve_in_root(root, parent or "/")
        if self.parents and not os.path.lexists(where):
            os.makedirs(where, mode=0o755)
        path = os.path.join(where, name)
        if not os.path.lexists(path):
            os.symlink(self.target, path)


# podman's link for an image without /etc/mtab (libpod makes it as it mounts the
# root filesystem, --read-only too): mount(8) and df read the mount table there
MTAB = Symlink("/etc/mtab", "/proc/mounts", parents=True)


def _readonly_below(target: str) -> None:
    """A read-only recursive bind is read-only all the way down.

    The remount above changes only the top mount; the mounts under it (the
    host's cgroup hierarchies under a bound /sys, a volume's submounts) would
    stay writable. A kernel before 5.12 has no mount_setattr: the top stays
    read-only, as before.
    """
    try:
        sc.mount_setattr_readonly(target)
    except OSError as exc:
        if exc.errno not in (errno.ENOSYS, errno.EINVAL):
            raise


def remount_bind(target: str, extra: int) -> None:
    """Remount a bind mount with ``extra`` flags, keeping the locked ones.

    In a user namespace the kernel refuses a remount that would clear
    nosuid/nodev/noexec inherited from the source; carry them over.
    """
    current = os.statvfs(target).f_flag
    flags = sc.MS_BIND | sc.MS_REMOUNT | extra
    for st_flag, ms_flag in _ST_TO_MS:
        if current & st_flag:
            flags |= ms_flag
    sc.mount(None, target, None, flags)


def base_plan(spec: Spec, *, gid5_mapped: bool) -> list[Step | Symlink]:
    """The standard mounts every container gets, in order."""
    plan: list[Step | Symlink] = [
        _proc(spec),
        Step("tmpfs", "/dev", "tmpfs", ("nosuid", "strictatime", "mode=755", "size=65536k")),
    ]
    if spec.mtab:  # in the root filesystem, under a volume at /etc (as podman's)
        plan.append(MTAB)
    plan += [Step("bind", f"/dev/{name}", f"/dev/{name}", (), True) for name in DEVICES]
    pts_opts = ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]
    if gid5_mapped:
        pts_opts.append("gid=5")
    plan.append(Step("devpts", "/dev/pts", "devpts", tuple(pts_opts)))
    plan += [Symlink(f"/dev/{name}", target) for name, target in _DEV_LINKS]
    plan += _ipc_plan(spec)
    sysfs = Step("sysfs", "/sys", "sysfs", ("ro", "nosuid", "nodev", "noexec"))
    if "net" in spec.namespaces:
        plan.append(sysfs)
    else:
        # sysfs may only be mounted by the owner of the network namespace;
        # with the host network, bind the host's /sys read-only instead.
        plan.append(Step("bind", "/sys", "/sys", ("ro", "nosuid", "nodev", "noexec")))
        if spec.network.join:
            # a joined namespace (a pod's infra's, container:NAME) that this user
            # namespace owns gets a sysfs of its own over that bind, as crun mounts
            # one: /sys/class/net shows its links, not the session's; where the
            # kernel refuses (another owner: EPERM; EACCES and EBUSY seen from other
            # kernels' sysfs checks), the bind stays
            plan.append(replace(sysfs, keep_on=(errno.EPERM, errno.EACCES, errno.EBUSY)))
    cgroup = v2.inner_mount_options(
        spec.resources, "cgroup" in spec.namespaces, spec.security.privileged
    )
    if cgroup is not None:
        # Under the host's bound /sys the kernel may refuse a cgroup2 mount
        # over the host's own (EBUSY on a pure v2 host): the container then
        # keeps the host's hierarchy, read-only like the rest of that /sys.
        keep = () if "net" in spec.namespaces else (errno.EBUSY, errno.EPERM)
        plan.append(Step("cgroup2", "/sys/fs/cgroup", "cgroup2", cgroup, keep_on=keep))
    plan += [_user_mount(m) for m in spec.mounts]
    # /etc/hostname, hosts and resolv.conf go over the user's mounts, as podman's do (a
    # volume at /etc shows them, their files made in it), but not over a user's own
    # file at that path; a read-only volume at /etc without them keeps its own
    taken = {m.destination for m in spec.mounts}
    plan += [
        Step("bind", dest, src, (), True, keep_on=(errno.EROFS,))
        for dest, src in spec.etc_files
        if dest not in taken
    ]
    return plan


def _proc(spec: Spec) -> Step:
    """A procfs of the container's pid namespace; with --pid host the host's, bound:
    that namespace belongs to the host's user namespace, where no procfs may be
    mounted (rootless podman binds it too)."""
    on_host = "pid" not in spec.namespaces and not any(ns == "pid" for ns, _ in spec.joins)
    if on_host:
        return Step("bind", "/proc", "/proc", ("rbind", "nosuid", "nodev", "noexec"))
    return Step("proc", "/proc", "proc", ("nosuid", "nodev", "noexec"))


def _ipc_plan(spec: Spec) -> list[Step | Symlink]:
    """/dev/shm and /dev/mqueue as the IPC namespace mode wants them."""
    mqueue = Step("mqueue", "/dev/mqueue", "mqueue", ("nosuid", "nodev", "noexec"))
    if "ipc" not in spec.namespaces and not any(ns == "ipc" for ns, _ in spec.joins):
        # --ipc host: the host's IPC namespace belongs to the host's user
        # namespace, where no mqueue may be mounted; its own files are bound.
        shm = Step("bind", "/dev/shm", "/dev/shm", ("rbind", "nosuid", "nodev", "noexec"))
        mq = Step("bind", "/dev/mqueue", "/dev/mqueue", ("rbind", "nosuid", "nodev", "noexec"))
        return [shm, mq] if os.path.isdir("/dev/mqueue") else [shm]
    if spec.shm == "none":
        return [mqueue]
    if spec.shm != "private":  # another container's /dev/shm (--ipc container:NAME)
        return [Step("borrow", "/dev/shm", spec.shm), mqueue]
    options: tuple[str, ...] = ("nosuid", "nodev", "noexec", "mode=1777")
    if spec.shm_size > 0:
        size = spec.shm_size
        options += (f"size={size // 1024}k" if size % 1024 == 0 else f"size={size}",)
    return [Step("tmpfs", "/dev/shm", "shm", options), mqueue]


def _user_mount(m: Mount) -> Step:
    # Anything but a directory is mounted on a file: a socket (an SSH agent's, a
    # docker.sock), a device node or a fifo as much as a regular file.
    # A volume's subpath= (a directory or a file, as in podman) is found now, in the
    # init: a missing one fails the start, not the create.
    # (the bind itself opens it again inside the volume: Step.execute)
    source = subpath_in(m.source, m.subpath, "volume") if m.subpath else m.source
    is_file = m.kind == "bind" and os.path.exists(source) and not os.path.isdir(source)
    return Step(m.kind, m.destination, m.source or m.kind, m.options, is_file, subpath=m.subpath)


def mask_paths(paths: tuple[str, ...]) -> None:
    """After pivot_root: hide files behind /dev/null, directories behind empty tmpfs."""
    for path in paths:
        try:
            mode = os.lstat(path).st_mode  # one lstat a path, not up to three of os.path's
        except OSError:
            continue  # missing (most are, in a given kernel's /proc and /sys) or out of reach
        try:
            if stat.S_ISDIR(mode):
                sc.mount("tmpfs", path, "tmpfs", sc.MS_RDONLY, "size=0k,mode=000")
            elif not stat.S_ISLNK(mode) or os.path.exists(path):
                sc.mount("/dev/null", path, None, sc.MS_BIND)
        except FileNotFoundError:
            continue


def readonly_paths(paths: tuple[str, ...]) -> None:
    for path in paths:
        if not os.path.exists(path):
            continue
        sc.mount(path, path, None, sc.MS_BIND | sc.MS_REC)
        remount_bind(path, sc.MS_RDONLY)


def _ensure_target(target: str, is_file: bool) -> None:
    if is_file:
        if not os.path.lexists(target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.close(os.open(target, os.O_CREAT | os.O_WRONLY | os.O_CLOEXEC, 0o644))
    elif not os.path.isdir(target):  # mostly there: one stat, not makedirs's three
        os.makedirs(target, exist_ok=True)


def _propagate(target: str, options: tuple[str, ...]) -> None:
    """The propagation a mount's options give (``-v ...:rshared``, ``--tmpfs /t:rshared``),
    set on the new mount (the kernel takes it only on its own mount call)."""
    for opt in options:
        if opt in _PROPAGATION:
            sc.mount(None, target, None, _PROPAGATION[opt])


def _split_options(options: tuple[str, ...]) -> tuple[int, str]:
    flags = 0
    data = []
    for opt in options:
        if opt in _OPTION_FLAGS:
            flags |= _OPTION_FLAGS[opt]
        elif opt == "rw" or opt in _PROPAGATION:
            continue
        else:
            data.append(opt)
    return flags, ",".join(data)
