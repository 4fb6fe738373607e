"""The rootless network holder's start: its ready line, and the words when it fails; the
name server's records."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from hutch.net import rootless
from hutch.net.rootless import _read_ready_line, _start_failure


def test_the_ready_line_is_read_whole() -> None:
    r, w = os.pipe()
    os.write(w, b"4242\n")
    assert _read_ready_line(r, 5) == (b"4242\n", False)
    os.close(w)


def test_silence_past_the_timeout_is_told_apart() -> None:
    r, w = os.pipe()
    try:
        assert _read_ready_line(r, 0.05) == (b"", True)
    finally:
        os.close(w)


def test_a_holder_that_closed_its_pipe_did_not_time_out() -> None:
    r, w = os.pipe()
    os.close(w)
    assert _read_ready_line(r, 5) == (b"", False)


def test_the_words_say_why() -> None:
    assert _start_failure(["slirp4netns: boom"], False, 1, 60) == "slirp4netns: boom"
    assert _start_failure([], True, -9, 60) == (
        "its holder did not report ready within 60 s (a slow or loaded machine?)"
    )
    assert _start_failure(["WARN: x"], True, -9, 60).endswith("; its last words: WARN: x")
    assert _start_failure([], False, 3, 60) == (
        "its holder exited with status 3 before it was ready, saying nothing"
    )


def test_the_name_servers_records_are_written_without_a_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the runtime directory does not outlive a power loss: an fsync there only cost
    # each create and rm on a user network (30 ms on a disk under load)
    def no_sync(fd: int) -> None:
        raise AssertionError("dns.json was synced")

    monkeypatch.setattr(os, "fsync", no_sync)
    rootless.write_dns(tmp_path / "netns", [{"name": "n", "records": {}}])
    assert json.loads((tmp_path / "netns" / "dns.json").read_text()) == {
        "networks": [{"name": "n", "records": {}}]
    }
