"""Progress of blob transfers on stderr, in podman's words.

Three modes, chosen once per command:

- ``tty`` (stderr is a terminal): each blob in flight has a bar
  (``Copying blob 30dd605dbe37 [====>----] 1.2MiB / 2.0MiB``) redrawn in
  place at most every ``REDRAW`` seconds; when it ends, its bar gives way to
  one final line (``Copying blob 30dd605dbe37 done``), printed above the
  bars still running.
- ``plain`` (a pipe or a file): podman's lines, ``Copying blob sha256:<hex>``
  when a transfer starts; a blob that is not transferred gets the same line
  with the reason (``skipped: already exists``), which podman leaves out.
- ``quiet`` (``-q``): nothing at all.

Transfers run in threads: the drawing is done under one lock.

Whatever the mode, a ``listener`` (the engine's adapter to a caller's
``on_progress``, e.g. the API service's per-layer JSON) hears every step:
``listener(action, kind, digest, done, total, note)`` with action start,
advance, done, retry or skipped, from the transfer's own thread.

Every transfer reports each blob's start and each piece here, so this is also
where one whose caller went away stops (``cancelled``: the API service's
client that left a pull or a push): ``start`` and ``advance`` raise
``TransferCancelled``, which the transfer's own cleanup handles as any failure
(a pulled blob's temp dir removed, a pushed blob's upload cancelled).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TextIO

from hutch.api.errors import HutchError

Mode = Literal["quiet", "plain", "tty"]
Listener = Callable[[str, str, str, int, int, str], None]
REDRAW = 0.1  # seconds between redraws of the bars
_BAR_MAX = 40
_LABEL = len("Copying blob ") + 12  # podman cuts every label to this width


def choose_mode(quiet: bool, stream: TextIO | None = None) -> Mode:
    stream = stream or sys.stderr
    if quiet:
        return "quiet"
    try:
        return "tty" if stream.isatty() else "plain"
    except ValueError:  # a closed stream
        return "plain"


def human(n: float) -> str:
    """Sizes as podman's bars print them: ``360.0b``, ``2.0MiB``."""
    for unit in ("b", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.1f}{unit}"
        n /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def bar_line(label: str, done: int, total: int, columns: int) -> str:
    """One bar that fits in ``columns`` (a wrapped line would break the redraw)."""
    total = max(total, 0)
    done = min(max(done, 0), total) if total else done
    counts = f" {human(done)} / {human(total)}"
    width = min(_BAR_MAX, columns - 1 - len(label) - len(counts) - 3)
    if width < 5:
        return (label + counts)[: max(columns - 1, 1)]
    filled = width * done // total if total else 0
    body = "=" * width if filled >= width else "=" * filled + ">" + "-" * (width - filled - 1)
    return f"{label} [{body}]{counts}"


class TransferCancelled(HutchError):
    """The caller of a pull or a push went away: it stopped between two pieces."""


@dataclass
class Blob:
    """A blob in flight; ``done`` only grows, and only its own thread advances it."""

    kind: str
    digest: str
    total: int
    done: int = 0

    @property
    def label(self) -> str:
        return f"Copying {self.kind} {self.digest.split(':', 1)[-1]}"[:_LABEL]


class Progress:
    def __init__(
        self,
        mode: Mode,
        stream: TextIO | None = None,
        listener: Listener | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> None:
        self.mode = mode
        self._listener = listener
        self._cancelled = cancelled
        self._interrupted = threading.Event()  # the CLI's ^C (registry/interrupt.py)
        self._out = stream or sys.stderr
        self._lock = threading.Lock()
        self._blobs: list[Blob] = []
        self._drawn = 0  # lines of bars now on the screen, below the cursor's line
        self._last = 0.0

    def line(self, text: str) -> None:
        """A step of the copy: ``Getting image source signatures`` and the like."""
        if self.mode == "quiet":
            return
        with self._lock:
            self._above_bars(text)

    def checkpoint(self) -> None:
        """Raise ``TransferCancelled`` if the caller went away (see the module's doc)."""
        if self._interrupted.is_set():
            raise TransferCancelled("cancelled: interrupted")
        if self._cancelled is not None and self._cancelled():
            raise TransferCancelled("cancelled: the client went away")

    def interrupt(self) -> None:
        """From the main thread on ^C: every transfer stops at its next piece."""
        self._interrupted.set()

    def start(self, kind: str, digest: str, total: int) -> Blob:
        """A transfer begins: a bar on a terminal, podman's line otherwise."""
        self.checkpoint()
        blob = Blob(kind, digest, total)
        if self._listener is not None:
            self._listener("start", kind, digest, 0, total, "")
        if self.mode == "quiet":
            return blob
        with self._lock:
            if self.mode == "plain":
                self._write(f"Copying {kind} {digest}\n")
            else:
                self._blobs.append(blob)
                self._redraw()
        return blob

    def advance(self, blob: Blob, n: int) -> None:
        self.checkpoint()
        blob.done += n
        if self._listener is not None:
            self._listener("advance", blob.kind, blob.digest, blob.done, blob.total, "")
        if self.mode != "tty" or time.monotonic() - self._last < REDRAW:
            return
        with self._lock:
            self._redraw()

    def finish(self, blob: Blob, status: str = "done") -> None:
        """The transfer ended: its final line on a terminal; in plain mode only
        an unusual ending (a retry) is worth a line."""
        if self._listener is not None:
            action = "done" if status == "done" else "retry"
            self._listener(action, blob.kind, blob.digest, blob.done, blob.total, status)
        if self.mode == "quiet":
            return
        with self._lock:
            if self.mode == "plain":
                if status != "done":
                    self._write(f"Copying {blob.kind} {blob.digest} {status}\n")
                return
            if blob in self._blobs:
                self._blobs.remove(blob)
            self._above_bars(f"{blob.label} {status}")

    def skipped(self, kind: str, digest: str, why: str) -> None:
        """A blob that needs no transfer (already there, mounted)."""
        if self._listener is not None:
            self._listener("skipped", kind, digest, 0, 0, why.removeprefix("skipped: "))
        if self.mode == "quiet":
            return
        with self._lock:
            if self.mode == "plain":
                self._write(f"Copying {kind} {digest} {why}\n")
            else:
                self._above_bars(f"{Blob(kind, digest, 0).label} {why}")

    # ---------------------------------------------------------------- drawing

    def _columns(self) -> int:
        try:
            return os.get_terminal_size(self._out.fileno()).columns or 80
        except (OSError, ValueError, AttributeError):
            return 80

    def _write(self, text: str) -> None:
        self._out.write(text)
        self._out.flush()

    def _above_bars(self, text: str) -> None:
        """Print a lasting line; the bars (if any) are drawn again below it."""
        if self.mode == "tty":
            self._out.write(self._clear() + text + "\n" + self._bars())
            self._out.flush()
        else:
            self._write(text + "\n")

    def _redraw(self) -> None:
        self._write(self._clear() + self._bars())

    def _clear(self) -> str:
        # To the start of the first bar's line, then erase to the end of the screen.
        text = f"\x1b[{self._drawn}F\x1b[J" if self._drawn else ""
        self._drawn = 0
        return text

    def _bars(self) -> str:
        self._last = time.monotonic()
        columns = self._columns()
        lines = [bar_line(b.label, b.done, b.total, columns) + "\n" for b in self._blobs]
        self._drawn = len(lines)
        return "".join(lines)
