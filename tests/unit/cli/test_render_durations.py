"""Health check durations as podman shows them (issue 15): Go's time.Duration String in a
template (``1h0m0s``, ``30s``), nanoseconds in JSON; ``.Config.Healthcheck`` as Go's
Schema2HealthConfig (its fields in Go's order, the zero ones left out of JSON)."""

from __future__ import annotations

import json

from hutch.cli import templating
from hutch.util import gotemplate
from hutch.util.gotemplate import GoDuration

S = 1_000_000_000
ROW = {
    "Id": "c" * 64,
    "Config": {
        "Healthcheck": {"Test": ["CMD", "true"], "Interval": 3600 * S, "Timeout": 90 * S,
                        "StartPeriod": 0, "Retries": 3},
        "StartupHealthCheck": {"Test": ["CMD", "true"], "Interval": S // 2, "Timeout": 30 * S,
                               "Retries": 0, "Successes": 0},
    },
}  # fmt: skip


def _inspect(template: str) -> str:
    return templating.render_template(template, [ROW], name="inspect")


def test_a_template_prints_durations_as_go_does() -> None:
    assert _inspect("{{.Config.Healthcheck.Interval}}") == "1h0m0s\n"
    assert _inspect("{{.Config.Healthcheck.Timeout}}") == "1m30s\n"
    assert _inspect("{{.Config.Healthcheck.StartPeriod}}") == "0s\n"
    assert _inspect("{{.Config.StartupHealthCheck.Interval}}") == "500ms\n"
    # the struct: Go's field order, StartPeriod and StartInterval there though zero
    assert _inspect("{{.Config.Healthcheck}}") == "{[CMD true] 0s 0s 1h0m0s 1m30s 3}\n"
    printf = '{{with .Config.Healthcheck}}{{printf "%d %v %s" .Interval .Interval .Timeout}}{{end}}'
    assert _inspect(printf) == "3600000000000 1h0m0s 1m30s\n"


def test_json_keeps_nanoseconds_in_gos_order_without_the_zero_ones() -> None:
    expected = '{"Test":["CMD","true"],"Interval":3600000000000,"Timeout":90000000000,"Retries":3}'
    assert _inspect("{{json .Config.Healthcheck}}") == expected + "\n"
    whole = gotemplate.gojson.dumps(templating.plain_data([ROW]), indent=None)
    assert json.loads(whole)[0]["Config"]["Healthcheck"] == json.loads(expected)
    assert '"Healthcheck":' + expected in whole  # the key order too


def test_an_images_health_check_too() -> None:
    check = {"Test": ["CMD-SHELL", "x"], "StartPeriod": 5 * S}
    image = templating.typed({"Id": "i", "Healthcheck": check}, templating.IMAGE_TYPE)
    out = templating.render_template(
        "{{.HealthCheck.StartPeriod}} {{.HealthCheck.Interval}}", [image]
    )
    assert out == "5s 0s\n"


def test_go_duration_values() -> None:
    assert [str(GoDuration(n)) for n in (0, 1500, 2 * S + S // 2, -60 * S)] == [
        "0s", "1.5µs", "2.5s", "-1m0s",
    ]  # fmt: skip
    assert gotemplate.gojson.dumps(GoDuration(30 * S)) == "30000000000"
    assert gotemplate.Template("t", "{{if .}}set{{else}}zero{{end}}").execute(GoDuration(0)) == (
        "zero"
    )
