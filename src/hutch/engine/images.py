"""``engine.images``: import, list, remove, inspect here; the other image verbs in
the modules that do them (distribution, image_tools, image_archive, build), loaded
on first use."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from functools import cached_property

from hutch.api.common import PruneReport
from hutch.api.errors import HutchError, InvalidArgument, LayerNotTar, NoSuchObject
from hutch.engine.context import EngineContext
from hutch.engine.image_list import ImageList
from hutch.engine.resolve import find_image
from hutch.oci.image import ContainerConfig, HistoryEntry, ImageConfig
from hutch.oci.platform import host_platform
from hutch.store.images import ImageRecord
from hutch.store.layers import LayerInfo

# api.images' option and report classes (31) load in the methods that make one: a
# build, the engine's busiest user of this service, makes none (issue 16)
TYPE_CHECKING = False  # typing costs a cached build an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import Any

    from hutch.api.build import BuildOptions, BuildReport  # see api/images.py
    from hutch.api.image_scp import ScpOptions, ScpReport
    from hutch.api.images import (
        HistoryLine,
        ImageChange,
        ImageInspect,
        ImageMount,
        ImagePruneOptions,
        ImageTree,
        ImportOptions,
        ImportReport,
        LoginOptions,
        LogoutOptions,
        ManifestAddOptions,
        ManifestAnnotateOptions,
        ManifestCreateOptions,
        ManifestPushOptions,
        PullOptions,
        PullReport,
        PushOptions,
        PushReport,
        RegistryAccess,
        RemoveImageOptions,
        RemoveReport,
        SaveOptions,
        SearchOptions,
        SearchResult,
    )
    from hutch.engine.distribution import Distribution
    from hutch.engine.image_tools import ImageTools
    from hutch.engine.manifests import Manifests

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def rfc3339(ts: float) -> str:
    from datetime import datetime, timezone  # an import's or a commit's: not images' listing

    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class ImageService(ImageList):
    """``engine.images`` (``hutch.api.images.Images``)."""

    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    @cached_property
    def _tools(self) -> ImageTools:
        from hutch.engine.image_tools import ImageTools

        return ImageTools(self._ctx)

    @cached_property
    def _distribution(self) -> Distribution:
        from hutch.engine.distribution import Distribution

        return Distribution(self._ctx)

    @cached_property
    def _manifests(self) -> Manifests:
        from hutch.engine.manifests import Manifests

        return Manifests(self._ctx, self._distribution)

    def _event(self, action: str, image_id: str, name: str, **attributes: str) -> None:
        from hutch.engine.events import paths_of, record

        record(paths_of(self._ctx), "image", action, image_id, name, **attributes)

    def _id_of(self, name: str) -> str:
        """The image ``name`` is, for an event ("" when it cannot be told)."""
        from hutch.engine.resolve import find_image

        try:
            return find_image(self._ctx.images, name).id
        except HutchError:
            return ""

    def import_(self, options: ImportOptions) -> ImportReport:
        report = self._import(options)
        self._event("import", report.id, report.names[0] if report.names else "")
        return report

    def _import(self, options: ImportOptions) -> ImportReport:
        from hutch.api.images import ImportReport

        names: tuple[str, ...] = ()
        if options.reference:  # tag's parsing and words (podman's libimage names the name)
            from hutch.engine.image_tools import local_name

            names = (local_name(options.reference),)
        from hutch.engine.cancellable import checkpoint
        from hutch.engine.changes import apply_changes

        # Checked before anything is stored: a bad --change leaves no layer behind.
        # No environment of its own, as podman's import (4.3.1 and current): run
        # gives a container of it the default PATH (runtime/command_start.py).
        container_config = apply_changes(ContainerConfig(), options.changes)
        state = self._ctx.enter_session()
        layer = self._ingest(
            options.source, ignore_chown=state.mode == "single-id", cancelled=options.cancelled
        )
        checkpoint(options.cancelled)  # the image is not recorded for a client that left
        platform = host_platform()
        now = rfc3339(time.time())
        # --arch/--os/--variant: what the image says (podman records them as given; an
        # --arch alone drops the host's variant, which belongs to the host's arch)
        arch = options.arch or platform.architecture
        variant = options.variant or (platform.variant if not options.arch else "")
        config = ImageConfig(
            architecture=arch,
            os=options.os or platform.os,
            variant=variant,
            diff_ids=(layer.diff_id,),
            config=container_config,
            created=now,
            # podman's words for an imported layer, so history reads the same in both
            history=(
                HistoryEntry(
                    created=now,
                    created_by=f"/bin/sh -c #(nop) ADD file:{layer.diff_id.split(':')[-1]} in /",
                    comment=options.message or "imported from tarball",
                ),
            ),
        )
        from hutch.engine.imagewrite import store_image

        record = store_image(self._ctx, config, [layer], names)
        return ImportReport(record.id, names, layer.blob_digest)

    def _ingest(
        self, source: str, *, ignore_chown: bool, cancelled: Callable[[], bool] | None = None
    ) -> LayerInfo:
        from hutch.engine.cancellable import cancellable
        from hutch.engine.import_source import open_source
        from hutch.store.tarextract import NotTar

        with open_source(source) as stream:
            try:
                return self._ctx.layers.ingest(
                    cancellable(stream, cancelled), ignore_chown=ignore_chown
                )
            except NotTar as exc:  # podman's words (containers/storage's)
                raise LayerNotTar(
                    f'writing blob: adding layer with blob "{exc.blob}": processing tar '
                    f"file({exc.reason}): exit status 1",
                    exc.blob,
                ) from None

    def remove(self, names: Sequence[str], options: RemoveImageOptions) -> list[RemoveReport]:
        reports = self._remove_quietly(names, options)
        for report in reports:
            for name in report.untagged:
                self._event("untag", report.deleted[0] if report.deleted else "", name)
            for image_id in report.deleted:
                self._event("remove", image_id, report.name)
        return reports

    def _remove_quietly(
        self, names: Sequence[str], options: RemoveImageOptions
    ) -> list[RemoveReport]:
        """``remove`` without events (prune, which records none)."""
        from hutch.api.images import RemoveReport
        from hutch.engine.image_volumes import link_listed_mounts

        self._ctx.enter_session()
        link_listed_mounts(self._ctx)  # old containers' image mounts: refused as today's
        targets: list[str] = list(names)
        if options.all:
            targets = [r.id for r in self._ctx.images.all()]
        reports = []
        for name in targets:
            try:
                reports.append(self._remove_one(name, options.force, options.no_prune))
            except NoSuchObject as exc:
                # podman: --force (like --ignore) makes a missing image no error.
                if not (options.ignore or options.force):
                    reports.append(RemoveReport(name, error=str(exc), exit_code=1))
            except HutchError as exc:
                reports.append(RemoveReport(name, error=str(exc), exit_code=exc.exit_code))
        return reports

    def _remove_one(self, name: str, force: bool, no_prune: bool = False) -> RemoveReport:
        from hutch.api.images import RemoveReport

        image = find_image(self._ctx.images, name, lists=True)
        by_id = image.id.startswith(name.removeprefix("sha256:"))
        named = None if by_id else next((n for n in image.names if n == name), None)
        if named is None and not by_id:
            # A short name resolved to a full one: untag that one.
            named = _matching_name(image, name)
        if named is not None and len(image.names) > 1:
            self._ctx.images.untag(named)
            return RemoveReport(name, untagged=(named,))
        if by_id and len(image.names) > 1 and not force:
            raise HutchError(
                f"unable to delete image {image.id[:12]} by ID with more than one tag "
                f"({', '.join(image.names)}): please force removal",
            )
        from hutch.engine.image_volumes import refuse_if_used, volumes_on_image

        if not force:  # an image volume stands on it (podman: -f removes it anyway)
            refuse_if_used(self._ctx, image.id)
        users = self._ctx.containers.users_of_image(image.id) if force else []
        # podman's -f: the containers go first (the store refuses, exit 2, without
        # it), and the image volumes made from it, with the containers that mount
        # them. A container that mounts it with --mount type=image stays, unlinked,
        # as in podman (its next start says the image is gone).
        doomed = volumes_on_image(self._ctx, image.id) if force else []
        for volume in doomed:
            for user in self._ctx.volumes.users(volume):
                record = self._ctx.containers.get(user)
                if record is not None and all(c.id != user for c in users):
                    users.append(record)
        if force:
            self._ctx.images.unlink_mounts(image.id)
        for c in users:
            self._ctx.paths.attach_socket(c.id).unlink(missing_ok=True)  # before its row goes
            self._ctx.containers.delete(c.id)
            from hutch.store.layers import remove_tree

            dirs = self._ctx.containers.dirs(c.id)
            if dirs.root.exists():
                remove_tree(dirs.root)
        if doomed:
            from hutch.engine.container_mounts import remove_unused

            remove_unused(self._ctx, doomed)
        # Under the layer lock: an image being recorded checks its layers'
        # files under the same lock (engine/imagewrite.py), so it either sees
        # them gone and fetches them again or is recorded before this runs.
        parents = [] if no_prune else self._unused_intermediates(image)
        with self._ctx.layers.lock():
            for image_id in (image.id, *parents):
                for diff_id, blob in self._ctx.images.remove(image_id):
                    self._ctx.layers.remove(diff_id, blob)
        return RemoveReport(name, untagged=image.names, deleted=(image.id, *parents))

    def _unused_intermediates(self, image: ImageRecord) -> list[str]:
        """The build's nameless step images below ``image`` that nothing else needs:
        podman removes them with the image built from them (its parent chain)."""
        steps = {
            row[0] for row in self._ctx.conn.execute("SELECT DISTINCT image_id FROM build_cache")
        }
        others = [r for r in self._ctx.images.all() if r.id != image.id]
        chain = tuple(image.diff_ids)
        out: list[str] = []
        # nearest first: a parent goes only once no image but those removed builds on it
        for parent in sorted(others, key=lambda r: -len(r.diff_ids)):
            layers = tuple(parent.diff_ids)
            if parent.names or parent.id not in steps or chain[: len(layers)] != layers:
                continue
            if len(layers) >= len(chain) or self._ctx.containers.users_of_image(parent.id):
                continue
            children = [
                r
                for r in others
                if r.id != parent.id
                and r.id not in out
                and len(r.diff_ids) > len(layers)
                and tuple(r.diff_ids[: len(layers)]) == layers
            ]
            if not children:
                out.append(parent.id)
        return out

    def inspect(self, names: Sequence[str]) -> list[ImageInspect]:
        return [inspect_report(find_image(self._ctx.images, n), self._ctx) for n in names]

    def tag(self, source: str, targets: Sequence[str]) -> None:
        self._tools.tag(source, targets)
        image_id = self._id_of(source)
        for target in targets:  # podman's: the image, and the name as given
            self._event("tag", image_id, target)

    def untag(self, source: str, targets: Sequence[str]) -> None:
        image_id, names = self._tools.untag(source, targets)
        for name in names:  # podman's: the image, and the full name it lost
            self._event("untag", image_id, name)

    def history(self, name: str) -> list[HistoryLine]:
        return self._tools.history(name)

    def tree(self, name: str, whatrequires: bool = False) -> ImageTree:
        from hutch.engine.image_layers import tree

        return tree(self._ctx, name, whatrequires)

    def diff(self, name: str, other: str | None = None) -> list[ImageChange]:
        from hutch.engine.image_layers import diff

        return diff(self._ctx, name, other)

    def mount(self, names: Sequence[str]) -> list[str]:
        from hutch.engine.image_mount import mount

        return mount(self._ctx, names)

    def mounted(self) -> list[ImageMount]:
        from hutch.engine.image_mount import mounted_images

        return mounted_images(self._ctx)

    def unmount(self, names: Sequence[str], all: bool = False, force: bool = False) -> list[str]:
        from hutch.engine.image_mount import unmount

        return unmount(self._ctx, names, all, force)

    def exists(self, name: str) -> bool:
        return self._tools.exists(name)

    def prune(self, options: ImagePruneOptions) -> list[PruneReport]:
        """Remove dangling images (every unused one with ``all``), repeatedly."""
        from hutch.api.images import RemoveImageOptions
        from hutch.engine.image_volumes import link_listed_mounts, volume_images
        from hutch.engine.prune_filters import parse_prune_filters

        chosen = parse_prune_filters(options.filters, noun="image")
        self._ctx.enter_session()
        link_listed_mounts(self._ctx)
        deleted: list[PruneReport] = []
        while True:
            used = {c.image_id for c in self._ctx.containers.all()}
            used |= set(volume_images(self._ctx).values())  # podman's external users
            used |= self._ctx.images.mounted_ids()  # --mount type=image
            gone = {d.id for d in deleted}
            doomed = [
                r
                for r in self._ctx.images.all()
                if r.id not in used
                and r.id not in gone
                and (options.all or not r.names)
                and chosen.match(r.created, r.config.config.labels)
            ]
            if not doomed:
                break
            for record in doomed:
                reports = self._remove_quietly((record.id,), RemoveImageOptions(force=True))
                if any(r.error for r in reports):
                    continue
                deleted.append(PruneReport(record.id, record.size))
        return deleted

    def manifest_inspect(self, name: str, access: RegistryAccess) -> str:
        return self._tools.manifest_inspect(name, access)

    def manifest_create(self, options: ManifestCreateOptions) -> str:
        return self._manifests.create(options)

    def manifest_add(self, options: ManifestAddOptions) -> str:
        return self._manifests.add(options)

    def manifest_remove(self, list: str, digest: str) -> str:
        return self._manifests.remove(list, digest)

    def manifest_annotate(self, options: ManifestAnnotateOptions) -> str:
        return self._manifests.annotate(options)

    def manifest_exists(self, name: str) -> bool:
        return self._manifests.exists(name)

    def manifest_push(self, options: ManifestPushOptions) -> str:
        from hutch.engine.manifest_push import push_list

        return push_list(self._ctx, self._distribution, self._manifests, options)

    def manifest_rm(self, names: Sequence[str]) -> list[RemoveReport]:
        reports = self._manifests.rm(names)
        for report in reports:
            for image_id in report.deleted:
                self._event("remove", image_id, report.name)
        return reports

    def search(self, options: SearchOptions) -> list[SearchResult]:
        return self._distribution.search(options)

    def pull(self, options: PullOptions) -> PullReport:
        report = self._distribution.pull(options)
        # podman's: the image, named by the reference as given (a transport's too)
        for image_id in dict.fromkeys(report.ids):
            self._event("pull", image_id, options.reference)
        return report

    def push(self, options: PushOptions) -> PushReport:
        report = self._distribution.push(options)
        self._event("push", self._id_of(options.source), options.destination or options.source)
        return report

    def login(self, options: LoginOptions) -> str:
        return self._distribution.login(options)

    def logout(self, options: LogoutOptions) -> list[str]:
        return self._distribution.logout(options)

    def save(self, options: SaveOptions) -> None:
        from hutch.engine.image_archive import save

        save(
            self._ctx,
            options.names,
            options.output,
            options.format,
            options.multi_image,
            options.progress,
            uncompressed=options.uncompressed,
            compress=options.compress,
        )
        if options.output not in ("", "-", "/dev/stdout"):  # podman's: named by the file
            for name in options.names[:1] if not options.multi_image else options.names:
                self._event("save", self._id_of(name), options.output)

    def scp(self, options: ScpOptions) -> ScpReport:
        from hutch.engine.image_scp import copy

        return copy(self, options)

    def load(
        self,
        source: str,
        cancelled: Callable[[], bool] | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> list[str]:
        from hutch.engine.image_archive import load

        names = load(self._ctx, source, cancelled, progress)
        # current podman's status (4.3.1: no id), named by the archive
        for image_id in dict.fromkeys(self._id_of(name) for name in names):
            self._event("loadfromarchive", image_id, source)
        return names

    def build(self, options: BuildOptions) -> BuildReport:
        from hutch.engine.build import BuildService

        report = BuildService(self._ctx).build(options)
        self._event("build", report.id, report.names[0] if report.names else report.id)
        if options.manifest:
            self._manifests.add_image(options.manifest, report.id)
        return report


def image_comment(config: ImageConfig) -> str:
    """podman's .Comment: the config's own (docker's field), else the last step's."""
    if config.comment is not None:
        return config.comment
    return config.history[-1].comment or "" if config.history else ""


def _matching_name(image: ImageRecord, text: str) -> str | None:
    from hutch.engine.resolve import candidate_names

    try:
        wanted = set(candidate_names(text))
    except InvalidArgument:
        return None
    return next((n for n in image.names if n in wanted), None)


def _manifest_fields(raw: bytes | None) -> tuple[dict[str, str], str]:
    """The manifest's annotations (``build --annotation``) and its media type (a Docker
    schema 2 one from ``build --format docker``; OCI when it names none), as podman's
    inspect shows them."""
    try:
        doc = json.loads(raw or b"{}")
    except ValueError:
        return {}, OCI_MANIFEST
    if not isinstance(doc, dict):
        return {}, OCI_MANIFEST
    found, media = doc.get("annotations"), doc.get("mediaType")
    annotations = {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}
    return annotations, media if isinstance(media, str) and media else OCI_MANIFEST


def inspect_report(image: ImageRecord, ctx: EngineContext) -> ImageInspect:
    """The shape of ``podman image inspect`` that users script against."""
    from hutch.api.images import ImageGraphDriver, ImageInspect, ImageRootFS

    config = image.config
    raw_config = json.loads(image.config_raw)
    found = raw_config.get("config")
    stored: dict[str, Any] = found if isinstance(found, dict) else {}
    annotations, manifest_type = _manifest_fields(image.manifest_raw)
    # each name's repository at each manifest the image is known by (podman's)
    digests = dict.fromkeys([image.digest, *ctx.images.digests(image.id)])
    # (each once: two tags of one repository are one repository@digest)
    repo_digests = tuple(
        dict.fromkeys(
            f"{n.rsplit(':', 1)[0] if ':' in n.rsplit('/', 1)[-1] else n}@{digest}"
            for n in image.names
            for digest in digests
        )
    )
    # As podman: the top layer is UpperDir, the ones below it LowerDir (top first).
    dirs = [os.fspath(ctx.layers.layer_dir(d)) for d in reversed(image.diff_ids)]
    driver_data = {"LowerDir": ":".join(dirs[1:])} if len(dirs) > 1 else {}
    if dirs:
        driver_data["UpperDir"] = dirs[0]
    return ImageInspect(
        id=image.id,
        digest=image.digest,
        repo_tags=image.names,
        repo_digests=repo_digests,
        parent="",
        comment=image_comment(config),
        created=config.created or rfc3339(image.created),
        config=oci_config(stored),
        version="",
        author=config.author or "",
        architecture=config.architecture,
        os=config.os,
        size=image.size,
        virtual_size=image.size,
        graph_driver=ImageGraphDriver("overlay", driver_data),
        root_fs=ImageRootFS("layers", tuple(config.diff_ids)),
        labels=dict(config.config.labels) or None,
        annotations=annotations,
        manifest_type=manifest_type,
        user=config.config.user,
        history=tuple(_history_entry(h) for h in raw_config.get("history", [])),
        names_history=image.names_history,
        health_check=health_check(stored.get("Healthcheck")),
        stored_config=stored,
    )


# OCI's ImageConfig fields in Go's order: podman's .Config is that struct (a Docker
# config's other keys, such as Healthcheck or Hostname, are not in it); all omitempty
_OCI_CONFIG_KEYS = (
    "User", "ExposedPorts", "Env", "Entrypoint", "Cmd", "Volumes", "WorkingDir", "Labels",
    "StopSignal", "ArgsEscaped",
)  # fmt: skip
# Schema2HealthConfig's fields in Go's order, all omitempty (StartInterval: current
# podman's)
_HEALTH_KEYS = ("Test", "StartPeriod", "StartInterval", "Interval", "Timeout", "Retries")


def oci_config(stored: dict[str, Any]) -> dict[str, Any]:
    """podman's ``.Config`` of an image: the OCI keys of its stored config, in Go's
    order, the empty ones left out as Go's omitempty leaves them."""
    return {k: stored[k] for k in _OCI_CONFIG_KEYS if stored.get(k)}


def health_check(found: object) -> dict[str, Any] | None:
    """podman's ``.HealthCheck`` (JSON ``Healthcheck``) of a Docker-format image."""
    if not isinstance(found, dict):
        return None
    return {k: found[k] for k in _HEALTH_KEYS if found.get(k)} or None


# the image spec's v1.History fields in Go's order, as podman marshals them back
_HISTORY_KEYS = ("created", "created_by", "author", "comment", "empty_layer")


def _history_entry(entry: Any) -> Any:
    """One entry of the config's history with its keys in v1.History's order (every
    field omitempty, as podman writes it), whatever order the config has them in;
    keys it does not know stay after them."""
    if not isinstance(entry, dict):
        return entry
    known = {k: entry[k] for k in _HISTORY_KEYS if entry.get(k) not in (None, "", False)}
    return known | {k: v for k, v in entry.items() if k not in _HISTORY_KEYS}
