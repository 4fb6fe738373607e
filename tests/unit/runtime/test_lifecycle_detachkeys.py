"""Detach keys: podman's format, and matching the sequence in typed input."""

from __future__ import annotations

import pytest

from hutch.runtime.detachkeys import DetachMatcher, parse_detach_keys


def test_parse_default_and_formats() -> None:
    assert parse_detach_keys(None) == b"\x10\x11"
    assert parse_detach_keys("ctrl-a,x") == b"\x01x"
    assert parse_detach_keys("ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_") == bytes(
        [0, 27, 28, 29, 30, 31]
    )
    assert parse_detach_keys("CTRL-Z") == b"\x1a"
    assert parse_detach_keys("") == b""


@pytest.mark.parametrize("bad", ["ctrl-1", "ctrl-", "ab", "ctrl-p,", "ctrl-é"])
def test_parse_rejects(bad: str) -> None:
    with pytest.raises(ValueError, match="invalid detach key"):
        parse_detach_keys(bad)


def test_matcher_detects_the_sequence_across_reads() -> None:
    m = DetachMatcher(b"\x10\x11")
    assert m.feed(b"ls\x10") == (b"ls", False)
    assert m.feed(b"\x11rest") == (b"", True)


def test_matcher_releases_a_false_start() -> None:
    m = DetachMatcher(b"\x10\x11")
    assert m.feed(b"\x10a") == (b"\x10a", False)
    assert m.feed(b"\x10\x10\x11") == (b"\x10", True)


def test_matcher_disabled_passes_everything() -> None:
    assert DetachMatcher(b"").feed(b"\x10\x11") == (b"\x10\x11", False)
