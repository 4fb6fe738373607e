"""A container's own user namespace, nested in the session namespace.

The monitor (root of the session namespace, with every capability there)
makes the namespace once per container life: a forked child unshares
``CLONE_NEWUSER`` and waits while the monitor writes its ``uid_map``,
``setgroups`` and ``gid_map`` (no ``newuidmap``: the outside ids are session
ids, which the monitor may map); the monitor keeps ``/proc/PID/ns/user``
open and lets the child go. Each run of the container then forks a short
lived *forker* that ``setns``es into it, unshares ``CLONE_NEWPID`` and forks
the init, so that the container's pid namespace is owned by the container's
user namespace: the init may then mount its own ``/proc``, which the kernel
allows only to a process with ``CAP_SYS_ADMIN`` over the pid namespace's
owner. The forker exits at once; the init is reparented to the monitor,
PID 1 of the forker's pid namespace, and is waited for as before.

The image's files are owned by session ids; with other maps they would show
the wrong owners. The layers live on a filesystem of the host's user
namespace, where an unprivileged user may not make idmapped mounts (the
kernel wants ``CAP_SYS_ADMIN`` over the superblock's namespace), and an
overlay mount cannot itself be idmapped. So the rootfs is shifted either by
fuse-overlayfs (``uidmapping=``/``gidmapping=``, no copy) or by a chowned
copy of the lower layers made at create (``runtime/userns_copy.py``).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import replace

from hutch.cgroups import v2
from hutch.linux import syscalls as sc
from hutch.runtime.ids import IdMapEntry
from hutch.runtime.pidshare import fork_through
from hutch.runtime.rootfs import fuse_overlayfs, mount_rootfs
from hutch.runtime.spec import Rootfs, Spec
from hutch.runtime.spec_userns import SHIFT_FUSE, UsernsSpec, maps_cover

TYPE_CHECKING = False  # subprocess: only rootfs.fuse_overlayfs starts a process
if TYPE_CHECKING:
    import subprocess


def map_text(entries: tuple[IdMapEntry, ...]) -> str:
    return "".join(f"{e.inside} {e.outside} {e.count}\n" for e in entries)


def make_userns(userns: UsernsSpec) -> int:
    """A descriptor of a new user namespace with ``userns``'s maps (close-on-exec)."""
    ready_r, ready_w = os.pipe2(os.O_CLOEXEC)
    go_r, go_w = os.pipe2(os.O_CLOEXEC)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the namespace's first (and short-lived) member
        os.close(ready_r)
        os.close(go_w)
        try:
            sc.unshare(sc.CLONE_NEWUSER)
            # Our pid as /proc (the host's mount) names it: the caller is in a
            # pid namespace of its own, so the pid fork() gave it is not it.
            os.write(ready_w, b"u" + os.readlink("/proc/self").encode())
        except OSError as exc:
            os.write(ready_w, b"e" + str(exc).encode())
            os._exit(1)
        os.read(go_r, 1)
        os._exit(0)
    os.close(ready_w)
    os.close(go_r)
    try:
        answer = os.read(ready_r, 4096).decode(errors="replace")
        if not answer.startswith("u"):
            raise OSError(f"creating the container's user namespace: {answer[1:] or 'failed'}")
        proc = f"/proc/{answer[1:]}"
        _write(f"{proc}/uid_map", map_text(userns.uid_map))
        _write(f"{proc}/gid_map", map_text(userns.gid_map))
        return os.open(f"{proc}/ns/user", os.O_RDONLY | os.O_CLOEXEC)
    finally:
        os.close(ready_r)
        os.close(go_w)  # lets the child exit; the descriptor keeps the namespace
        os.waitpid(pid, 0)


def _write(path: str, text: str) -> None:
    try:
        with open(path, "w") as f:
            f.write(text)
    except OSError as exc:
        raise OSError(
            exc.errno, f"writing {path.rsplit('/', 1)[1]} ({text.strip()!r}): {exc.strerror}"
        ) from None


def open_userns(spec: Spec) -> int:
    """The container's user namespace: the one it joins (a pod's, the infra's:
    ``("user", PATH)`` in ``Spec.joins``) or a new one with its maps."""
    for ns, path in spec.joins:
        if ns == "user":
            try:
                return os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            except OSError as exc:
                raise OSError(
                    exc.errno, f"joining the pod's user namespace {path}: {exc.strerror}"
                ) from None
    return make_userns(spec.userns)


def enter(spec: Spec, userns_fd: int) -> None:
    """In a forker: join the container's cgroup and user namespace, as its root."""
    cgroup = v2.container_cgroup(spec.resources, spec.id)
    if cgroup is not None:
        v2.join(cgroup)  # while the cgroup files are still ours to write
    # The init reaches its rootfs relative to this directory (see
    # ``relative_paths``): the storage above it may be closed to ids
    # the container's maps lack.
    os.chdir(os.path.dirname(spec.rootfs.target))
    sc.setns(userns_fd, sc.CLONE_NEWUSER)
    _become_namespace_root(spec.userns)


def fork_init(spec: Spec, userns_fd: int) -> int:
    """Fork the container init inside the container's user and a new pid namespace.

    Returns 0 in the init and the init's pid (in the caller's pid namespace)
    in the caller, like ``os.fork``. The caller must not have unshared
    ``CLONE_NEWPID`` itself.
    """

    def prepare() -> None:
        enter(spec, userns_fd)
        sc.unshare(sc.CLONE_NEWPID)

    # After the forker is waited for, the init is our child (we are PID 1).
    return fork_through(prepare, "entering the container's user namespace")


def _become_namespace_root(userns: UsernsSpec) -> None:
    """Take a mapped identity (0 if mapped): files we create need a mapped owner.

    ``setns`` gave us every capability in the namespace; moving to uid 0
    keeps them (a change *to* euid 0 sets effective = permitted).
    """
    uid = 0 if maps_cover(userns.uid_map, 0) else min(e.inside for e in userns.uid_map)
    gid = 0 if maps_cover(userns.gid_map, 0) else min(e.inside for e in userns.gid_map)
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)


def gid5_mapped(userns: UsernsSpec) -> bool:
    return maps_cover(userns.gid_map, 5)


def mount_shifted_rootfs(rootfs: Rootfs, userns: UsernsSpec) -> subprocess.Popen[bytes] | None:
    """Mount the rootfs so that image ids show as the container's ids."""
    if userns.shift != SHIFT_FUSE:
        return mount_rootfs(rootfs)  # no shift, or lowers already chowned at create
    sc.mount(None, "/", None, sc.MS_REC | sc.MS_PRIVATE)
    os.chdir(rootfs.lower_base)
    # fuse-overlayfs shows a file owned by id N on disk (the image's N) as
    # the session id the container's N maps to; writes go the other way,
    # so the upper dir keeps image ids, as with every other container.
    return fuse_overlayfs(
        rootfs,
        (
            "uidmapping=" + _fuse_mapping(userns.uid_map),
            "gidmapping=" + _fuse_mapping(userns.gid_map),
            "allow_other",  # the container's ids are not the mounter's
        ),
    )


def _fuse_mapping(entries: tuple[IdMapEntry, ...]) -> str:
    return ":".join(f"{e.inside}:{e.outside}:{e.count}" for e in entries)


def relative_paths(spec: Spec) -> Spec:
    """The rootfs and the container's own files, relative to its directory (our cwd).

    The storage directories are the user's, mode 0700; when the user is not
    mapped in the container (nomap, auto, most --uidmap), even the
    namespace's root may not search them, so the init never walks them. Bind
    mounts of files there (a build step's ``RUN <<EOF`` script) go the same way.
    """
    base = os.path.dirname(spec.rootfs.target) + "/"
    etc = tuple(
        (dest, src[len(base) :] if src.startswith(base) else src) for dest, src in spec.etc_files
    )
    mounts = tuple(
        replace(m, source=m.source[len(base) :])
        if m.kind == "bind" and m.source.startswith(base)
        else m
        for m in spec.mounts
    )
    rootfs = replace(spec.rootfs, target=os.path.basename(spec.rootfs.target))
    return replace(spec, rootfs=rootfs, etc_files=etc, mounts=mounts)


def reach_bind_sources(spec: Spec) -> Spec:
    """``spec`` with its bind sources reachable from the container's directory.

    A namespace that does not map the user cannot walk the user's 0700
    directories (the storage's: a build step's cache mount, a volume; a home) to
    a bind's source. The monitor, root of the session namespace, can: it binds
    each source outside the container's directory onto ``.binds/N`` there, in its
    own mount namespace, which the init's is a copy of, and the init binds from
    there (``relative_paths``). A source that cannot be bound here is left for
    the init to report.
    """
    base = os.path.dirname(spec.rootfs.target)
    staging = os.path.join(base, ".binds")
    mounts = []
    for number, mount in enumerate(spec.mounts):
        source = mount.source
        if mount.kind != "bind" or not os.path.isabs(source) or source.startswith(base + "/"):
            mounts.append(mount)
            continue
        point = os.path.join(staging, str(number))
        try:
            os.makedirs(staging, mode=0o755, exist_ok=True)
            if os.path.isdir(source):
                os.makedirs(point, exist_ok=True)
            elif not os.path.lexists(point):
                os.close(os.open(point, os.O_CREAT | os.O_WRONLY | os.O_CLOEXEC, 0o644))
            sc.mount(source, point, None, sc.MS_BIND | sc.MS_REC)
        except OSError:
            mounts.append(mount)
            continue
        mounts.append(replace(mount, source=point))
    return replace(spec, mounts=tuple(mounts))


def own_root_mount(root: str) -> None:
    """Bind the rootfs onto itself in the init's mount namespace.

    The mount namespace the init unshared belongs to the container's user
    namespace and every mount inherited from the monitor is locked there;
    ``pivot_root`` refuses a locked new root, so it gets a mount of its own.
    """
    sc.mount(root, root, None, sc.MS_BIND | sc.MS_REC)


def add_identity_entries(root: str, userns: UsernsSpec) -> None:
    """keep-id: the user's passwd and group lines, when the image lacks them (as podman)."""
    for name, line in (("passwd", userns.passwd_entry), ("group", userns.group_entry)):
        if not line:
            continue
        path = os.path.join(root, "etc", name)
        if os.path.islink(path):
            continue  # never write through an image's symlink
        key = line.split(":")[2]
        text = ""
        with contextlib.suppress(FileNotFoundError), open(path) as f:
            text = f.read()
        if any(row.split(":")[2:3] == [key] for row in text.splitlines()):
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "a") as f:
            f.write(("" if not text or text.endswith("\n") else "\n") + line + "\n")


def probe_idmapped_mount(path: str) -> str | None:
    """Try an idmapped mount of ``path`` in a throwaway child; None if the kernel allows it.

    Rootless, on a filesystem of the host's user namespace, the answer is
    EPERM: ``mount_setattr(MOUNT_ATTR_IDMAP)`` wants ``CAP_SYS_ADMIN`` over
    the superblock's namespace. ``hutch info`` shows the answer.
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        os.close(read_fd)
        try:
            sc.unshare(sc.CLONE_NEWNS)
            sc.mount(None, "/", None, sc.MS_REC | sc.MS_PRIVATE)
            one = (IdMapEntry(0, 0, 1),)
            ns = make_userns(UsernsSpec(uid_map=one, gid_map=one))
            tree = sc.open_tree(path, sc.OPEN_TREE_CLONE | sc.OPEN_TREE_CLOEXEC)
            sc.mount_setattr_idmap(tree, ns)
            os._exit(0)
        except OSError as exc:
            os.write(write_fd, (exc.strerror or str(exc)).encode())
            os._exit(1)
    os.close(write_fd)
    message = os.read(read_fd, 4096).decode(errors="replace")
    os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    return None if status == 0 else message or "failed"
