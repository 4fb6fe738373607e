"""The mode of an image's root directory, as containers/storage gives it (issue 15).

overlayfs shows the root of a mount with the upper dir's attributes, so a
container's ``/`` has whatever mode its upper dir was made with. containers/storage
makes each layer's root directory with its parent layer's mode (0555 for a base
layer) and lets a layer tar's ``./`` entry set it: the image's root is the
topmost ``./`` entry's mode, else 0555, and a container's upper dir (a layer on
the image's top one) is made with it. hutch stores a layer's ``./`` mode in a
file beside its tree (``LayerStore.root_mode``); a layer stored before that was
recorded counts as having no ``./`` entry.
"""

from __future__ import annotations

from collections.abc import Iterable

DEFAULT_ROOT_MODE = 0o555
"""containers/storage's mode for a base layer's root directory (its defaultPerms)."""


def image_root_mode(layer_modes: Iterable[int | None]) -> int:
    """The root mode of an image whose layers (bottom first) have these ``./`` modes
    (None: the layer's tar has no ``./`` entry and keeps its parent's)."""
    mode = DEFAULT_ROOT_MODE
    for layer_mode in layer_modes:
        if layer_mode is not None:
            mode = layer_mode
    return mode


def format_mode(mode: int) -> str:
    """The text of a layer's root-mode file."""
    return f"{mode:04o}\n"


def parse_mode(text: str) -> int | None:
    """A root-mode file's mode; None for anything that is not one (a damaged file
    counts as no ``./`` entry rather than failing every container of the image)."""
    text = text.strip()
    if not text or len(text) > 4 or any(c not in "01234567" for c in text):
        return None
    return int(text, 8)
