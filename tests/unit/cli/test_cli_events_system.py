"""podman's system events (``auto-update``): their line, JSON and type filter."""

from __future__ import annotations

import pytest

from hutch.api.errors import InvalidArgument
from hutch.api.events import Event
from hutch.cli import events
from hutch.engine.events import parse_filters

AUTO_UPDATE = Event(
    time_ns=1_700_000_000_123_456_789,
    type="system",
    action="auto-update",
    id="",
    name="",
    image="",
    attributes={},
)


def test_a_system_event_line_has_no_target() -> None:
    line = events.text_of(AUTO_UPDATE)
    assert line.endswith(" system auto-update"), line


def test_a_system_event_in_json() -> None:
    data = events.json_of(AUTO_UPDATE)
    assert (data["Type"], data["Status"], data["Name"], data["ID"]) == (
        "system",
        "auto-update",
        "",
        "",
    )


def test_type_filters_take_pod_and_system() -> None:
    assert parse_filters(("type=system",)).match(AUTO_UPDATE)
    assert not parse_filters(("type=container",)).match(AUTO_UPDATE)
    assert parse_filters(("event=auto-update",)).match(AUTO_UPDATE)
    parse_filters(("type=pod",))
    with pytest.raises(InvalidArgument, match="use container, image, pod, system"):
        parse_filters(("type=machine",))


@pytest.mark.parametrize(
    ("flags", "want"),
    [([], True), (["--stream=false"], False), (["--stream=false", "--stream"], True)],
)
def test_stream_is_a_switch_on_by_default(
    flags: list[str],
    want: bool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from unit.fakes import FakeEngine, run_cli

    engine = FakeEngine()
    assert run_cli(["events", *flags], engine, monkeypatch, capsys).code == 0
    assert engine.only_call("system.events").stream is want
