"""Which images are parents of others, as podman's layer tree decides it: an image's
children are the images built on it, whose layers extend its layers, or that share
its layers and extend its history (a LABEL or CMD step adds no layer)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Lineage:
    """What the tree needs of one image: its id, its layers and its history's length."""

    id: str
    diff_ids: tuple[str, ...]
    history: int


def _child_of(child: Lineage, parent: Lineage) -> bool:
    if child.id == parent.id or not parent.diff_ids:
        return False
    n = len(parent.diff_ids)
    if child.diff_ids[:n] != parent.diff_ids:
        return False
    return len(child.diff_ids) > n or child.history > parent.history


def parents(images: Iterable[Lineage]) -> frozenset[str]:
    """The ids of the images that have at least one child."""
    known = list(images)
    # grouped by first layer: only images that share it can be related
    by_base: dict[str, list[Lineage]] = {}
    for image in known:
        if image.diff_ids:
            by_base.setdefault(image.diff_ids[0], []).append(image)
    return frozenset(
        p.id for group in by_base.values() for p in group if any(_child_of(c, p) for c in group)
    )
