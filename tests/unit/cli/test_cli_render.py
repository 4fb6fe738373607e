"""Pure rendering: sizes, ages, tables and Go-style templates."""

from __future__ import annotations

from typing import Any

import pytest

from hutch.api.errors import InvalidArgument
from hutch.cli import render, templating

NOW = 1_700_000_000.0
MINUTE = 60
HOUR = 3600
DAY = 24 * HOUR


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 B"),
        (999, "999 B"),
        (1000, "1 kB"),
        (1500, "1.5 kB"),
        (4_321_000, "4.32 MB"),
        (123_456_789, "123 MB"),
        (1_000_000_000, "1 GB"),
        (2_500_000_000_000, "2.5 TB"),
    ],
)
def test_human_size(size: int, text: str) -> None:
    assert render.human_size(size) == text


@pytest.mark.parametrize(
    ("age", "text"),
    [
        (0, "Less than a second ago"),
        (0.9, "Less than a second ago"),
        (1, "1 second ago"),
        (2, "2 seconds ago"),
        (59, "59 seconds ago"),
        (60, "About a minute ago"),
        (119, "About a minute ago"),
        (120, "2 minutes ago"),
        (59 * MINUTE + 59, "59 minutes ago"),
        (HOUR, "About an hour ago"),
        (HOUR + 29 * MINUTE, "About an hour ago"),
        (2 * HOUR, "2 hours ago"),
        (47 * HOUR, "47 hours ago"),
        (48 * HOUR, "2 days ago"),
        (13 * DAY, "13 days ago"),
        (14 * DAY, "2 weeks ago"),
        (59 * DAY, "8 weeks ago"),
        (60 * DAY, "2 months ago"),
        (729 * DAY, "24 months ago"),
        (730 * DAY, "2 years ago"),
    ],
)
def test_human_ago_boundaries(age: float, text: str) -> None:
    assert render.human_ago(NOW - age, NOW) == text


def test_human_ago_rounds_half_hours_up_as_docker() -> None:
    assert render.human_ago(NOW - 2.5 * HOUR, NOW) == "3 hours ago"


def test_human_ago_defaults_to_the_current_time() -> None:
    import time

    assert render.human_ago(time.time() - 3 * MINUTE) == "3 minutes ago"


ROWS: list[dict[str, Any]] = [
    {
        "ID": "abc",
        "Repository": "localhost/x",
        "Names": ["a", "b"],
        "Labels": None,
        "Config": {"Env": ["A=1"], "User": ""},
    },
    {
        "ID": "defghi",
        "Repository": "r",
        "Names": [],
        "Labels": {"k": "v"},
        "Config": {"Env": [], "User": "nobody"},
    },
]


def test_template_plain_fields_one_line_per_row() -> None:
    assert (
        templating.render_template("{{.ID}} {{ .Repository }}", ROWS)
        == "abc localhost/x\ndefghi r\n"
    )


def test_template_with_its_own_range_runs_on_the_list() -> None:
    # c/common's EnforceRange: a format that ranges itself is not wrapped again
    assert templating.render_template("{{range .}}{{.ID}} {{end}}", ROWS) == "abc defghi \n"
    assert templating.render_template("{{ range . }}{{.ID}},{{ end -}}", ROWS) == "abc,defghi,\n"
    # a range over a field is no range over the list: each row in turn
    assert (
        templating.render_template("{{.ID}}:{{range .Names}}{{.}}{{end}}", ROWS[1:]) == "defghi:\n"
    )


def test_template_tab_and_newline_escapes() -> None:
    assert templating.render_template("{{.ID}}\\t{{.Repository}}", ROWS[:1]) == "abc\tlocalhost/x\n"
    assert templating.render_template("{{.ID}}\\n--", ROWS[:1]) == "abc\n--\n"


def test_template_values_render_like_go() -> None:
    out = templating.render_template("{{.Names}}|{{.Labels}}|{{.Config.User}}", ROWS)
    # A nil map (Labels None) prints as Go prints it: map[].
    assert out == "[a b]|map[]|\n[]|map[k:v]|nobody\n"


def test_template_json() -> None:
    assert templating.render_template("{{json .Config.Env}}", ROWS) == '["A=1"]\n[]\n'
    # podman's json function: compact, HTML not escaped, struct fields in order.
    assert templating.render_template("{{json .}}", [{"b": "<", "a": 1}]) == '{"b":"<","a":1}\n'


def test_template_table_adds_aligned_header() -> None:
    out = templating.render_template("table {{.ID}}\\t{{.Repository}}", ROWS, {"ID": "IMAGE ID"})
    # podman's tabwriter: minimum width 12, padding 2.
    assert out == "IMAGE ID    REPOSITORY\nabc         localhost/x\ndefghi      r\n"


def test_template_table_header_defaults_to_upper_field_name() -> None:
    assert templating.render_template("table {{.Repository}}", []) == "REPOSITORY\n"


def test_template_without_rows_prints_nothing() -> None:
    assert templating.render_template("{{.ID}}", []) == ""


@pytest.mark.parametrize("template", ["{{.Missing}}", "{{.Config.Missing}}", "{{.ID.Deeper}}"])
def test_template_unknown_field_is_an_invalid_argument(template: str) -> None:
    with pytest.raises(InvalidArgument, match="can't evaluate field"):
        templating.render_template(template, ROWS)


def test_table_aligns_as_podman_and_no_trailing_blanks() -> None:
    out = render.table(["A", "LONGER", "C"], [["xxxxxxxxxxxxx", "y", ""], ["1", "2", "3"]])
    assert out == "A              LONGER      C\nxxxxxxxxxxxxx  y\n1              2           3\n"


def test_template_table_header_is_the_template_on_headers() -> None:
    out = templating.render_template("table {{upper .Repository}} {{.CreatedAt}}", [])
    assert out == "REPOSITORY  CREATED AT\n"


def test_a_table_format_s_blanks_are_columns_as_podmans() -> None:
    # podman 4.3.1: `images --format 'table {{.ID}} is {{.Repository}}'` prints three
    # aligned columns (c/common turns a table format's blanks into tabs)
    out = templating.render_template("table {{ .ID }} is {{.Repository}}", ROWS, {"ID": "IMAGE ID"})
    assert out.splitlines()[:2] == [
        "IMAGE ID    is          REPOSITORY",
        "abc         is          localhost/x",
    ]
    # not a table: the blanks stay
    assert templating.render_template("{{.ID}} {{.Repository}}", ROWS).startswith(
        "abc localhost/x\n"
    )


def test_template_error_is_gos_and_positions_are_podmans() -> None:
    with pytest.raises(InvalidArgument) as err:
        templating.render_template(
            "{{.Nope}}", ROWS, name="images", type_name="images.imageReporter"
        )
    assert str(err.value) == (
        'template: images:1:13: executing "images" at <.Nope>: '
        "can't evaluate field Nope in type images.imageReporter"
    )


def test_print_json_is_indented(capsys: pytest.CaptureFixture[str]) -> None:
    render.print_json({"a": [1]})
    assert capsys.readouterr().out == '{\n    "a": [\n        1\n    ]\n}\n'


def test_an_images_config_has_every_field_for_a_template_and_none_empty_in_json() -> None:
    row = templating.typed(
        {"Id": "x", "Config": {"Env": ["A=1"], "Extra": 1}}, templating.IMAGE_TYPE
    )
    fields = "{{.Config.Cmd}}|{{.Config.User}}|{{.Config.Labels}}|{{.Config.ArgsEscaped}}"
    assert templating.render_template(fields, [row]) == "[]||map[]|false\n"
    # Go prints the struct's fields in order, then ours that Go's type lacks
    assert templating.render_template("{{.Config}}", [row]) == (
        "{ map[] [A=1] [] [] map[]  map[]  false 1}\n"
    )
    assert templating.render_template("{{json .Config}}", [row]) == '{"Env":["A=1"],"Extra":1}\n'
    # a container's Config is not an image's: a missing field is still an error there
    with pytest.raises(InvalidArgument, match="can't evaluate field Cmd"):
        templating.render_template("{{.Config.Cmd}}", [{"Config": {"Env": []}}])


def test_a_map_no_one_set_is_nil_map_and_one_set_empty_is_empty() -> None:
    """podman's nil maps (an imported image's Labels, ExposedPorts, Volumes; a container
    on no named network) marshal as null, a map set but empty as {}; both print map[]."""
    row = {"Id": "x", "Config": {}, "Labels": None, "Annotations": {}}
    row = templating.typed(row, templating.IMAGE_TYPE)
    maps = "{{json .Config.Labels}} {{json .Config.ExposedPorts}} {{json .Config.Volumes}}"
    maps += " {{json .Labels}} {{json .Annotations}} {{.Labels}} {{.Annotations}}"
    assert templating.render_template(maps, [row]) == "null null null null {} map[] map[]\n"
    ctr = {"NetworkSettings": {"SandboxKey": ""}}
    nets = "{{json .NetworkSettings.Networks}} {{.NetworkSettings.Networks}}"
    assert templating.render_template(nets, [ctr]) == "null map[]\n"
    assert templating.render_template("{{json .NetworkSettings}}", [ctr]) == '{"SandboxKey":""}\n'


def test_a_health_log_before_any_check_and_no_secrets_are_nil_slices() -> None:
    ctr = {"State": {"Health": {"Status": "", "FailingStreak": 0, "Log": None}}}
    template = "{{.State.Health.Log}} {{len .State.Health.Log}} {{json .State.Health.Log}}"
    assert templating.render_template(template, [ctr]) == "[] 0 null\n"
    config = {"Config": {"Umask": "0022"}}  # podman's omitempty Secrets, left out
    secrets = "{{.Config.Secrets}} {{json .Config.Secrets}}|{{json .Config}}"
    assert templating.render_template(secrets, [config]) == '[] null|{"Umask":"0022"}\n'


def test_noheading_leaves_a_table_s_header_out() -> None:
    # ps, images, volume ls, network ls --noheading with a table format (podman 4.3.1)
    out = templating.render_template("table {{.ID}} {{.Repository}}", ROWS, heading=False)
    assert out == "abc         localhost/x\ndefghi      r\n"  # tabwriter's minimum width


def test_a_template_failing_half_way_carries_what_podman_prints() -> None:
    rows = [{"Names": "a"}, {"Names": "b"}]
    with pytest.raises(templating.TemplateExecError) as caught:
        templating.render_template('{{.Names}}{{if eq .Names "b"}} {{.Nope}}{{end}}', rows)
    assert caught.value.output == "a\nb "
    with pytest.raises(templating.TemplateExecError) as caught:
        templating.render_template("table {{.Names}} {{.Nope}}", rows, {"Names": "NAMES"})
    # the header row (a name that is no field of the rows has no value there, as in
    # podman's header map), then the first row up to its failing cell, unpadded
    assert caught.value.output == "NAMES       <no value>\na"
    assert isinstance(caught.value, InvalidArgument)


def test_fields_podmans_header_map_lacks_head_with_no_value() -> None:
    # images' Id and CreatedAt, pod ps' ID, InfraId, Networks (podman 4.3.1): the
    # rows have them, the header map does not
    rows = [{"Id": "abc", "ID": "abc", "Name": "n"}]
    out = templating.render_template(
        "table {{.Id}} {{.ID}} {{.Name}}", rows, {"Id": "POD ID"}, unheaded=frozenset({"ID"})
    )
    assert [line.split() for line in out.splitlines()] == [
        ["POD", "ID", "<no", "value>", "NAME"],
        ["abc", "abc", "n"],
    ]


def test_a_header_row_error_has_the_rows_column_and_the_commands_words() -> None:
    rows = [{"Labels": {"a": "b"}}]
    with pytest.raises(templating.TemplateExecError) as caught:
        templating.render_template("table {{.Labels.x}}", rows, header_words="failed to write")
    assert str(caught.value) == (
        'failed to write: template: ls:1:20: executing "ls" at <.Labels.x>: '
        "can't evaluate field x in type string"
    )
    # without rows, every name is taken for a field
    assert templating.render_template("table {{.Foo}}", []) == "FOO\n"
