"""inspect of names partly missing, as podman 4.3.1 prints it (outputs taken from
``podman volume inspect`` / ``network inspect`` with the same names)."""

from __future__ import annotations

from typing import Any

import pytest

from hutch.api.errors import HutchError, NoSuchObject
from hutch.cli import inspecting, render

STORE = {"v1": {"Name": "v1"}}


def _fetch(name: str) -> list[dict[str, Any]]:
    if name not in STORE:
        raise NoSuchObject(f'no volume with name "{name}" found: no such volume')
    return [STORE[name]]


def _run(names: list[str], fmt: str | None) -> HutchError | None:
    rows, errors = inspecting.collect(names, _fetch, inspecting.no_such_volume)
    try:
        inspecting.report(rows, errors, fmt)
    except HutchError as e:
        return e
    return None


def test_found_ones_are_printed_then_the_first_missing_is_the_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    error = _run(["nosuch", "v1", "nosuch2"], None)
    out, err = capsys.readouterr()
    assert out == '[\n     {\n          "Name": "v1"\n     }\n]\n'  # podman's five spaces
    assert err == "error inspecting object: no such volume nosuch2\n"
    assert error is not None and error.exit_code == 125
    assert str(error) == "inspecting object: no such volume nosuch"


def test_nothing_found_prints_an_empty_list_but_a_template_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _run(["nosuch"], "json") is not None
    assert capsys.readouterr().out == "[]\n"
    assert _run(["nosuch"], "{{.Name}}") is not None
    assert capsys.readouterr().out == ""
    assert _run(["v1", "nosuch"], "{{.Name}}") is not None
    assert capsys.readouterr().out == "v1\n"


def test_a_template_error_comes_first(capsys: pytest.CaptureFixture[str]) -> None:
    error = _run(["v1", "nosuch"], "{{.Nope}}")
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "error inspecting object: no such volume nosuch\n"
    assert str(error).startswith("inspecting object: printing inspect output: template: inspect:")


def test_podmans_words_per_kind() -> None:
    msg = "unable to find network with name or ID n: network not found"
    assert inspecting.no_such_network("n", msg) == f"network n: {msg}"
    assert inspecting.no_such_container("c", "x") == "no such container c"
    assert inspecting.no_such_pod("p", "x") == "no such pod p"
    assert inspecting.no_such_image("i", "i: image not known") == "i: image not known"


def test_inspect_json_leaves_html_characters_as_they_are(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """podman's inspect turns json.Encoder's HTML escaping off (a check's ``&&``);
    the listings' MarshalIndent keeps it."""
    inspecting.print_inspect_json([{"Test": "a && b <c>"}])
    assert capsys.readouterr().out == '[\n     {\n          "Test": "a && b <c>"\n     }\n]\n'
    render.print_json([{"Test": "a && b"}], indent=2)
    assert capsys.readouterr().out == '[\n  {\n    "Test": "a \\u0026\\u0026 b"\n  }\n]\n'
    render.print_json([{"a": 1, "b": [2]}], indent=None)  # history's one line
    assert capsys.readouterr().out == '[{"a":1,"b":[2]}]\n'
