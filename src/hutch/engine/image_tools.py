"""The image toolbox: tag, untag, history, exists, manifest inspect."""

from __future__ import annotations

import json
from collections.abc import Sequence

from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.api.images import HistoryLine, RegistryAccess
from hutch.engine.context import EngineContext
from hutch.engine.resolve import find_image
from hutch.oci.reference import parse_reference


def local_name(text: str) -> str:
    """The full name ``tag`` gives a short name (podman: ``localhost/NAME:latest``)."""
    ref = parse_reference(text, default_registry="localhost")
    if ref.digest is not None:
        raise InvalidArgument(f"{text}: a tag cannot contain a digest")
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

    def untag(self, source: str, targets: Sequence[str]) -> None:
        image = find_image(self._ctx.images, source, lists=True)
        if not targets:
            for name in image.names:
                self._ctx.images.untag(name)
            return
        for target in targets:
            name = local_name(target)
            if name not in image.names:
                # podman also accepts the short form of a name the image has.
                matches = [n for n in image.names if n.endswith("/" + target) or n == target]
                if not matches:
                    raise NoSuchObject(f"{target}: tag not known for image {image.id[:12]}")
                name = matches[0]
            self._ctx.images.untag(name)

    def exists(self, name: str) -> bool:
        try:
            find_image(self._ctx.images, name, lists=True)
        except NoSuchObject:
            return False
        return True

    def history(self, name: str) -> list[HistoryLine]:
        image = find_image(self._ctx.images, name)
        config = image.config
        sizes = []
        for diff_id in image.diff_ids:
            info = self._ctx.images.layer_info(diff_id)
            sizes.append(info.size if info else 0)
        entries = list(config.history)
        lines: list[HistoryLine] = []
        layer = 0
        for entry in entries:
            size = 0
            if not entry.empty_layer and layer < len(sizes):
                size = sizes[layer]
                layer += 1
            lines.append(
                HistoryLine(
                    "<missing>",
                    entry.created,
                    entry.created_by or "",
                    size,
                    entry.comment or "",
                    entry.empty_layer,
                )
            )
        # Layers without history entries (some importers write none).
        for extra in sizes[layer:]:
            lines.append(HistoryLine("<missing>", config.created, "", extra, "", False))
        lines.reverse()
        if lines:
            top = lines[0]
            lines[0] = HistoryLine(
                image.id, top.created, top.created_by, top.size, top.comment, top.empty_layer
            )
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
