"""ps --watch N lists again every N seconds until ^C (status 0), once with -q or
--format json; --sync is accepted; a bad N gets podman's words (issue 15)."""

from __future__ import annotations

import signal
import time

from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture


def test_watch_lists_again_until_interrupted(hutch: Hutch, base_image: str) -> None:
    hutch("create", "--name", "watched", base_image, "true")
    proc = hutch.popen("ps", "-a", "--sync", "-w", "1", "--format", "{{.Names}}")
    time.sleep(3.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert out.split().count("watched") >= 2, out
    once = hutch("ps", "-a", "-w", "1", "--format", "json", timeout=10).stdout
    assert once.count('"watched"') == 1


def test_a_bad_watch_value_in_podmans_words(hutch: Hutch, podman: Run) -> None:
    ours = hutch("ps", "-w", "-1", check=False)
    theirs = podman("ps", "-w", "-1")
    assert ours.returncode == theirs.returncode == 125
    assert ours.stderr.splitlines()[0] == theirs.stderr.splitlines()[0]
