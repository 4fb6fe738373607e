"""``images``' options and its report of one image.

Apart from api.images so that ``hutch images`` loads these two classes, not the
other image verbs' thirty (nor ``typing``, which their protocol needs).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ListImagesOptions:
    all: bool = False
    filters: tuple[str, ...] = ()
    sort: str = "created"


@dataclass(frozen=True)
class ImageSummary:
    id: str
    names: tuple[str, ...]
    digest: str
    created: float
    size: int
    containers: int = 0
    labels: tuple[tuple[str, str], ...] = ()
    # podman's intermediate image: untagged, other images built on it (listed with -a only)
    intermediate: bool = False
    parent: bool = False  # other images are built on it (a dangling image is not one)
    history: tuple[str, ...] = ()  # every name it has had, latest first (NamesHistory)
    # when a name was last pointed at it (a pull, build, load or tag): docker's LastTagTime
    tagged: float = 0.0
    manifest_list: bool = False  # a manifest list (images --filter manifest=)
