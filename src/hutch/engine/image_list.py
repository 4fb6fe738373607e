"""``images``: the images of the store as ``hutch images`` lists them.

The image part (engine/images.py: pull, tag, rm, build's and run's lookups) inherits
``ImageList``, and the engine builds it alone for ``ls`` (engine/engine.py
``IMAGE_LIST_VERBS``): that module loads the reference parser, the resolver, the
platform's and the layers' code, about a third of ``hutch images``'s start (issue 16).
"""

from __future__ import annotations

import json

from hutch.api.image_list import ImageSummary
from hutch.engine.image_parents import Lineage, parents

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from hutch.engine.context import EngineContext
    from hutch.store.images import ImageRecord


class ImageList:
    """``ls`` of ``engine.images`` (``hutch.api.images.Images``)."""

    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    def ls(self) -> list[ImageSummary]:
        in_use: dict[str, int] = {}
        for c in self._ctx.containers.all():
            in_use[c.image_id] = in_use.get(c.image_id, 0) + 1
        tagged = self._ctx.images.tag_times()
        records = self._ctx.images.all()
        with_children = parents(
            Lineage(r.id, tuple(r.diff_ids), _history_length(r)) for r in records
        )
        return [
            ImageSummary(
                r.id,
                r.names,
                r.digest,
                image_created(r),
                r.size,
                in_use.get(r.id, 0),
                _labels(r),
                intermediate=not r.names and r.id in with_children,
                parent=r.id in with_children,
                history=r.names_history,
                tagged=tagged.get(r.id, 0.0),
                manifest_list=r.is_list,
            )
            for r in records
        ]


def _history_length(image: ImageRecord) -> int:
    """How many history entries the config holds (0 when it is not JSON)."""
    try:
        history = json.loads(image.config_raw).get("history")
    except (ValueError, AttributeError):
        return 0
    return len(history) if isinstance(history, list) else 0


def image_created(image: ImageRecord) -> float:
    """The image's own creation time (its config's ``created``), as podman lists it;
    the time it was stored only when the config has none."""
    from hutch.util.durations import parse_time

    try:
        created = json.loads(image.config_raw).get("created")
        if isinstance(created, str) and created:
            return parse_time(created)
    except (ValueError, AttributeError):
        pass
    return image.created


def _labels(image: ImageRecord) -> tuple[tuple[str, str], ...]:
    try:
        labels = (json.loads(image.config_raw).get("config") or {}).get("Labels") or {}
    except (ValueError, AttributeError):
        return ()
    return tuple(sorted((str(k), str(v)) for k, v in labels.items()))
