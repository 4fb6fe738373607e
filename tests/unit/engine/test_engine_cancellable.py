"""A load's or import's layer read that stops once its caller has gone."""

from __future__ import annotations

import io

import pytest

from hutch.api.errors import Cancelled
from hutch.engine.cancellable import cancellable, checkpoint


def test_without_cancelled_the_source_itself_is_read() -> None:
    src = io.BytesIO(b"layer")
    assert cancellable(src, None) is src
    checkpoint(None)  # never raises


def test_the_read_after_the_cancel_fails() -> None:
    gone = [False]
    reader = cancellable(io.BytesIO(b"abcdef"), lambda: gone[0])
    assert reader.read(3) == b"abc"
    gone[0] = True
    with pytest.raises(Cancelled, match="client went away"):
        reader.read(3)


def test_checkpoint_raises_once_cancelled() -> None:
    checkpoint(lambda: False)
    with pytest.raises(Cancelled):
        checkpoint(lambda: True)
