"""fields_read: which top-level fields a template reads of its data (inspect -f builds
a container's whole report only for a template that may read more than its state)."""

from __future__ import annotations

import pytest

from hutch.cli import templating
from hutch.util.gotemplate import Template, fields_read

WHOLE = None

CASES = [
    ("{{.State.Status}}", {"State"}),
    ("{{.State.Pid}} {{.Name}} {{.ID}}", {"State", "Name", "ID"}),
    ("plain text", set()),
    ("{{json .State}}", {"State"}),
    ('{{printf "%s-%d" .Name .RestartCount}}', {"Name", "RestartCount"}),
    ('{{.Config.Env | join ","}}', {"Config"}),
    ("{{if .State.Running}}up{{else}}{{.State.ExitCode}}{{end}}", {"State"}),
    ('{{if eq .State.Status "running"}}{{.HostConfig.Memory}}{{end}}', {"State", "HostConfig"}),
    # a with or range body reads its own dot (what the pipeline chose); else the outer
    ("{{with .State.Health}}{{.Status}}{{end}}", {"State"}),
    ("{{with .State}}{{.Status}}{{else}}{{.Mounts}}{{end}}", {"State", "Mounts"}),
    ("{{range .State.Health.Log}}{{.Output}}{{end}}", {"State"}),
    ("{{range $i, $e := .Mounts}}{{$e.Source}}{{end}}", {"Mounts"}),
    ("{{$s := .State}}{{$s.Status}}", {"State"}),
    ("{{(.State).Status}}", {"State"}),
    ("{{len .Args}}", {"Args"}),
    # the whole value: a bare dot at the data's own level, the root variable, a call
    ("{{json .}}", WHOLE),
    ("{{.}}", WHOLE),
    ("{{$x := .}}{{$x.State.Status}}", WHOLE),
    ("{{with .State}}{{$.Name}}{{end}}", WHOLE),
    ("{{range .Mounts}}{{$}}{{end}}", WHOLE),
    ('{{define "t"}}{{.Name}}{{end}}{{template "t" .}}', WHOLE),
    ("{{if .State.Running}}{{.}}{{end}}", WHOLE),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_fields_read(text: str, expected: set[str] | None) -> None:
    read = fields_read(Template("t", text))
    assert read == (None if expected is None else frozenset(expected))


def test_the_dot_inside_a_body_is_not_the_data_s() -> None:
    # ``.`` inside with/range is the chosen value (counted as its pipeline's field)
    assert fields_read(Template("t", "{{with .State}}{{json .}}{{end}}")) == {"State"}
    assert fields_read(Template("t", "{{range .Mounts}}{{.}}{{else}}{{.Name}}{{end}}")) == {
        "Mounts",
        "Name",
    }


def test_a_format_as_the_cli_renders_it() -> None:
    # render's normalisation first (table, escapes); a format that ranges over the rows
    # itself, or does not parse, names no set (rendering it reads or says the rest)
    assert templating.fields_read("table {{.State.Status}}\\t{{.Name}}") == {"State", "Name"}
    assert templating.fields_read("{{range .}}{{.Name}}{{end}}") is None
    assert templating.fields_read("{{.State.Status") is None
