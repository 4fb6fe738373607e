"""Local work that stops when its caller goes away (the API service's load and
import): the layer being read fails at its next piece, so the layer store's
own failure cleanup removes its temp dir, and nothing is recorded."""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

from hutch.api.errors import Cancelled
from hutch.util import testpoint


def checkpoint(cancelled: Callable[[], bool] | None) -> None:
    """Raise ``Cancelled`` once ``cancelled()`` is true (never without one)."""
    if cancelled is not None and cancelled():
        raise Cancelled("cancelled: the client went away")


class CancellableReader:
    """``src``, asking ``cancelled`` before each read (a layer's ingest reads
    pieces of about a MiB, so a cancel is seen within one)."""

    def __init__(self, src: BinaryIO, cancelled: Callable[[], bool]) -> None:
        self._src = src
        self._cancelled = cancelled
        self._started = False

    def read(self, n: int = -1) -> bytes:
        checkpoint(self._cancelled)
        data = self._src.read(n)
        if data and not self._started:
            self._started = True
            testpoint.pause("cancellable-read-started")  # a partial layer in a temp dir
        return data

    def readable(self) -> bool:
        return True


def cancellable(src: BinaryIO, cancelled: Callable[[], bool] | None) -> BinaryIO:
    """``src`` itself without ``cancelled`` (the CLI's), else a checked reader."""
    if cancelled is None:
        return src
    return CancellableReader(src, cancelled)  # type: ignore[return-value]
