"""Golden field sets: every field podman lists (tests/data/podman_fields.json) exists in
hutch's reports, with podman's names (and, for JSON, podman's order)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import typer

from hutch.api.containers import ContainerSummary
from hutch.api.errors import InvalidArgument
from hutch.api.events import Event
from hutch.api.images import ImageSummary
from hutch.api.volumes import VolumeSummary
from hutch.cli import events, images, info_shape, port, ps, render, top, volume_render
from hutch.util.gotemplate import GoTime, Template, gojson
from unit.cli.test_cli_info_format import REPORT

FIELDS: dict[str, Any] = json.loads(
    (Path(__file__).parents[2] / "data" / "podman_fields.json").read_text()
)
NOW = 1_700_000_000.0
CONTAINER = ContainerSummary(
    "c" * 64,
    "web",
    "localhost/base:latest",
    "i" * 64,
    "sleep 300",
    NOW - 7200,
    "running",
    0,
    NOW - 7000,
    0.0,
    labels=(("k", "v"),),
    mounts=(("data", "", "/data"),),
    pid=42,
)
IMAGE = ImageSummary(
    "i" * 64, ("localhost/base:latest",), "sha256:" + "d" * 64, NOW - 60, 2_000_000
)


def test_ps_template_fields() -> None:
    row = ps.row_of(CONTAINER, NOW, no_trunc=False)
    assert set(FIELDS["ps_template"]) <= set(row)


def test_ps_json_keys_in_podmans_order() -> None:
    keys = [k for k in ps.json_of(CONTAINER) if k in FIELDS["ps_json"]]
    assert keys == FIELDS["ps_json"]


def test_images_template_fields() -> None:
    (row,) = images.rows_of([IMAGE], no_trunc=False)
    assert set(FIELDS["images_template"]) <= set(row)


def test_images_json_keys_in_podmans_order() -> None:
    assert list(images.json_of(IMAGE)) == FIELDS["images_json"]


def test_volume_inspect_keys() -> None:
    report = VolumeSummary("v", "local", "/m", NOW)
    keys = [k for k in volume_render.json_of(report) if k in FIELDS["volume_inspect_json"]]
    assert keys == FIELDS["volume_inspect_json"]


def test_info_json_sections() -> None:
    data = json.loads(gojson.dumps(info_shape.info(REPORT)))
    assert FIELDS["info_json"]["top"] == [k for k in data if k in FIELDS["info_json"]["top"]]
    assert set(FIELDS["info_json"]["host"]) <= set(data["host"])
    assert set(FIELDS["info_json"]["store"]) <= set(data["store"])


@pytest.mark.parametrize("path", FIELDS["info_template"])
def test_info_template_paths(path: str) -> None:
    Template("info", "{{" + path + "}}").execute(info_shape.info(REPORT))  # no error


def test_version_json() -> None:
    data = json.loads(gojson.dumps(info_shape.client_server("1.0")))
    assert list(data) == FIELDS["version_json"]["top"]
    assert list(data["Client"]) == FIELDS["version_json"]["Client"]


# The examples, with podman's outputs for the same data.
def test_ps_table_names_status() -> None:
    out = render.render_template(
        "table {{.Names}}\\t{{.Status}}", [ps.row_of(CONTAINER, NOW, False)], ps.HEADERS, name="ps"
    )
    assert out == "NAMES       STATUS\nweb         Up 2 hours\n"


def test_ps_go_types() -> None:
    row = ps.row_of(CONTAINER, NOW, False)
    out = render.render_template(
        '{{.Mounts}} {{.Pid}} {{.Exited}} {{.Label "k"}} {{.Namespaces}}|', [row], name="ps"
    )
    assert out == "[/data] 42 false v {      }|\n"
    assert isinstance(row["Created"], GoTime)


EVENT = Event(
    1_764_782_307_278_232_571, "container", "died", "e" * 64, "ev", "localhost/base:latest",
    {"exitCode": "3"},
)  # fmt: skip


def test_events_template_fields() -> None:
    event = events.template_of(EVENT)
    assert set(FIELDS["events_template"]) <= set(event)
    for field in FIELDS["events_template"]:
        if field != "ToHumanReadable":  # a method with one argument, as podman's
            render.render_one("{{." + field + "}}", event, name="events")


@pytest.mark.parametrize(
    ("template", "want"),
    [
        # what podman 4.3.1 printed for its own died event with these templates
        ("{{.ContainerExitCode}} {{.Status}} {{.Type}} {{.Name}}", "3 died container ev"),
        ("{{.Network}}|{{.PodID}}|{{.HealthStatus}}|", "|||"),
        ("{{.TimeNano}}", "1764782307278232571"),
        ("{{.Details.ID}}{{.Details.PodID}}", ""),
        ("{{.ToHumanReadable true}}", None),
    ],
)
def test_events_template_values(template: str, want: str | None) -> None:
    out = render.render_one(template, events.template_of(EVENT), name="events")
    if want is None:
        assert " container died eeeeeeeeeeee " in out
    else:
        assert out == want + "\n"  # podman ends every event with a newline


def test_events_time_is_a_go_time_with_nanoseconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        out = render.render_one("{{.Time}}", events.template_of(EVENT), name="events")
    finally:
        monkeypatch.undo()
        time.tzset()
    assert out == "2025-12-03 17:18:27.278232571 +0000 UTC\n"


@pytest.mark.parametrize(
    ("template", "error"),
    [
        ("{{.Nope}}", "can't evaluate field Nope in type *events.Event"),
        ("{{.ToHumanReadable}}", "wrong number of args for ToHumanReadable: want 1 got 0"),
    ],
)
def test_events_template_errors_are_gos(template: str, error: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        render.render_one(template, events.template_of(EVENT), name="events")
    assert str(caught.value).startswith('template: events:1:2: executing "events" at <.')
    assert str(caught.value).endswith(error)


@pytest.mark.parametrize("command", FIELDS["no_format"])
def test_commands_podman_gives_no_format_have_none(command: str) -> None:
    module = {"top": top, "port": port}[command]
    app, container_app = typer.Typer(), typer.Typer()
    module.register(app, container_app)
    cmd = typer.main.get_command(app)
    assert cmd.name == command or cmd.name is None or command in str(cmd.callback)
    assert cmd.params and all("--format" not in p.opts for p in cmd.params)
