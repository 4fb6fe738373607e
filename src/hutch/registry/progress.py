"""Progress of blob transfers on stderr, in podman's words.

On a terminal each blob gets a line with a bar that is redrawn in place;
when stderr is a pipe or a file, one plain line per finished step; with
``-q`` nothing at all. Transfers run in threads: every method takes a lock.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass
from typing import Literal, TextIO

Mode = Literal["quiet", "plain", "tty"]
_BAR = 30
_REDRAW = 0.1  # seconds between redraws of the bars


def choose_mode(quiet: bool, stream: TextIO | None = None) -> Mode:
    stream = stream or sys.stderr
    if quiet:
        return "quiet"
    return "tty" if stream.isatty() else "plain"


def human(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.1f}{unit}" if unit != "B" else f"{int(n)}B"
        n /= 1024
    return f"{n:.1f}GiB"  # pragma: no cover


@dataclass
class _Blob:
    label: str
    total: int
    done: int = 0
    status: str = ""


class Progress:
    def __init__(self, mode: Mode, stream: TextIO | None = None) -> None:
        self.mode = mode
        self._out = stream or sys.stderr
        self._lock = threading.Lock()
        self._blobs: list[_Blob] = []
        self._drawn = 0  # lines of bars currently on screen
        self._last = 0.0

    def line(self, text: str) -> None:
        if self.mode == "quiet":
            return
        with self._lock:
            self._clear()
            self._out.write(text + "\n")
            self._draw()
            self._out.flush()

    def start(self, kind: str, digest: str, total: int) -> _Blob:
        blob = _Blob(f"Copying {kind} {digest.split(':', 1)[-1][:12]}", total)
        if self.mode == "tty":
            with self._lock:
                self._clear()
                self._blobs.append(blob)
                self._draw()
        return blob

    def advance(self, blob: _Blob, n: int) -> None:
        blob.done += n
        if self.mode != "tty":
            return
        now = time.monotonic()
        if now - self._last < _REDRAW:
            return
        with self._lock:
            self._last = now
            self._clear()
            self._draw()

    def finish(self, blob: _Blob, status: str = "done") -> None:
        blob.status = status
        if self.mode == "quiet":
            return
        with self._lock:
            if self.mode == "plain":
                self._out.write(f"{blob.label} {status}\n")
            else:
                self._clear()
                if blob in self._blobs:
                    self._blobs.remove(blob)
                self._out.write(f"{blob.label} {status}\n")
                self._draw()
            self._out.flush()

    def _clear(self) -> None:
        if self._drawn:
            # Up N lines, clear to the end of the screen.
            self._out.write(f"\x1b[{self._drawn}F\x1b[J")
            self._drawn = 0

    def _draw(self) -> None:
        if self.mode != "tty":
            return
        for blob in self._blobs:
            total = max(blob.total, 1)
            filled = min(_BAR, _BAR * blob.done // total)
            bar = "=" * filled + (">" if filled < _BAR else "") + " " * (_BAR - filled - 1)
            self._out.write(f"{blob.label} [{bar}] {human(blob.done)} / {human(blob.total)}\n")
        self._drawn = len(self._blobs)
        self._out.flush()
