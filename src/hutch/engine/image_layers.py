"""``image tree`` and ``image diff``: an image's layers, and what its layers change.

Layers are stored by diff id; the ids shown are chain ids (the layer ids of
containers/storage, so ``image tree`` names a layer as podman does): the first
layer's is its diff id, each next one the digest of "PARENT-CHAIN DIFF-ID".
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import replace

from hutch.api.errors import NoSuchObject
from hutch.api.images import ImageChange, ImageTree, TreeLayer
from hutch.engine.context import EngineContext
from hutch.engine.resolve import find_image
from hutch.store.images import ImageRecord
from hutch.store.overlaydiff import ADDED, CHANGED, DELETED, PathChange

# Paths diff never lists, whatever compares (podman's libpod leaves them out of every
# diff): where the runtime mounts its files and file systems, made in every layer a
# RUN step or a container wrote (an image podman built holds the empty /etc/hosts).
MOUNT_POINTS = frozenset(
    ("/dev", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/proc", "/run",
     "/run/notify", "/run/.containerenv", "/run/secrets", "/run/podman-init", "/sys",
     "/etc/mtab")
)  # fmt: skip


def visible(changes: list[PathChange]) -> list[PathChange]:
    """The changes diff lists: all but those of the mount points themselves."""
    return [c for c in changes if c.path not in MOUNT_POINTS]


def chain_ids(diff_ids: Sequence[str]) -> list[str]:
    """The chain id of each layer (OCI image spec, "Layer ChainID")."""
    out: list[str] = []
    for diff_id in diff_ids:
        if not out:
            out.append(diff_id)
        else:
            text = f"{out[-1]} {diff_id}".encode()
            out.append("sha256:" + hashlib.sha256(text).hexdigest())
    return out


def tree(ctx: EngineContext, name: str, whatrequires: bool) -> ImageTree:
    image = find_image(ctx.images, name)
    images = ctx.images.all()
    sizes = ctx.images.layer_sizes()
    chains = chain_ids(image.diff_ids)
    # chain id of an image's top layer -> the images standing on it there
    tops: dict[str, list[ImageRecord]] = {}
    # oldest first, as podman lists them (the store's order of images)
    for other in sorted(images, key=lambda r: (r.created, r.id)):
        if other.diff_ids:
            tops.setdefault(chain_ids(other.diff_ids)[-1], []).append(other)

    def layer(chain: str, diff_id: str) -> TreeLayer:
        owners = tops.get(chain, [])
        names = tuple(n for o in owners for n in o.names)
        return TreeLayer(chain, sizes.get(diff_id, 0), names, bool(owners))

    if whatrequires and image.diff_ids:
        layers: tuple[TreeLayer, ...] = (_required(ctx, images, chains[-1], layer),)
    else:
        layers = tuple(layer(c, d) for c, d in zip(chains, image.diff_ids, strict=True))
    # podman's img.Size(): the layers and the config and manifest, as images' SIZE
    return ImageTree(image.id, image.names, image.size, layers)


def _required(
    ctx: EngineContext,
    images: Sequence[ImageRecord],
    top: str,
    layer: Callable[[str, str], TreeLayer],
) -> TreeLayer:
    """The layer TOP with every layer standing on it, as libimage's layer tree has
    them: the layers of all images, and each container's own layer (hutch's upper
    directory, named by the container's id, 0 B as podman shows one) on its image's
    top layer. Children oldest first (the store's order in podman)."""
    born: dict[str, float] = {}  # layer -> when it was first made
    diff_of: dict[str, str] = {}
    kids: dict[str, list[str]] = {}
    for image in sorted(images, key=lambda r: (r.created, r.id)):
        parent = ""
        for chain, diff_id in zip(chain_ids(image.diff_ids), image.diff_ids, strict=True):
            if chain not in born:
                born[chain], diff_of[chain] = image.created, diff_id
                kids.setdefault(parent, []).append(chain)
            parent = chain
    image_tops = {i.id: chain_ids(i.diff_ids)[-1] for i in images if i.diff_ids}
    for record in ctx.containers.all():
        if record.image_id in image_tops:  # (a --rootfs one has none)
            born[record.id] = record.created
            kids.setdefault(image_tops[record.image_id], []).append(record.id)
    parent_of = {child: parent for parent, group in kids.items() for child in group}

    def node(layer_id: str) -> TreeLayer:
        found = (
            layer(layer_id, diff_of[layer_id])
            if layer_id in diff_of
            else TreeLayer(layer_id, 0, (), False)
        )
        children = sorted(kids.get(layer_id, []), key=lambda c: (born[c], c))
        parent = parent_of.get(layer_id, "")
        return replace(
            found,
            children=tuple(map(node, children)),
            branch=bool(parent) and len(kids[parent]) > 1,
        )

    return node(top)


def diff(ctx: EngineContext, name: str, other: str | None) -> list[ImageChange]:
    """What the image's top layer changes (``other`` None), its layers above ``other``'s
    (an image it was built on), or its tree against ``other``'s (any other image)."""
    from hutch.store.overlaydiff import upper_changes

    image = _diffed(ctx, name)
    if other is None:
        base: tuple[str, ...] = image.diff_ids[:-1]
    else:
        base = _diffed(ctx, other).diff_ids
        if image.diff_ids[: len(base)] != base:
            return _trees(ctx, image.diff_ids, base)
    if not image.diff_ids:
        return []
    ctx.enter_session()  # layer files belong to the user namespace's ids
    kinds: dict[str, str] = {}
    for depth in range(len(base), len(image.diff_ids)):
        upper = str(ctx.layers.layer_dir(image.diff_ids[depth]))
        lowers = [str(ctx.layers.layer_dir(d)) for d in reversed(image.diff_ids[:depth])]
        for change in upper_changes(upper, lowers):
            _fold(kinds, change.kind, change.path)
    return [ImageChange(kinds[p], p) for p in sorted(kinds) if p not in MOUNT_POINTS]


def _trees(ctx: EngineContext, new: Sequence[str], old: Sequence[str]) -> list[ImageChange]:
    """Two images' merged trees compared (store/treediff.py), as podman's diff of two
    images that are not parent and child."""
    from hutch.store import treediff

    ctx.enter_session()
    trees = [
        treediff.merged([str(ctx.layers.layer_dir(d)) for d in reversed(x)]) for x in (new, old)
    ]
    return [ImageChange(c.kind, c.path) for c in visible(treediff.changes(trees[0], trees[1]))]


def _diffed(ctx: EngineContext, name: str) -> ImageRecord:
    try:
        return find_image(ctx.images, name)
    except NoSuchObject as exc:
        raise NoSuchObject(f"{name} not found: {exc}") from None  # podman's words


def _fold(kinds: dict[str, str], kind: str, path: str) -> None:
    """One layer's change of ``path`` on top of the layers' changes so far (vs the base)."""
    before = kinds.get(path)
    if kind == ADDED:
        kinds[path] = CHANGED if before == DELETED else ADDED
    elif kind == CHANGED:
        kinds[path] = ADDED if before == ADDED else CHANGED
    elif before == ADDED:  # added above the base, then deleted: no change
        del kinds[path]
    else:
        kinds[path] = DELETED
