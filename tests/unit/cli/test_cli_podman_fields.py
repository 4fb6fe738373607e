"""Golden field sets: every field podman lists (tests/data/podman_fields.json) exists in
hutch's reports, with podman's names (and, for JSON, podman's order)."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import typer

from hutch.api.container_config import RunOptions
from hutch.api.containers import ContainerSummary, StatsReport
from hutch.api.errors import InvalidArgument
from hutch.api.events import Event
from hutch.api.images import HistoryLine, ImageSummary
from hutch.api.networks import NetworkSubnet, NetworkSummary
from hutch.api.podman_json import to_json
from hutch.api.volumes import VolumeSummary
from hutch.cli import (
    events,
    history,
    images,
    info_shape,
    network_render,
    port,
    ps,
    render,
    stats,
    templating,
    top,
    volume_render,
)
from hutch.engine.container_record import ContainerConfig
from hutch.util.gotemplate import GoTime, Template, gojson
from unit.cli.test_cli_info_format import REPORT
from unit.cli.test_cli_rmi import INSPECT
from unit.engine.test_engine_inspect_record import _inspect

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
    for section in ("host", "store"):  # podman's keys, in podman's order
        golden = FIELDS["info_json"][section]
        assert [k for k in data[section] if k in golden] == golden, section


@pytest.mark.parametrize("path", FIELDS["info_template"])
def test_info_template_paths(path: str) -> None:
    Template("info", "{{" + path + "}}").execute(info_shape.info(REPORT))  # no error


def test_version_json() -> None:
    data = json.loads(gojson.dumps(info_shape.client_server("1.0")))
    assert list(data) == FIELDS["version_json"]["top"]
    assert list(data["Client"]) == FIELDS["version_json"]["Client"]


# The examples, with podman's outputs for the same data.
def test_ps_table_names_status() -> None:
    out = templating.render_template(
        "table {{.Names}}\\t{{.Status}}", [ps.row_of(CONTAINER, NOW, False)], ps.HEADERS, name="ps"
    )
    assert out == "NAMES       STATUS\nweb         Up 2 hours\n"


def test_ps_go_types() -> None:
    row = ps.row_of(CONTAINER, NOW, False)
    out = templating.render_template(
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
            templating.render_one("{{." + field + "}}", event, name="events")


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
    out = templating.render_one(template, events.template_of(EVENT), name="events")
    if want is None:
        assert " container died eeeeeeeeeeee " in out
    else:
        assert out == want + "\n"  # podman ends every event with a newline


def test_events_time_is_a_go_time_with_nanoseconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        out = templating.render_one("{{.Time}}", events.template_of(EVENT), name="events")
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
        templating.render_one(template, events.template_of(EVENT), name="events")
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


# -- container and image inspect, history, network ls, volume ls, stats --------------


def test_container_inspect_keys(tmp_path: Path) -> None:
    """podman's keys, in its order, except the ones listed as not yet shown (and a
    field that appears must leave that list, so it only shrinks)."""
    data = _inspect(tmp_path, ContainerConfig(RunOptions(image="busybox")))
    golden, not_yet = FIELDS["container_inspect_json"], set(FIELDS["container_inspect_not_yet"])
    assert [k for k in data if k in golden["top"]] == [k for k in golden["top"] if k not in not_yet]
    for section in ("State", "Config", "HostConfig", "NetworkSettings"):
        wanted = [k for k in golden[section] if f"{section}.{k}" not in not_yet]
        assert set(wanted) <= set(data[section]), section
        # in podman's order too
        assert [k for k in data[section] if k in golden[section]] == wanted, section
        assert not {f"{section}.{k}" for k in data[section]} & not_yet, section
    assert not set(data) & not_yet


def test_image_inspect_keys_in_podmans_order() -> None:
    assert list(to_json(INSPECT)) == FIELDS["image_inspect_json"]


HISTORY = HistoryLine(
    "h" * 64, "2026-12-03T18:47:25.95063154Z", "/bin/sh -c x", 2_140_160, "c", False
)


def test_history_json_and_template_fields() -> None:
    assert list(history.json_of(HISTORY)) == FIELDS["history_json"]
    assert history.json_of(HISTORY)["Created"] == "2026-12-03T18:47:25Z"
    # podman leaves an empty command and comment out (Go's omitempty)
    bare = history.json_of(HistoryLine("h" * 64, None, "", 0, "", True))
    assert list(bare) == ["id", "created", "size"]
    (row,) = history.rows_of([HISTORY], no_trunc=False)
    assert set(FIELDS["history_template"]) <= set(row)
    for field in FIELDS["history_template"]:
        templating.render_template("{{." + field + "}}", [row], name="history")  # no error


HISTORY_TYPE = "images.historyReporter"


def test_history_times_as_current_podman() -> None:
    """Current podman's historyReporter: CreatedAt is RFC 3339 in whole seconds,
    CreatedSince the same as Created (RFC 3339 with --human=false), Tags a nil list."""
    fields = "{{.CreatedAt}}|{{.Created}}|{{.CreatedSince}}|{{.Tags}}"
    (row,) = history.rows_of([HISTORY], no_trunc=False, human=False)
    out = templating.render_template(fields, [row], name="history", type_name=HISTORY_TYPE)
    assert out == "2026-12-03T18:47:25Z|2026-12-03T18:47:25Z|2026-12-03T18:47:25Z|[]\n"
    (row,) = history.rows_of([HISTORY], no_trunc=False)
    text = templating.render_template(fields, [row], name="history", type_name=HISTORY_TYPE)
    stamp, created, since, _tags = text.split("|")
    assert stamp == "2026-12-03T18:47:25Z" and created.endswith(" ago") and since == created


def test_history_json_times_as_go_marshals_them() -> None:
    line = HistoryLine("h" * 64, "2026-12-03T18:47:25.950630Z", "", 0, "", True)
    assert history.json_of(line)["created"] == "2026-12-03T18:47:25.95063Z"
    whole = HistoryLine("h" * 64, "2026-12-03T18:47:25.000Z", "", 0, "", True)
    assert history.json_of(whole)["created"] == "2026-12-03T18:47:25Z"


NETWORK = NetworkSummary(
    "n1", "9" * 64, "bridge", "hutch1", (NetworkSubnet("10.89.0.0/24", "10.89.0.1"),),
    False, False, True, (), (), NOW,
)  # fmt: skip


def test_network_ls_json_and_template_fields() -> None:
    keys = [k for k in network_render.json_of(NETWORK) if k in FIELDS["network_ls_json"]]
    assert keys == FIELDS["network_ls_json"]
    row = network_render.row(NETWORK)
    assert set(FIELDS["network_ls_template"]) <= set(row)
    out = templating.render_template("{{.IPAMOptions}}|{{.Options}}", [row], name="network")
    assert out == "map[driver:host-local]|map[]\n"  # podman 4.3.1's output


def test_network_ls_subnets_are_podmans_structs() -> None:
    """podman 4.3.1's outputs (network create, then these templates) for the same network."""
    labelled = replace(NETWORK, labels=(("c", "d"), ("a", "b")))
    row = network_render.row(labelled)
    template = (
        "{{range .Subnets}}{{.Subnet}} {{.Gateway}}{{end}}|{{json .Subnets}}|{{.Subnets}}"
        "|{{range .Subnets}}{{.LeaseRange}}{{print .Subnet}}{{end}}|{{.Labels}}"
    )
    assert templating.render_template(template, [row], name="network") == (
        '10.89.0.0/24 10.89.0.1|[{"subnet":"10.89.0.0/24","gateway":"10.89.0.1"}]'
        "|[{{{10.89.0.0 ffffff00}} 10.89.0.1 <nil>}]|<nil>{{10.89.0.0 ffffff00}}|a=b,c=d\n"
    )
    v6 = network_render.subnet_struct(NetworkSubnet("fd00:1::/64", ""))
    assert Template("t", "{{.Subnet}}|{{.}}|{{json .}}").execute(v6) == (
        "fd00:1::/64|{{{fd00:1:: ffffffffffffffff0000000000000000}} <nil> <nil>}"
        '|{"subnet":"fd00:1::/64"}'
    )


def test_network_json_leaves_out_empty_labels_and_options() -> None:
    assert "labels" not in network_render.json_of(NETWORK)  # omitempty, as podman
    assert "options" not in network_render.json_of(NETWORK)
    labelled = network_render.json_of(replace(NETWORK, labels=(("a", "b"),)))
    assert labelled["labels"] == {"a": "b"}


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("json", True),
        ("{{json .}}", True),
        (" {{ json . }} ", True),
        ("{{json}}", True),
        ("{{json .Names}}", False),
        ("{{.ID}} {{json .}}", False),
        ("table", False),
        (None, False),
    ],
)
def test_is_json_as_podman(fmt: str | None, expected: bool) -> None:
    assert render.is_json(fmt) is expected


def test_volume_ls_template_fields() -> None:
    row = volume_render.ls_row(volume_render.json_of(VolumeSummary("v2", "local", "/m", NOW)))
    assert set(FIELDS["volume_ls_template"]) <= set(row)
    out = templating.render_template(
        "{{.Status}}|{{.Timeout}}|{{.InspectVolumeData.Name}}", [row], name="volume"
    )
    assert out == "map[]|0|v2\n"  # podman 4.3.1's output


def test_stats_template_fields() -> None:
    report = StatsReport(
        "s" * 64, "st", 2_500_000, NOW, NOW - 10, 2, 1 << 20, 1 << 30, 3, 1, 2, 3, 4
    )
    row = stats.row(report, None, no_trunc=False)
    assert set(FIELDS["stats_template"]) <= set(row)
    out = templating.render_template(
        "{{.Up}} {{.AVGCPU}} {{.CPUNano}} {{.PIDS}} {{.ContainerStats.MemUsage}}",
        [row],
        name="stats",
    )
    assert out == "2.5s 25.00% 2500000000 3 1048576\n"
