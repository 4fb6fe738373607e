"""inspect's ``.HostConfig.Binds``: a container's volumes and bind mounts as podman lists
them, ``SOURCE:DEST:OPTIONS`` with the options its create pass adds after the words the
user gave (``/src:/dst:ro,rprivate,rbind``, ``data:/data:rw,rprivate,nosuid,nodev,rbind``),
the volumes (named and anonymous, by name) before the bind mounts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from hutch.api.container_config import VolumeOptions
from hutch.api.container_inspect import InspectMount
from hutch.api.errors import HutchError
from hutch.engine.container_record import MountRecord
from hutch.volumes import specs


def binds(volumes: VolumeOptions, mounts: Sequence[MountRecord]) -> tuple[str, ...]:
    """The volumes, then the bind mounts, of the container's mounts (``mounts``, its
    record's, which name the anonymous volumes), with the words its ``-v`` and
    ``--mount`` flags gave (``volumes``); a mount no flag gave (an image's volume,
    ``--volumes-from``) shows only ``ro`` of its own."""
    given = _given_words(volumes)
    named: list[str] = []
    bound: list[str] = []
    for mount in mounts:
        if mount.kind not in ("volume", "bind"):
            continue
        words = given.get(mount.destination, ("ro",) if mount.readonly else ())
        if mount.kind == "volume":
            named.append(f"{mount.name}:{mount.destination}:{','.join(options(words, True))}")
        else:
            bound.append(f"{mount.source}:{mount.destination}:{','.join(options(words, False))}")
    return (*named, *bound)


def with_modes(mounts: Sequence[InspectMount], volumes: VolumeOptions) -> tuple[InspectMount, ...]:
    """``.Mounts`` with each ``Mode``: ``z`` or ``Z`` as its ``-v`` or ``--mount`` gave it
    (``relabel=shared`` is z), the last one given, as libpod's parse keeps it; no
    SELinux here, so nothing else comes of it. In podman's order: the named volumes,
    then the image mounts, then the bind mounts (libpod lists them so whatever order
    the flags gave; among the volumes its order is a Go map's, here the flags')."""
    modes = {
        dest: relabel[-1]
        for dest, words in _given_words(volumes).items()
        if (relabel := [w for w in words if w in ("z", "Z")])
    }
    ordered = sorted(mounts, key=lambda m: _KIND_ORDER.get(m.type, len(_KIND_ORDER)))
    return tuple(replace(m, mode=modes.get(m.destination, "")) for m in ordered)


_KIND_ORDER = {"volume": 0, "image": 1}


def options(words: Sequence[str], volume: bool) -> list[str]:
    """podman's options of a mount: the words given, then ``rw`` (without ro or rw), the
    propagation ``rprivate`` (without one), ``nosuid`` and ``nodev`` for a volume (unless
    given either way) and ``rbind`` (without bind or rbind)."""
    out = list(words)
    if not any(w in ("ro", "rw") for w in words):
        out.append("rw")
    if not any(w in specs.PROPAGATIONS for w in words):
        out.append("rprivate")
    if volume:
        out += [flag for flag in ("nosuid", "nodev") if not {flag, flag[2:]} & set(words)]
    if not any(w in ("bind", "rbind") for w in words):
        out.append("rbind")
    return out


def _given_words(volumes: VolumeOptions) -> dict[str, tuple[str, ...]]:
    """destination -> the option words of the -v or --mount that mounted it."""
    out: dict[str, tuple[str, ...]] = {}
    requests = [(specs.parse_volume, text) for text in volumes.volumes]
    requests += [(specs.parse_mount, text) for text in volumes.mounts]
    for parse, text in requests:
        try:
            request = parse(text)
        except HutchError:  # refused at create: a record never has it
            continue
        out[request.destination] = request.given
    return out


def inspect_mounts(mounts: Sequence[MountRecord]) -> tuple[InspectMount, ...]:
    """``inspect`` ``.Mounts``: podman's keys for each mount the container has."""
    out = []
    for item in mounts:
        options = item.options
        propagation = next((o for o in options if o in specs.PROPAGATIONS), "")
        if item.kind in ("bind", "volume") and not propagation:
            propagation = "rprivate"
        out.append(
            InspectMount(
                type=item.kind,
                name=item.name,
                source=item.source,
                destination=item.destination,
                driver=(item.driver or "local") if item.kind == "volume" else "",
                mode="",
                # an image mount has none: null, as podman's image volumes
                options=(
                    None
                    if item.kind == "image"
                    else tuple(o for o in options if o not in specs.PROPAGATIONS)
                ),
                rw=not item.readonly,
                propagation=propagation,
                subpath=item.subpath,
            )
        )
    return tuple(out)
