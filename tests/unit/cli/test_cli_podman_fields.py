"""Golden field sets: every field podman lists (tests/data/podman_fields.json) exists in
hutch's reports, with podman's names (and, for JSON, podman's order)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hutch.api.containers import ContainerSummary
from hutch.api.images import ImageSummary
from hutch.api.volumes import VolumeSummary
from hutch.cli import images, info_shape, ps, render, volume_render
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
