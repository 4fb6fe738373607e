"""podman's system events (``auto-update``): their line, JSON and type filter."""

from __future__ import annotations

import pytest

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
    assert not parse_filters(("type=machine",)).match(AUTO_UPDATE)  # podman: no check


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


NETWORK = Event(
    1_700_000_000_123_456_789, "network", "connect", "c" * 64, "evc", "localhost/base:latest",
    {"network": "evn"},
)  # fmt: skip
VOLUME = Event(1_700_000_000_123_456_789, "volume", "create", "", "evv", "", {})


def test_volume_and_network_events_in_podmans_json() -> None:
    """Current podman's events JSON: Go's compact marshal, its key order, omitempty,
    ``time`` in seconds; a network event's network is ``network``, not an attribute."""
    assert events.json_line(VOLUME) == (
        '{"Name":"evv","Status":"create","time":1700000000,'
        '"timeNano":1700000000123456789,"Type":"volume","Attributes":null}'
    )
    assert events.json_line(NETWORK) == (
        f'{{"ID":"{"c" * 64}","Name":"evc","network":"evn","Status":"connect",'
        '"time":1700000000,"timeNano":1700000000123456789,"Type":"network","Attributes":null}'
    )


def test_volume_and_network_event_lines_and_templates() -> None:
    assert events.text_of(VOLUME).endswith(" volume create evv")
    cid = "c" * 64
    assert events.text_of(NETWORK).endswith(f" network connect {cid} (container={cid}, name=evn)")
    from hutch.cli import templating

    out = templating.render_one(
        "{{.Type}} {{.Status}} {{.Name}} {{.Network}} {{.Attributes}}",
        events.template_of(NETWORK),
        name="events",
    )
    assert out == "network connect evc evn map[]\n"


def test_type_filters_take_volume_and_network() -> None:
    assert parse_filters(("type=volume",)).match(VOLUME)
    assert not parse_filters(("type=volume",)).match(NETWORK)
    assert parse_filters(("type=network", "event=connect")).match(NETWORK)
