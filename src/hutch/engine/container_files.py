"""A container's file system: cp, diff, commit, export.

The container side of a copy runs in a child chrooted into the container's
root (``runtime/rootaccess.py``); the host side runs here, in the session
user namespace, where uid 0 is the user: files copied out are the user's
own. Between the two halves runs one tar stream through a pipe.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

from hutch.api.container_config import RunOptions
from hutch.api.containers import (
    Change,
    CommitOptions,
    CommitReport,
    ContainerMount,
    CopyOptions,
    ExportOptions,
)
from hutch.api.errors import HutchError, InvalidArgument, NoSuchObject
from hutch.engine import commit_config, netquery, rootfs_dir
from hutch.engine import container_state as cs
from hutch.engine import events as engine_events
from hutch.engine.context import EngineContext
from hutch.oci.image import ContainerConfig
from hutch.runtime import state as st
from hutch.runtime.rootaccess import Child, RootAccess, run_in_root
from hutch.runtime.users import resolve_user
from hutch.store import copytar
from hutch.store.images import ImageRecord
from hutch.store.layers import LayerInfo
from hutch.util import testpoint

_Half = Callable[[BinaryIO], None]

# What the runtime adds to every container's environment; not the image's.
_RUNTIME_ENV = ("container", "HOSTNAME")


@dataclass(frozen=True)
class CopyEnd:
    """One side of ``cp``: a container (by name) and path, the host, or ``-``."""

    container: str | None
    path: str

    @property
    def stream(self) -> bool:
        return self.container is None and self.path == "-"


def parse_copy_end(text: str) -> CopyEnd:
    """``CTR:PATH`` or a host path, with podman's rules for colons in host paths."""
    if text == "-":
        return CopyEnd(None, "-")
    name, sep, path = text.partition(":")
    if not sep or not name or "/" in name or name.startswith("."):
        return CopyEnd(None, text)
    return CopyEnd(name, path if path.startswith("/") else "/" + path)


class ContainerFilesService:
    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    # -- cp ----------------------------------------------------------------

    def copy(self, options: CopyOptions) -> None:
        src = parse_copy_end(options.source)
        dst = parse_copy_end(options.destination)
        if src.container is None and dst.container is None:
            raise InvalidArgument(
                "copying between two host paths is not supported: "
                "one of SRC and DEST must be CONTAINER:PATH"
            )
        if dst.stream and src.stream:
            raise InvalidArgument("SRC and DEST cannot both be -")
        for name in (src.container, dst.container):
            if name is not None and not self._ctx.containers.lookup(name):
                raise NoSuchObject(f'container "{name}" does not exist')  # podman cp's words
        if src.container is None and not src.stream:
            _check_host_source(src.path)
        self._ctx.enter_session()
        src_root = self._access(src.container, writable=False) if src.container else None
        dst_root = self._access(dst.container, writable=True) if dst.container else None
        dst_user = self._user_of(dst.container) if dst.container else ""
        source = copytar.SourcePath.parse(src.path)
        here = copytar.Owner(os.getuid(), os.getgid())

        def consume(stream: BinaryIO) -> None:
            if dst.stream:
                out = options.stream or sys.stdout.buffer
                _pump(stream, out)
                out.flush()
                return
            owner: copytar.Owner | None = here
            if dst_root is not None:
                owner = _container_owner(dst_user) if options.archive else None
            try:
                if src.stream:
                    copytar.extract_into_dir(
                        stream, dst.path, overwrite=options.overwrite, owner=owner
                    )
                else:
                    copytar.extract_copy(
                        stream,
                        dst.path,
                        contents_only=source.contents_only,
                        overwrite=options.overwrite,
                        owner=owner,
                    )
            except copytar.DestMissing as exc:
                raise InvalidArgument(missing_dest(exc, dst.container)) from None

        def produce(stream: BinaryIO) -> None:
            if src.stream:
                _pump(options.stream or sys.stdin.buffer, stream)
                return
            top = "." if dst.stream and source.contents_only else None
            try:
                copytar.write_source_tar(
                    source, stream, top_name=top, follow_link=options.follow_link
                )
            except copytar.SourceMissing:
                where = f"container {src.container}" if src.container else "the host"
                # the path as typed (podman's words): "relative", not "/relative"
                typed = options.source.partition(":")[2] if src.container else src.path
                raise InvalidArgument(missing_source(typed, where)) from None

        _through_pipe(produce, src_root, consume, dst_root)

    def _access(self, name: str, *, writable: bool) -> RootAccess:
        return root_access(self._ctx, cs.get(self._ctx, name), writable=writable)

    def _user_of(self, name: str) -> str:
        return cs.get(self._ctx, name).config.user

    # -- mount / unmount ------------------------------------------------------

    def mount(self, names: Sequence[str], all: bool = False) -> list[str]:
        from hutch.engine.container_mount import mount

        return mount(self._ctx, names, all)

    def mounted(self) -> list[ContainerMount]:
        from hutch.engine.container_mount import mounted

        return mounted(self._ctx)

    def unmount(
        self, names: Sequence[str], all: bool = False, force: bool = False, latest: bool = False
    ) -> list[str]:
        from hutch.engine.container_mount import unmount

        return unmount(self._ctx, names, all, force, latest)

    # -- diff ----------------------------------------------------------------

    def diff(self, name: str, other: str | None = None, images: bool = False) -> list[Change]:
        """``name``'s changes: against its image (a container) or its parent layers (an
        image), or, with ``other``, against that one's tree; ``images``: each name may be
        an image too (podman's ``diff``; ``container diff`` takes containers only)."""
        from hutch.engine.image_layers import diff, visible
        from hutch.store.overlaydiff import upper_changes

        self._ctx.enter_session()
        found = self._diffed(name, images)
        if other is not None:
            return self._diff_trees(found, self._diffed(other, images))
        if isinstance(found, ImageRecord):
            return [Change(c.kind, c.path) for c in diff(self._ctx, found.id, None)]
        lowers = [str(p) for p in self._lowers(found)]
        upper = str(found.dirs.upper)
        skip = self._placeholders(found, lowers)
        return [Change(c.kind, c.path) for c in visible(upper_changes(upper, lowers, skip))]

    def _diffed(self, name: str, images: bool) -> cs.Container | ImageRecord:
        """With ``images``, the image ``name`` names, else the container, as podman
        looks them up (libpod's GetDiff); a container on overlay only."""
        if images:
            from hutch.engine.resolve import find_image

            with contextlib.suppress(NoSuchObject):
                return find_image(self._ctx.images, name)
        try:
            container = cs.get(self._ctx, name)
        except NoSuchObject:  # podman's words (the last lookup's error)
            what = "layer" if images else "container"
            raise NoSuchObject(f"{name} not found: {what} not known") from None
        if not container.config.options.rootfs:  # --rootfs: its own (overlay) upper dir
            _require_overlay(container, "diff")
        return container

    def _diff_trees(
        self, new: cs.Container | ImageRecord, old: cs.Container | ImageRecord
    ) -> list[Change]:
        """``diff A B``: the merged trees compared (store/treediff.py), each container's
        mount points left out of both, as podman leaves them out."""
        from hutch.engine.image_layers import visible
        from hutch.store import treediff

        sides = [self._tree_layers(x) for x in (new, old)]
        skip = set().union(*(points for _, points in sides))
        trees = [treediff.merged(layers, skip) for layers, _ in sides]
        changes = visible(treediff.changes(trees[0], trees[1]))
        return [Change(c.kind, c.path) for c in changes]

    def _tree_layers(self, found: cs.Container | ImageRecord) -> tuple[list[str], set[str]]:
        """The layers of a tree, top first, and the mount points to leave out."""
        if isinstance(found, ImageRecord):
            return [str(self._ctx.layers.layer_dir(d)) for d in reversed(found.diff_ids)], set()
        lowers = [str(p) for p in self._lowers(found)]
        return [str(found.dirs.upper), *lowers], self._placeholders(found, lowers)

    def _placeholders(self, container: cs.Container, lowers: list[str]) -> set[str]:
        from hutch.runtime.mounts import MTAB
        from hutch.runtime.spec_io import spec_from_json
        from hutch.store.overlaydiff import placeholders

        try:
            spec = spec_from_json((container.dirs.userdata / "config.json").read_bytes())
        except FileNotFoundError:
            return set()
        points = [m.destination for m in spec.mounts] + [dest for dest, _ in spec.etc_files]
        links = {MTAB.destination: MTAB.target} if spec.mtab else {}
        return placeholders(str(container.dirs.upper), lowers, points, links)

    def _lowers(self, container: cs.Container) -> list[os.PathLike[str]]:
        options = container.config.options
        if options.rootfs:
            # the directory under the :O overlay; without :O the upper dir stays empty
            # and diff lists nothing, as podman 4.3.1's does
            return [Path(rootfs_dir.RootfsDir.of(options.image).path)]
        image = self._image_of(container)
        return [self._ctx.layers.layer_dir(d) for d in reversed(image.diff_ids)]

    def _image_of(self, container: cs.Container) -> ImageRecord:
        image = self._ctx.images.get(container.record.image_id)
        if image is None:
            raise HutchError(f"the image of container {container.record.id[:12]} is gone")
        return image

    # -- export --------------------------------------------------------------

    def export(self, options: ExportOptions, out: BinaryIO) -> None:
        self._ctx.enter_session()
        container = cs.get(self._ctx, options.container)
        access = root_access(self._ctx, container, writable=False)
        skip = _mount_points(access.init_pid) if access.init_pid else ()

        def produce(stream: BinaryIO) -> None:
            root = copytar.SourcePath("/", contents_only=True)
            copytar.write_source_tar(
                root, stream, top_name=".", skip_below=skip, storage_headers=True
            )

        def consume(stream: BinaryIO) -> None:
            _pump(stream, out)
            out.flush()

        _through_pipe(produce, access, consume, None)
        engine_events.container_event(self._ctx, container.record, "export")

    # -- commit --------------------------------------------------------------

    def commit(self, options: CommitOptions) -> CommitReport:
        from hutch.engine.changes import apply_changes
        from hutch.engine.imagewrite import docker_manifest, store_image_raw
        from hutch.oci.reference import docker_reason, parse_reference

        if options.format not in commit_config.FORMATS:
            raise InvalidArgument(f'unrecognized image format "{options.format}"')  # podman's
        names: tuple[str, ...] = ()
        if options.image:
            try:
                names = (str(parse_reference(options.image, default_registry="localhost")),)
            except InvalidArgument:  # podman's words: the parser's reason alone
                raise InvalidArgument(docker_reason(options.image)) from None
        self._ctx.enter_session()
        container = cs.get(self._ctx, options.container)
        if container.config.options.rootfs:  # podman 4.3.1's refusal
            raise InvalidArgument("cannot commit a container that uses an exploded rootfs")
        image = self._image_of(container)
        base = image.config
        container_config = commit_config.with_volumes(
            effective_config(container, base.config),
            container.config.mounts,
            include_all=options.include_volumes,
            anonymous=self._anonymous,
        )
        container_config = apply_changes(container_config, options.changes)
        if options.format == "oci":
            container_config, warnings = commit_config.without_onbuild(container_config)
            for warning in warnings:
                print(f"WARN: {warning}", file=sys.stderr)
        if not options.squash:
            _require_overlay(container, "commit")
        with _paused(self._ctx, container, options.pause):
            if options.squash:
                layers = [self._squashed_layer(container)]
            else:
                lowers = [str(p) for p in self._lowers(container)]
                skip = self._placeholders(container, lowers)
                new = self._ctx.layers.ingest_dir(
                    container.dirs.upper, source="overlay-upper", exclude=skip.__contains__
                )
                layers = [*self._base_layers(image.diff_ids), new]
        now = _rfc3339(time.time())
        history = () if options.squash else base.history
        entry = commit_config.history_entry(base, image.names, created=now, author=options.author)
        config = replace(
            base,
            config=container_config,
            diff_ids=tuple(layer.diff_id for layer in layers),
            created=now,
            author=options.author if options.author is not None else base.author,
            history=(*history, entry),
            comment=commit_config.image_comment(base, options.message),
        )
        config_raw = config.to_bytes()
        manifest = docker_manifest(config_raw, layers) if options.format == "docker" else None
        record = store_image_raw(self._ctx, config_raw, layers, names, manifest_raw=manifest)
        engine_events.container_event(self._ctx, container.record, "commit")
        if options.iidfile:
            with open(options.iidfile, "w") as f:
                f.write(record.id)  # podman's commit writes the bare id (build: sha256:)
        return CommitReport(record.id, names, tuple(layer.diff_id for layer in layers))

    def _anonymous(self, volume: str) -> bool:
        record = self._ctx.volumes.get(volume)
        return record is not None and record.anonymous

    def _base_layers(self, diff_ids: tuple[str, ...]) -> list[LayerInfo]:
        layers = []
        for diff_id in diff_ids:
            info = self._ctx.images.layer_info(diff_id)
            if info is None:
                raise HutchError(f"layer {diff_id} of the container's image is missing")
            layers.append(info)
        return layers

    def _squashed_layer(self, container: cs.Container) -> LayerInfo:
        access = root_access(self._ctx, container, writable=False)
        skip = _mount_points(access.init_pid) if access.init_pid else ()
        read_fd, write_fd = os.pipe()

        def produce() -> None:
            with os.fdopen(write_fd, "wb") as stream:
                root = copytar.SourcePath("/", contents_only=True)
                copytar.write_source_tar(root, stream, top_name=".", skip_below=skip)

        child = run_in_root(access, produce, close_in_child=(read_fd,))
        os.close(write_fd)
        try:
            with os.fdopen(read_fd, "rb") as stream:
                layer = self._ctx.layers.ingest(stream)
        except BaseException:
            with contextlib.suppress(HutchError):
                child.wait()
            raise
        child.wait()
        return layer


def root_access(ctx: EngineContext, container: cs.Container, *, writable: bool) -> RootAccess:
    """How to enter the container's root: its live init's, or its rootfs mounted anew."""
    state = container.state
    if container.running and st.alive(state.pid, state.pid_start):
        return RootAccess(init_pid=state.pid)
    from hutch.runtime.spec_io import spec_from_json

    try:
        spec = spec_from_json((container.dirs.userdata / "config.json").read_bytes())
    except FileNotFoundError as exc:
        raise HutchError(f"container {container.record.id[:12]} has no runtime bundle") from exc
    return RootAccess(rootfs=spec.rootfs, writable=writable)


def effective_config(container: cs.Container, image: ContainerConfig) -> ContainerConfig:
    """The image's config with what the container was created with (podman's commit)."""
    config = container.config
    options = config.options
    entrypoint = image.entrypoint
    cmd = image.cmd
    if options.entrypoint is not None:
        text = options.entrypoint
        entrypoint = tuple(json.loads(text)) if text.startswith("[") else ((text,) if text else ())
        cmd = None
    if options.command:
        cmd = options.command
    env = tuple(
        item
        for item in config.env or image.env
        if item.partition("=")[0] not in _RUNTIME_ENV
        and not (item == "TERM=xterm" and "TERM" not in _keys(image) and _default_term(options))
    )
    labels = dict(image.labels)
    labels.update(config.labels)
    # podman's commit: the container's published and --expose ports are exposed too
    exposed = set(image.exposed_ports) | set(netquery.port_bindings(container, config.ports))
    return replace(
        image,
        exposed_ports=tuple(sorted(exposed)),
        entrypoint=entrypoint,
        cmd=cmd,
        env=env,
        working_dir=options.workdir or image.working_dir,
        user=options.user if options.user is not None else image.user,
        labels=tuple(sorted(labels.items())),
        stop_signal=options.stop_signal or image.stop_signal,
    )


def _keys(config: ContainerConfig) -> set[str]:
    return {item.partition("=")[0] for item in config.env}


def _default_term(options: RunOptions) -> bool:
    """TERM=xterm came from the defaults (containers.conf's, or a terminal's), not from
    the user's -e or env files: commit leaves it out of the image, as hutch's other
    runtime variables (podman 4.3.1 keeps it, and its container=podman too)."""
    return not any(item.partition("=")[0] == "TERM" for item in options.env) and not (
        options.env_files
    )


def _rfc3339(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _require_overlay(container: cs.Container, verb: str) -> None:
    if container.config.driver == "vfs":
        raise HutchError(
            f"{verb} needs a container on the overlay or fuse-overlayfs storage driver "
            "(this one uses vfs, which keeps no record of its changes)"
        )


def missing_source(path: str, where: str) -> str:
    """podman's words for a copy source that is not there (``where``: "the host" or
    "container NAME")."""
    return f'"{path}" could not be found on {where}: no such file or directory'


def missing_dest(exc: copytar.DestMissing, container: str | None) -> str:
    """podman's words for a destination (or its directory) that is not there: in a
    container always "no such file or directory", on the host the stat's own error."""
    if container is not None:
        return missing_source(exc.dest, f"container {container}")
    if exc.not_dir:
        return f'"{exc.dest}" could not be found on the host: stat {exc.dest}: not a directory'
    return missing_source(exc.dest, "the host")


def _check_host_source(path: str) -> None:
    source = copytar.SourcePath.parse(path)
    try:
        os.stat(source.path)
    except FileNotFoundError as exc:
        raise InvalidArgument(missing_source(path, "the host")) from exc
    except PermissionError as exc:
        raise InvalidArgument(f"{path}: permission denied") from exc


def _container_owner(user: str) -> copytar.Owner:
    """The container's primary uid and gid, read from its own /etc/passwd (in its root)."""
    resolved = resolve_user("/", user)
    return copytar.Owner(resolved.uid, resolved.gid)


def _pump(src: BinaryIO, out: BinaryIO) -> None:
    while True:
        chunk = src.read(1 << 16)
        if not chunk:
            return
        out.write(chunk)


def _mount_points(pid: int) -> tuple[str, ...]:
    """Mount points inside a running container, as the container sees them (not /)."""
    points = []
    with open(f"/proc/{pid}/mountinfo") as f:
        for line in f:
            point = line.split()[4].encode().decode("unicode_escape")
            if point != "/":
                points.append(point)
    return tuple(points)


def _through_pipe(
    produce: _Half,
    produce_in: RootAccess | None,
    consume: _Half,
    consume_in: RootAccess | None,
) -> None:
    """Run the two halves of a copy joined by a pipe, each in its root (None: here)."""
    read_fd, write_fd = os.pipe()
    children: list[Child] = []
    if produce_in is not None:

        def run_producer() -> None:
            with os.fdopen(write_fd, "wb") as stream:
                produce(stream)

        children.append(run_in_root(produce_in, run_producer, close_in_child=(read_fd,)))
    if consume_in is not None:

        def run_consumer() -> None:
            with os.fdopen(read_fd, "rb") as stream:
                consume(stream)

        children.append(run_in_root(consume_in, run_consumer, close_in_child=(write_fd,)))
    failure: BaseException | None = None
    try:
        if produce_in is None:
            os.close(read_fd)
            with os.fdopen(write_fd, "wb") as sink:
                produce(sink)
        elif consume_in is None:
            os.close(write_fd)
            with os.fdopen(read_fd, "rb") as source:
                consume(source)
        else:
            os.close(read_fd)
            os.close(write_fd)
    except (HutchError, OSError) as exc:
        failure = exc
    errors: list[HutchError] = []
    for child in children:
        try:
            child.wait()
        except HutchError as exc:
            errors.append(exc)
    if isinstance(failure, BrokenPipeError) and consume_in is None:
        # Our reader went away (``hutch export C | head``): the producer's
        # broken pipe follows from it; the caller stops quietly, as SIGPIPE would.
        raise failure
    # The producer's complaint (a missing source) explains the consumer's
    # (an empty stream, a broken pipe); report it first.
    if errors:
        raise errors[0]
    if failure is not None:
        raise failure


@contextlib.contextmanager
def _paused(ctx: EngineContext, container: cs.Container, pause: bool) -> Iterator[None]:
    """Pause the container while committing, through its monitor as ``pause`` does.

    The pause is recorded in state with this process as its holder (pid +
    start time): if the commit is killed, the monitor sees the holder gone
    and resumes the container; nothing stays frozen."""
    from hutch.linux import procfs
    from hutch.runtime import attachproto as ap
    from hutch.runtime import control

    state = container.state
    if not pause or state.status != st.RUNNING or not st.alive(state.pid, state.pid_start):
        yield
        return
    path = str(ctx.paths.attach_socket(container.record.id))
    holder = f"{os.getpid()} {procfs.start_time(os.getpid())}".encode()
    short = container.record.id[:12]
    try:
        answer = control.request(path, ap.PAUSE, payload=holder)
    except OSError as exc:
        raise HutchError(f"cannot pause container {short} to commit it: {exc}") from exc
    if "error" in answer:
        raise HutchError(f"cannot pause container {short} to commit it: {answer['error']}")
    try:
        testpoint.pause("commit-paused")
        yield
    finally:
        with contextlib.suppress(OSError):
            control.request(path, ap.UNPAUSE)
