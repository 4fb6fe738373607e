"""A pull's layer rows under its service's row, as docker compose shows them.

The engine reports each blob's steps (``TransferEvent``, from its transfer
threads); docker compose shows one row per layer under the image's pull row
(``5cc84ad355aa Pulling fs layer``, ``Downloading``, ``Pull complete``,
``Already exists``). Here each step becomes a progress line
`` Layer SERVICE/SHORT  STATUS``, which the views show as a child row of
`` Service SERVICE`` (the service in the name, since two services can share a
layer). A layer's share downloaded (``Downloading 42%``) comes at most every
``EVERY`` seconds, so that a view is not redrawn for every chunk; the image
config is not shown, as docker does not show it. ``--quiet-pull`` and
``pull -q`` do without these rows (docker compose's "without printing progress
information": the service's own Pulling/Pulled rows stay, as there).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from hutch.api.images import TransferEvent

Progress = Callable[[str], None]
EVERY = 0.2  # seconds between two byte counts of one layer

# docker's words for each step of a pull (hutch unpacks a layer as it arrives:
# a layer downloaded is a layer pulled)
WORDS = {
    "start": "Pulling fs layer",
    "done": "Pull complete",
    "retry": "Retrying",
    "skipped": "Already exists",
}


class LayerRows:
    """The ``on_progress`` of one service's pull: its layers' lines to ``progress``."""

    def __init__(self, service: str, progress: Progress) -> None:
        self._service = service
        self._progress = progress
        self._lock = threading.Lock()
        self._said: dict[str, float] = {}  # digest: when its last byte count was said

    def __call__(self, event: TransferEvent) -> None:
        if event.kind != "blob":
            return
        if event.action == "advance":
            now = time.monotonic()
            with self._lock:
                if now - self._said.get(event.digest, 0.0) < EVERY:
                    return
                self._said[event.digest] = now
            share = f" {min(100, event.done * 100 // event.total)}%" if event.total > 0 else ""
            status = f"Downloading{share}"
        elif event.action in WORDS:
            status = WORDS[event.action]
        else:
            return
        short = event.digest.split(":", 1)[-1][:12]
        self._progress(f" Layer {self._service}/{short}  {status}")
