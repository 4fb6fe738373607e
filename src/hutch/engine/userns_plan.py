"""From ``--userns``/``--uidmap``/``--subuidname`` to the spec's ``UsernsSpec``.

Runs at create, inside the session namespace, after the container record
exists (``auto`` records its range under the container's id); any refusal
raises ``InvalidArgument`` and the caller removes the record, so nothing has
started. The maps are pure functions in ``engine/userns.py``.
"""

from __future__ import annotations

import grp
import os
import pwd
from dataclasses import replace
from pathlib import Path

from hutch.api.container_config import SecurityOptions
from hutch.api.errors import InvalidArgument
from hutch.engine import userns as um
from hutch.engine import userns_auto
from hutch.engine.context import EngineContext
from hutch.runtime.ids import IdMapEntry, map_to_host, subordinate_ranges
from hutch.runtime.spec import Spec, User
from hutch.runtime.spec_userns import SHIFT_COPY, SHIFT_FUSE, UsernsSpec
from hutch.store.containers import ContainerDirs
from hutch.util.tools import which

# api/system.py (info's report) only for userns_fact: run loads this module.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from hutch.api.system import HostFact

SHIFT_ENV = "HUTCH_USERNS_SHIFT"  # force "copy" or "fuse-overlayfs" (tests, measurements)


def requested(options: SecurityOptions) -> bool:
    """A user namespace of the container's own is asked for (``container:``/``ns:``
    join one there is: the session's, ``check_join``)."""
    mode = um.parse_userns_options(options)
    if mode.mode in um.JOIN_MODES:
        return False
    return mode.mode not in um.SESSION_MODES or bool(
        options.uidmap or options.gidmap or options.subuidname or options.subgidname
    )


def apply(
    ctx: EngineContext,
    container_id: str,
    options: SecurityOptions,
    user_given: bool,
    spec: Spec,
    dirs: ContainerDirs,
    joined: UsernsSpec | None = None,
) -> Spec:
    """``spec`` with the container's own user namespace, when one is asked for;
    with ``joined`` (a pod member), the maps of the namespace it joins."""
    if joined is None:
        check_join(ctx, um.parse_userns_options(options))
    if joined is None and not requested(options):
        return spec
    state = ctx.enter_session()
    if joined is not None:
        uid_map, gid_map, mode = joined.uid_map, joined.gid_map, joined.mode
    else:
        uid_map, gid_map, mode = _maps(ctx, container_id, options, state.uid_map, state.gid_map)
    userns = UsernsSpec(mode=mode, uid_map=uid_map, gid_map=gid_map)
    if mode == "keep-id":
        userns, spec = _keep_id(options, user_given, state.uid_map, state.gid_map, userns, spec)
    if not (um.is_identity(uid_map) and um.is_identity(gid_map)):
        userns = replace(userns, shift=shift_method(ctx.driver.name))
    if userns.shift == SHIFT_COPY:
        from hutch.runtime.userns_copy import copy_lowers  # the slow path only

        spec = replace(
            spec, rootfs=copy_lowers(spec.rootfs, dirs.root / "idmapped", uid_map, gid_map)
        )
    return replace(spec, userns=userns)


def recorded_userns(ctx: EngineContext, container_id: str) -> UsernsSpec | None:
    """The user namespace a container was made with, from its recorded spec (None:
    the session's)."""
    from hutch.runtime.spec_io import spec_from_json

    path = ctx.containers.dirs(container_id).userdata / "config.json"
    return spec_from_json(path.read_bytes()).userns


def check_join(ctx: EngineContext, mode: um.UsernsMode) -> None:
    """``--userns container:NAME`` and ``ns:PATH``: the container runs in the user
    namespace named, which rootless hutch can do for the session's, the one its
    containers share (every one without a namespace of its own: its default, host):
    the container then runs there, as without the flag. Any other is refused
    (podman 4.3.1 rootless fails on both at its runtime, exit 126)."""
    if mode.mode == "container":
        from hutch.api.errors import NoSuchObject
        from hutch.engine import container_state as cs

        try:
            record = cs.find(ctx, mode.target)
        except NoSuchObject as exc:  # podman's words
            raise InvalidArgument(
                f"looking up container to share user namespace with: {exc}"
            ) from None
        other = recorded_userns(ctx, record.id)
        if other is not None and other.mode not in um.SESSION_MODES:
            raise InvalidArgument(
                f"--userns container:{mode.target}: that container has a user namespace of "
                f"its own ({other.mode}); rootless hutch joins only the session's, which "
                "the containers without one share"
            )
    elif mode.mode == "ns":
        ctx.enter_session()  # this process is in the session's namespace from here on
        try:
            theirs = os.stat(mode.target)
        except OSError as exc:
            raise InvalidArgument(f"--userns ns:{mode.target}: {exc.strerror}") from None
        ours = os.stat("/proc/self/ns/user")
        if (theirs.st_dev, theirs.st_ino) != (ours.st_dev, ours.st_ino):
            raise InvalidArgument(
                f"--userns ns:{mode.target}: not the session's user namespace, the one "
                "rootless hutch can join"
            )


def _maps(
    ctx: EngineContext,
    container_id: str,
    options: SecurityOptions,
    session_uids: tuple[IdMapEntry, ...],
    session_gids: tuple[IdMapEntry, ...],
) -> tuple[tuple[IdMapEntry, ...], tuple[IdMapEntry, ...], str]:
    mode = um.parse_userns_options(options)
    avail_u, avail_g = um.map_size(session_uids), um.map_size(session_gids)
    if mode.mode == "keep-id":
        host_uid = map_to_host(session_uids, 0) or 0
        host_gid = map_to_host(session_gids, 0) or 0
        uid = host_uid if mode.uid is None else mode.uid
        gid = host_gid if mode.gid is None else mode.gid
        return um.keep_id_map(uid, avail_u), um.keep_id_map(gid, avail_g), "keep-id"
    if mode.mode == "nomap":
        return um.nomap_map(avail_u), um.nomap_map(avail_g), "nomap"
    if mode.mode == "auto":
        size = mode.size or userns_auto.DEFAULT_SIZE
        live = {r.id for r in ctx.containers.all()}
        path = ctx.paths.storage / "userns-auto.json"
        start = userns_auto.allocate(path, container_id, size, min(avail_u, avail_g), live)
        entry = (IdMapEntry(0, start, size),)
        return entry, entry, "auto"
    if options.subuidname or options.subgidname:
        uname = options.subuidname or options.subgidname or ""
        gname = options.subgidname or uname
        uid_map = um.subid_map(
            uname, subordinate_ranges(Path("/etc/subuid"), uname, -1), session_uids, "--subuidname"
        )
        gid_map = um.subid_map(
            gname, subordinate_ranges(Path("/etc/subgid"), gname, -1), session_gids, "--subgidname"
        )
        return uid_map, gid_map, "map"
    uid_map = um.parse_map(options.uidmap, "--uidmap")
    gid_map = um.parse_map(options.gidmap, "--gidmap")
    uid_map, gid_map = uid_map or gid_map, gid_map or uid_map  # one given: both (as podman)
    um.check_within(uid_map, avail_u, "--uidmap")
    um.check_within(gid_map, avail_g, "--gidmap")
    return uid_map, gid_map, "map"


def _keep_id(
    options: SecurityOptions,
    user_given: bool,
    session_uids: tuple[IdMapEntry, ...],
    session_gids: tuple[IdMapEntry, ...],
    userns: UsernsSpec,
    spec: Spec,
) -> tuple[UsernsSpec, Spec]:
    """Run as the user by default, and give the image a passwd line for them (podman)."""
    mode = um.parse_mode(options.userns)
    host_uid = map_to_host(session_uids, 0) or 0
    host_gid = map_to_host(session_gids, 0) or 0
    uid = host_uid if mode.uid is None else mode.uid
    gid = host_gid if mode.gid is None else mode.gid
    try:
        pw = pwd.getpwuid(host_uid)
        name, gecos, home = pw.pw_name, pw.pw_gecos, pw.pw_dir
    except KeyError:
        name, gecos, home = f"user{uid}", "", "/"
    try:
        group = grp.getgrgid(host_gid).gr_name
    except KeyError:
        group = name
    home = keep_id_home(home, spec)
    userns = replace(
        userns,
        passwd_entry=f"{name}:*:{uid}:{gid}:{gecos}:{home}:/bin/sh",
        group_entry=f"{group}:x:{gid}:",
    )
    if not user_given:
        spec = replace(spec, process=replace(spec.process, user=User(f"{uid}:{gid}")))
    return userns, spec


def keep_id_home(host_home: str, spec: Spec) -> str:
    """The home of keep-id's passwd line by podman's rule: the user's own home where
    the container has it (a mount there or on a directory above it, but /), else the
    container's working directory; HOME follows the line."""
    destinations = {mount.destination.rstrip("/") or "/" for mount in spec.mounts}
    above = host_home.rstrip("/") or "/"
    while above != "/":
        if above in destinations:
            return host_home
        above = os.path.dirname(above)
    return spec.process.cwd or "/"


def shift_method(driver: str) -> str:
    """How this host shows the image with other maps: fuse-overlayfs, else a copy."""
    forced = os.environ.get(SHIFT_ENV, "")
    if forced in (SHIFT_FUSE, SHIFT_COPY):
        return forced
    if forced:
        raise InvalidArgument(f"{SHIFT_ENV}={forced!r}: expected {SHIFT_FUSE} or {SHIFT_COPY}")
    if driver != "vfs" and fuse_usable():
        return SHIFT_FUSE
    return SHIFT_COPY


def fuse_usable() -> bool:
    return which("fuse-overlayfs") is not None and os.access("/dev/fuse", os.R_OK | os.W_OK)


def userns_fact(ctx: EngineContext) -> HostFact:
    """How ``--userns`` containers see the image here (``hutch info``)."""
    from hutch.api.system import HostFact
    from hutch.runtime.userns import probe_idmapped_mount

    ctx.enter_session()
    ctx.paths.layers.mkdir(parents=True, exist_ok=True)
    refused = probe_idmapped_mount(str(ctx.paths.layers))
    idmap = "idmapped layers possible" if refused is None else f"no idmapped layers ({refused})"
    method = shift_method(ctx.driver.name)
    if method == SHIFT_FUSE:
        return HostFact("--userns rootfs", f"fuse-overlayfs id mapping, no copy; {idmap}", True)
    return HostFact(
        "--userns rootfs",
        f"chowned copy of the image per container (slow first run); {idmap}",
        True,
        "install fuse-overlayfs and make /dev/fuse usable (mode 0666) to avoid the copy",
    )
