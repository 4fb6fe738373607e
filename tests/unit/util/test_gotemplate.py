"""The Go text/template engine: Go's own outputs (the table), data shapes, JSON, tabwriter."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from hutch.util import gotemplate
from hutch.util.gotemplate import (
    Addressed,
    GoTime,
    Struct,
    Template,
    TemplateError,
    align,
    gojson,
)
from unit.util.gotemplate_cases import CASES


def run(text: str, data: Any = None, name: str = "version") -> str:
    try:
        return Template(name, text).execute(data)
    except TemplateError as e:
        return "ERR " + str(e)


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_go_table(text: str, expected: str) -> None:
    got = run(text + "\n")
    assert got.removesuffix("\n") == expected


def test_table_is_large() -> None:
    assert len(CASES) >= 150


def _container() -> Struct:
    state = Struct(
        "define.InspectContainerState",
        {"Status": "running", "Running": True, "Pid": 42, "ExitCode": 0, "Health": None},
    )
    mounts = [
        Struct("define.InspectMount", {"Destination": "/data", "Source": "/v1", "RW": True}),
        Struct("define.InspectMount", {"Destination": "/cfg", "Source": "/v2", "RW": False}),
    ]
    config = Struct(
        "define.InspectContainerConfig",
        {"Labels": {"k": "v", "com.example.x": "y"}, "Env": ["A=1", "B=2"], "StopTimeout": 10},
    )
    return Struct(
        "*define.InspectContainerData",
        {
            "Id": "abc123",
            "Name": "web",
            "State": state,
            "Mounts": mounts,
            "Config": config,
            "Created": GoTime(datetime(2026, 12, 3, 13, 48, 37, 366114, timezone.utc)),
            "Label": lambda key: config["Labels"].get(key, ""),
        },
    )


DATA_CASES = [
    ("{{.Name}}", "web"),
    ("{{.State.Status}}", "running"),
    ("{{if .State.Running}}up{{else}}down{{end}}", "up"),
    ("{{range .Mounts}}{{.Destination}} {{end}}", "/data /cfg "),
    ('{{index .Config.Labels "k"}}', "v"),
    ('{{index .Config.Labels "missing"}}|', "|"),
    ("{{.Config.Labels.k}}", "v"),
    ("{{.Config.Labels.missing}}", "<no value>"),
    ('{{index .Config.Labels "com.example.x"}}', "y"),
    ("{{json .State}}", '{"Status":"running","Running":true,"Pid":42,"ExitCode":0,"Health":null}'),
    ("{{json .Config.Labels}}", '{"com.example.x":"y","k":"v"}'),
    ("{{.Config.Labels}}", "map[com.example.x:y k:v]"),
    ("{{.Config.Env}}", "[A=1 B=2]"),
    ('{{join .Config.Env ","}}', "A=1,B=2"),
    ("{{len .Mounts}}", "2"),
    ("{{(index .Mounts 1).Source}}", "/v2"),
    ("{{range $i, $m := .Mounts}}{{$i}}={{$m.RW}};{{end}}", "0=true;1=false;"),
    ("{{range $k, $v := .Config.Labels}}{{$k}}:{{$v}} {{end}}", "com.example.x:y k:v "),
    ("{{with .State}}{{.Pid}}{{end}}", "42"),
    ("{{.State.Health}}", "<nil>"),
    ("{{if .State.Health}}h{{else}}none{{end}}", "none"),
    ("{{.Created}}", "2026-12-03 13:48:37.366114 +0000 UTC"),
    ("{{json .Created}}", '"2026-12-03T13:48:37.366114Z"'),
    ('{{.Label "k"}}', "v"),
    ("{{.State}}", "{running true 42 0 <nil>}"),
    ('{{printf "%+v" .State}}', "{Status:running Running:true Pid:42 ExitCode:0 Health:<nil>}"),
    ('{{.Id | printf "%.3s"}}', "abc"),
    ("{{$.Name}}{{range .Mounts}}{{$.Name}}{{end}}", "webwebweb"),
    ('{{.State.Pid | printf "%05d"}}', "00042"),
    ('{{eq .State.Status "running" "paused"}}', "true"),
    ("{{.Config.StopTimeout | gt 20}}", "true"),
]


@pytest.mark.parametrize(("text", "expected"), DATA_CASES)
def test_data(text: str, expected: str) -> None:
    assert run(text, _container(), "inspect") == expected


DATA_ERRORS = [
    (
        "{{.Foo}}",
        'template: inspect:1:2: executing "inspect" at <.Foo>: '
        "can't evaluate field Foo in type *define.InspectContainerData",
    ),
    (
        "{{.State.Nope}}",
        'template: inspect:1:8: executing "inspect" at <.State.Nope>: '
        "can't evaluate field Nope in type define.InspectContainerState",
    ),
    (
        "{{.Config.Env.foo}}",
        'template: inspect:1:9: executing "inspect" at <.Config.Env.foo>: '
        "can't evaluate field foo in type []string",
    ),
    (
        "{{.State.Health.Status}}",
        'template: inspect:1:8: executing "inspect" at <.State.Health.Status>: '
        "nil pointer evaluating interface {}.Status",
    ),
    ("{{foo .}}", 'template: inspect:1: function "foo" not defined'),
    ("{{.Name", "template: inspect:1: unclosed action"),
    ("{{range .Mounts}}", "template: inspect:1: unexpected EOF"),
    (
        "{{range .Name}}{{end}}",
        'template: inspect:1:8: executing "inspect" at <.Name>: range can\'t iterate over web',
    ),
]


@pytest.mark.parametrize(("text", "message"), DATA_ERRORS)
def test_data_errors(text: str, message: str) -> None:
    with pytest.raises(TemplateError) as err:
        Template("inspect", text).execute(_container())
    assert str(err.value) == message


def test_error_prints_nothing_partial() -> None:
    # execute() returns the whole text or raises: no half-printed output.
    with pytest.raises(TemplateError):
        Template("t", "{{.Name}} then {{.Bad}}").execute(_container())


def test_user_function() -> None:
    from hutch.util.gotemplate import Func

    t = Template("t", '{{twice "ab"}}', {"twice": Func(lambda s: s * 2, ("string",))})
    assert t.execute(None) == "abab"


def test_gotime_forms() -> None:
    t = GoTime(datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=1), "CET")))
    assert str(t) == "2026-01-02 03:04:05 +0100 CET"
    assert t.rfc3339() == "2026-01-02T03:04:05+01:00"
    assert GoTime(datetime(2026, 1, 2, 3, 4, 5, 500000, timezone.utc)).rfc3339() == (
        "2026-01-02T03:04:05.5Z"
    )


def test_json_indent_and_html_escape() -> None:
    data = {"b": [1, 2.5, None], "a": Struct("T", {"Z": "<&>", "A": {}})}
    assert gojson.dumps(data) == ('{"a":{"Z":"\\u003c\\u0026\\u003e","A":{}},"b":[1,2.5,null]}')
    assert gojson.dumps([], indent=4) == "[]"
    assert gojson.dumps({"k": [1]}, indent=4) == '{\n    "k": [\n        1\n    ]\n}'


def test_tabwriter_min_width_and_padding() -> None:
    # podman: tabwriter.NewWriter(w, 12, 2, 2, ' ', 0)
    text = "REPOSITORY\tTAG\tIMAGE ID\nlocalhost/averyveryverylongname\tlatest\tabc\n"
    assert align(text) == (
        "REPOSITORY                       TAG         IMAGE ID\n"
        "localhost/averyveryverylongname  latest      abc\n"
    )


def test_tabwriter_column_blocks() -> None:
    # A line without a cell in a column ends that column's block (Go's tabwriter).
    assert align("a\tb\nno tabs here\nlongerlonger\tc\n", minwidth=0, padding=1) == (
        "a b\nno tabs here\nlongerlonger c\n"
    )


def test_addressed_prints_its_string_only_where_go_takes_its_address() -> None:
    """A pointer-receiver String (podman's types.IPNet): the template's own print of
    the field uses it; fmt (print, printf, a value inside a struct) shows the fields."""
    ipnet = Addressed("types.IPNet", "10.1.0.0/16", Struct("types.IPNet", {"IP": "10.1.0.0"}))
    data = Struct("s", {"Net": ipnet, "List": [ipnet]})
    out = Template("t", '{{.Net}}|{{print .Net}}|{{printf "%v" .Net}}|{{.List}}|{{json .}}')
    assert out.execute(data) == (
        '10.1.0.0/16|{10.1.0.0}|{10.1.0.0}|[{10.1.0.0}]|{"Net":"10.1.0.0/16","List":["10.1.0.0/16"]}'
    )
    assert Template("t", "{{if .Net}}y{{end}}").execute(data) == "y"


def test_json_omitempty_tags() -> None:
    tags = {"A": "a,omitempty", "B": "b,omitempty", "C": "c"}
    empty = Struct("s", {"A": None, "B": [], "C": ""}, tags)
    assert gojson.dumps(empty) == '{"c":""}'
    full = Struct("s", {"A": 0.5, "B": [1], "C": "x"}, tags)
    assert gojson.dumps(full) == '{"a":0.5,"b":[1],"c":"x"}'


def test_a_nil_slice_is_empty_to_a_template_and_null_to_json() -> None:
    """Go's nil slice ({{.HostConfig.Links}} of podman's inspect): prints [], has len 0,
    ranges over nothing and is false, while json writes null (an empty slice: [])."""
    from hutch.util.gotemplate import NilSlice, Template, gojson

    data = {"Nil": NilSlice(), "Empty": []}
    text = "{{.Nil}} {{len .Nil}} {{range .Nil}}x{{end}}{{if .Nil}}y{{end}}|"
    text += "{{json .Nil}} {{json .Empty}}"
    assert Template("t", text).execute(data) == "[] 0 |null []"
    assert gojson.dumps({"a": NilSlice()}) == '{"a":null}'


def test_a_nil_map_is_empty_to_a_template_and_null_to_json() -> None:
    """Go's nil map (an imported image's Labels): prints map[], has len 0, ranges over
    nothing, is false and a key in it has no value, while json writes null (an empty
    map: {}); a struct's omitempty leaves it out."""
    from hutch.util.gotemplate import NilMap, Struct, Template, gojson

    data = {"Nil": NilMap(), "Empty": {}}
    text = "{{.Nil}} {{len .Nil}} {{range .Nil}}x{{end}}{{if .Nil}}y{{end}}{{.Nil.k}} "
    text += '{{index .Nil "k"}}|{{json .Nil}} {{json .Empty}} {{printf "%v" .Nil}}'
    assert Template("t", text).execute(data) == "map[] 0 <no value> |null {} map[]"
    assert gojson.dumps({"a": NilMap()}, indent=2) == '{\n  "a": null\n}'
    omitted = Struct("s", {"A": NilMap(), "B": 1}, {"A": "A,omitempty"})
    assert gojson.dumps(omitted) == '{"B":1}'


def test_a_failed_execution_keeps_what_it_had_written() -> None:
    template = gotemplate.Template("t", "{{range .}}{{.A}} {{if .B}}{{.Nope}}{{end}}\n{{end}}")
    rows = [gotemplate.Struct("row", {"A": "one", "B": False}),
            gotemplate.Struct("row", {"A": "two", "B": True})]  # fmt: skip
    with pytest.raises(gotemplate.TemplateError) as caught:
        template.execute(rows)
    assert caught.value.partial == "one \ntwo "
    assert "can't evaluate field Nope" in str(caught.value)


def test_an_unended_last_line_ending_in_a_tab_is_not_padded() -> None:
    # tabwriter holds no cell after the tab: "b" is its line's last cell
    assert gotemplate.align("NAME\tX\nb\t", unended=True) == "NAME        X\nb"
    # an ended line keeps the padding before its empty last cell, and so does a last
    # line whose caller prints its newline
    assert gotemplate.align("NAME\tX\nb\t\n") == "NAME        X\nb           \n"
    assert gotemplate.align("NAME\tX\nb\t") == "NAME        X\nb           "
