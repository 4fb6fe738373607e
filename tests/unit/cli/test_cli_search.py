"""search / image search: podman's table, templates, JSON, filters and words."""

from __future__ import annotations

import json

import pytest

from hutch.api.images import RegistryAccess, SearchOptions, SearchResult
from hutch.cli.search import SearchFilter, parse_filters, row_of
from unit.fakes import FakeEngine, run_cli

REG = "127.0.0.1:5000"
FOUND = [
    SearchResult(f"{REG}/alpha/app", REG),
    SearchResult(f"{REG}/tools/alphabet", REG, "x" * 50, stars=7, official=True),
]
TAGS = [SearchResult(f"{REG}/alpha/app", REG, tag=t) for t in ("2", "1")]


def search(
    argv: list[str],
    results: list[SearchResult],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, str, str, FakeEngine]:
    fake = FakeEngine(search_results=results)
    result = run_cli(["search", *argv], fake, monkeypatch, capsys)
    return result.code, result.out, result.err, fake


def test_default_table_is_podmans(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _, fake = search([f"{REG}/alpha"], FOUND, monkeypatch, capsys)
    assert code == 0
    # podman 4.3.1's tabwriter pads the name column even before an empty description
    assert out == (
        "NAME                           DESCRIPTION\n"
        f"{REG}/alpha/app       \n"
        f"{REG}/tools/alphabet  {'x' * 44}...\n"
    )
    assert fake.only_call("images.search") == SearchOptions(f"{REG}/alpha", limit=0)


def test_nothing_found_prints_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert search(["zzz"], [], monkeypatch, capsys)[:2] == (0, "")


def test_flags_reach_the_engine(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--limit", "3", "--tls-verify=false", "--creds", "u:p", "--cert-dir", "/c", "t"]
    options = search(argv, [], monkeypatch, capsys)[3].only_call("images.search")
    assert options == SearchOptions(
        "t", limit=3, access=RegistryAccess(False, "u:p", None, "/c"), list_tags=False
    )


def test_json_and_template_fields(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = search(["--format", "json", "--no-trunc", "a"], FOUND, monkeypatch, capsys)[1]
    assert json.loads(out)[1] == {
        "Index": REG,
        "Name": f"{REG}/tools/alphabet",
        "Description": "x" * 50,
        "Stars": 7,
        "Official": "[OK]",
        "Automated": "",
        "Tag": "",
    }
    template = "{{.Index}}|{{.Name}}|{{.Stars}}|{{.Official}}|{{.Automated}}|{{.Tag}}"
    out = search(["--format", template, "a"], FOUND, monkeypatch, capsys)[1]
    assert out.splitlines() == [
        f"{REG}|{REG}/alpha/app|0|||",
        f"{REG}|{REG}/tools/alphabet|7|[OK]||",
    ]
    out = search(["--compatible", "a"], FOUND[:1], monkeypatch, capsys)[1]
    assert out.splitlines()[0].split() == ["NAME", "DESCRIPTION", "STARS", "OFFICIAL", "AUTOMATED"]


def test_list_tags_table_and_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _, fake = search(["--list-tags", f"{REG}/alpha/app"], TAGS, monkeypatch, capsys)
    assert code == 0 and fake.only_call("images.search").list_tags
    assert out == f"NAME                      TAG\n{REG}/alpha/app  2\n{REG}/alpha/app  1\n"
    out = search(["--list-tags", "--format", "json", "x"], TAGS, monkeypatch, capsys)[1]
    assert json.loads(out) == [{"Name": f"{REG}/alpha/app", "Tags": ["2", "1"]}]


def test_filters(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    out = search(["-f", "stars=5", "a"], FOUND, monkeypatch, capsys)[1]
    assert [line.split()[0] for line in out.splitlines()[1:]] == [f"{REG}/tools/alphabet"]
    out = search(["--filter", "is-official=false", "a"], FOUND, monkeypatch, capsys)[1]
    assert [line.split()[0] for line in out.splitlines()[1:]] == [f"{REG}/alpha/app"]
    assert parse_filters(["is-automated", "is-official=no"]) == SearchFilter(0, True, True)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-f", "bogus=1", "a"], 'invalid filter type "bogus=1"'),
        (
            ["-f", "stars=x", "a"],
            'incorrect value type for stars filter: strconv.Atoi: parsing "x": invalid syntax',
        ),
        (["-f", "stars", "a"], 'invalid `stars` filter "stars", should be stars=<value>'),
        (["--list-tags", "-f", "stars=1", "a"], "filters are not applicable to list tags result"),
        (["--authfile", "/nonexistent/auth.json", "a"], "stat /nonexistent/auth.json: no such"),
    ],
)
def test_refusals_in_podmans_words(
    argv: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err, fake = search(argv, FOUND, monkeypatch, capsys)
    assert code == 125 and f"Error: {message}" in err and fake.calls == []


def test_description_newlines_become_blanks() -> None:
    assert row_of(SearchResult("r/n", "r", "a\nb"), no_trunc=False)["Description"] == "a b"
