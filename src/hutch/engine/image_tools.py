"""The image toolbox: tag, untag, history, exists, manifest inspect."""

from __future__ import annotations

import json
from collections.abc import Sequence

from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.api.images import HistoryLine, RegistryAccess
from hutch.engine.context import EngineContext
from hutch.engine.resolve import find_image
from hutch.oci.reference import docker_reason, is_image_id_prefix, parse_reference
from hutch.store.images import ImageRecord


def local_name(text: str) -> str:
    """The full name ``tag`` gives a short name (podman: ``localhost/NAME:latest``)."""
    try:
        ref = parse_reference(text, default_registry="localhost")
    except InvalidArgument:  # podman's words: libimage names the name twice
        quoted = f'normalizing name "{text}"'
        raise InvalidArgument(f"{quoted}: {quoted}: {docker_reason(text)}") from None
    if ref.digest is not None:
        raise InvalidArgument(f"{text}: tag by digest not supported")  # podman's words
    return str(ref)


class ImageTools:
    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    def tag(self, source: str, targets: Sequence[str]) -> None:
        if not targets:
            raise InvalidArgument("tag: give at least one new name")
        image = find_image(self._ctx.images, source, lists=True)
        names = [local_name(t) for t in targets]  # all valid before any is written
        for name in names:
            self._ctx.images.tag(name, image.id)

    def untag(self, source: str, targets: Sequence[str]) -> tuple[str, list[str]]:
        """Take the names off the image (all of them without ``targets``); its id and
        the full names taken off."""
        image = find_image(self._ctx.images, source, lists=True)
        if not targets:
            for name in image.names:
                self._ctx.images.untag(name)
            return image.id, list(image.names)
        done = []
        for target in targets:
            name = local_name(target)
            if name not in image.names:
                # podman also accepts the short form of a name the image has.
                matches = [n for n in image.names if n.endswith("/" + target) or n == target]
                if not matches:
                    raise NoSuchObject(f"{name}: tag not known")  # podman's words
                name = matches[0]
            self._ctx.images.untag(name)
            done.append(name)
        return image.id, done

    def exists(self, name: str) -> bool:
        """Whether an image has ``name``; a name that does not parse is refused in the
        reference parser's words (podman looks nothing up for it: exit 125, not 1)."""
        if not is_image_id_prefix(name) and not name.startswith("sha256:"):
            try:
                parse_reference(name)
            except InvalidArgument:
                raise InvalidArgument(docker_reason(name)) from None
        try:
            find_image(self._ctx.images, name, lists=True)
        except NoSuchObject:
            return False
        return True

    def history(self, name: str) -> list[HistoryLine]:
        """Newest entry first. As podman (libimage's History): the top entry carries the
        image's id, and each layer the id of the first image, oldest first, whose top
        layer it is (podman's layer tree: a base image's id shows in the history of
        what was built on it), each id once; the rest are ``<missing>``."""
        image = find_image(self._ctx.images, name)
        config = image.config
        owners = _layer_owners(self._ctx.images.all())
        used: set[str] = set()
        entries = list(reversed(config.history))
        top = len(image.diff_ids)  # the layers below the current entry, it included
        lines: list[HistoryLine] = []
        for index, entry in enumerate(entries):
            ident = image.id if index == 0 else "<missing>"
            size = 0
            if top > 0:
                if not entry.empty_layer:
                    info = self._ctx.images.layer_info(image.diff_ids[top - 1])
                    size = info.size if info else 0
                owner = owners.get(image.diff_ids[:top])
                if owner is not None and owner not in used:
                    ident = owner
                    used.add(owner)
                if not entry.empty_layer:
                    top -= 1
            lines.append(
                HistoryLine(
                    ident,
                    entry.created,
                    entry.created_by or "",
                    size,
                    entry.comment or "",
                    entry.empty_layer,
                )
            )
        if not entries:  # some importers write no history: one line a layer
            for depth, diff_id in enumerate(reversed(image.diff_ids)):
                info = self._ctx.images.layer_info(diff_id)
                ident = image.id if depth == 0 else "<missing>"
                size = info.size if info else 0
                lines.append(HistoryLine(ident, config.created, "", size, "", False))
        return lines

    def manifest_inspect(self, name: str, access: RegistryAccess) -> str:
        """The manifest (or index) of ``name`` as JSON: from the registry, else local."""
        from hutch.engine.distribution import Distribution

        try:
            local = find_image(self._ctx.images, name, lists=True)
        except (NoSuchObject, InvalidArgument):
            local = None
        if local is not None and local.is_list:
            from hutch.oci.manifest_list import parse_index, render_index

            return render_index(parse_index(local.manifest_raw))
        if local is not None:
            return json.dumps(json.loads(local.manifest_raw), indent=4)
        dist = Distribution(self._ctx)
        try:
            from hutch.registry.registries_conf import resolve_short_name

            ref = resolve_short_name(name, dist.conf)[0]
            client = dist.client(ref.registry, access)
            raw, _digest, _doc = dist.resolve_manifest(client, ref, None)
        except NoSuchObject as exc:
            raise NoSuchObject(f"{name}: no such manifest ({exc})") from None
        return json.dumps(json.loads(raw), indent=4)


def _layer_owners(records: Sequence[ImageRecord]) -> dict[tuple[str, ...], str]:
    """For each chain of layers, the id of the oldest image that ends with it."""
    owners: dict[tuple[str, ...], str] = {}
    for record in sorted(records, key=lambda r: (r.created, r.id)):
        if record.diff_ids:
            owners.setdefault(tuple(record.diff_ids), record.id)
    return owners
