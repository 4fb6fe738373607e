"""The event log's appends: lines whole and in order, the directory made when missing."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from hutch.runtime.events_log import append_event, append_events, event_line, open_log


def _actions(log: Path) -> list[str]:
    return [json.loads(line)["action"] for line in log.read_text().splitlines()]


def test_a_missing_directory_is_made_private_at_the_first_event(tmp_path: Path) -> None:
    log = tmp_path / "events" / "deeper" / "events.log"
    append_event(str(log), event_line("container", "create", "c1"))
    assert _actions(log) == ["create"]
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_several_lines_go_in_their_order_after_what_is_there(tmp_path: Path) -> None:
    log = tmp_path / "events.log"
    append_event(str(log), event_line("container", "create", "c1"))
    append_events(str(log), [event_line("container", a, "c1") for a in ("init", "start")])
    append_events(str(log), [])
    assert _actions(log) == ["create", "init", "start"]


def test_a_log_that_cannot_be_opened_drops_the_events(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert open_log(str(blocker / "events.log")) == -1  # its directory is a file
    append_events(str(blocker / "events.log"), [event_line("container", "start", "c1")])
    append_events("", [event_line("container", "start", "c1")])  # no log: nothing
