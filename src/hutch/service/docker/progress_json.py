"""Docker's JSON progress of a pull or a push, one layer per ``id``.

The engine reports each blob's steps (``TransferEvent``, from its transfer
threads); Docker's clients expect lines such as
``{"status": "Downloading", "progressDetail": {"current": N, "total": T},
"progress": "[==>  ] 1.2MB/3MB", "id": "5cc84ad355aa"}``, which the docker CLI
shows as one line per layer (``5cc84ad355aa: Pull complete``). The id is the
short hex of the layer's blob digest; the image config is not shown, as
Docker does not show it.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from hutch.api.images import TransferEvent
from hutch.util.humansize import human_size

# Docker's words for each step, by direction.
_PULL = {
    "start": "Pulling fs layer",
    "advance": "Downloading",
    "retry": "Retrying",
    "skipped": "Already exists",
}
_PUSH = {
    "start": "Preparing",
    "advance": "Pushing",
    "done": "Pushed",
    "retry": "Retrying",
    "skipped": "Layer already exists",
}
_BAR = 50  # Docker's bar width


def progress_bar(current: int, total: int) -> str:
    """Docker's ``JSONProgress.String()`` on a wide terminal."""
    if total <= 0:
        return f"{human_size(current):>8}"
    filled = min(int(current / total * 100) // 2, _BAR)
    return f"[{'=' * filled}>{' ' * (_BAR - filled)}] {human_size(current):>8}/{human_size(total)}"


def progress_lines(event: TransferEvent, push: bool) -> list[dict[str, Any]]:
    """Docker's lines for one step of a layer (none for the image config)."""
    if event.kind != "blob":
        return []
    short = event.digest.split(":", 1)[-1][:12]
    if event.action == "advance":
        detail = {"current": event.done, "total": event.total}
        status = _PUSH["advance"] if push else _PULL["advance"]
        return [
            {
                "status": status,
                "progressDetail": detail,
                "progress": progress_bar(event.done, event.total),
                "id": short,
            }
        ]
    if event.action == "done" and not push:
        # The layer is unpacked as it arrives: downloaded is also extracted.
        words = ["Download complete", "Pull complete"]
    elif event.action == "skipped" and push and event.note.startswith("mounted from "):
        words = [f"Mounted from {event.note.removeprefix('mounted from ')}"]
    else:
        word = (_PUSH if push else _PULL).get(event.action)
        words = [word] if word else []
    return [{"status": w, "progressDetail": {}, "id": short} for w in words]


class LayerProgress:
    """The ``on_progress`` of a pull or push whose answer is streamed: events are
    kept (under a lock: they come from the transfer threads) until the stream
    asks for them; a layer's advances between two asks become one line."""

    def __init__(self, push: bool) -> None:
        self._push = push
        self._lock = threading.Lock()
        self._events: list[TransferEvent] = []

    def __call__(self, event: TransferEvent) -> None:
        with self._lock:
            last = self._events[-1] if self._events else None
            if (
                last is not None
                and event.action == last.action == "advance"
                and event.digest == last.digest
            ):
                self._events[-1] = event
            else:
                self._events.append(event)

    def lines(self) -> bytes:
        """Docker's JSON lines of what happened since the last call (b"": nothing)."""
        with self._lock:
            events, self._events = self._events, []
        latest: dict[str, int] = {}
        for i, event in enumerate(events):  # advances: only each layer's latest
            if event.action == "advance":
                latest[event.digest] = i
        out = []
        for i, event in enumerate(events):
            if event.action == "advance" and latest.get(event.digest) != i:
                continue
            out += [json.dumps(line).encode() + b"\n" for line in progress_lines(event, self._push)]
        return b"".join(out)
