"""What ``commit`` writes besides the layer, as podman 4.3.1 (buildah) writes it: the
history entry, the image comment and the volumes the container brings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from hutch.engine.container_record import MountRecord
from hutch.oci.image import ContainerConfig, HistoryEntry, ImageConfig

FORMATS = ("oci", "docker")


def history_entry(
    base: ImageConfig, image_names: Sequence[str], *, created: str, author: str | None
) -> HistoryEntry:
    """buildah's entry for a commit: created_by is the image's shell (``/bin/sh`` when
    it names none), the comment names the image the container came from; a ``-m``
    message goes to the image's comment, not here."""
    return HistoryEntry(
        created=created,
        created_by=" ".join(base.config.shell) or "/bin/sh",
        comment=f"FROM {image_names[0]}" if image_names else None,
        author=author,
    )


def image_comment(base: ImageConfig, message: str | None) -> str | None:
    """The message, else the comment the container's image shows (podman keeps it)."""
    if message is not None:
        return message
    if base.comment is not None:
        return base.comment
    return base.history[-1].comment if base.history else None


def with_volumes(
    config: ContainerConfig,
    mounts: Sequence[MountRecord],
    *,
    include_all: bool,
    anonymous: Callable[[str], bool],
) -> ContainerConfig:
    """podman's rule: the anonymous volumes the user added always; every volume and
    bind mount the user added with --include-volumes."""
    added = [
        m.destination
        for m in mounts
        if m.kind in ("volume", "bind")
        and (include_all or (m.kind == "volume" and anonymous(m.name)))
    ]
    if not added:
        return config
    return replace(config, volumes=tuple(sorted({*config.volumes, *added})))


def without_onbuild(config: ContainerConfig) -> tuple[ContainerConfig, tuple[str, ...]]:
    """An OCI image config has no ONBUILD: buildah drops each with a warning."""
    warnings = tuple(
        f"ONBUILD is not supported for OCI image format, {step} will be ignored. "
        "Must use `docker` format"
        for step in config.on_build
    )
    return (replace(config, on_build=()) if warnings else config), warnings
