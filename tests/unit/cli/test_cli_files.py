"""cp, diff, commit, export against the fake engine: parsing and rendering."""

from __future__ import annotations

import json

import pytest

from hutch.api.containers import Change, CommitOptions, CopyOptions
from unit.fakes import FakeEngine, run_cli


def test_cp_flags(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    engine = FakeEngine()
    result = run_cli(
        ["cp", "--no-archive", "--overwrite", "a", "c:/b"], engine, monkeypatch, capsys
    )
    assert result.code == 0
    assert engine.only_call("containers.copy") == CopyOptions(
        "a", "c:/b", archive=False, overwrite=True
    )


def test_cp_defaults(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    engine = FakeEngine()
    run_cli(["container", "cp", "-a", "c:/x", "-"], engine, monkeypatch, capsys)
    assert engine.only_call("containers.copy") == CopyOptions(
        "c:/x", "-", archive=True, overwrite=False
    )


@pytest.mark.parametrize("flag", ["-L", "--follow-link"])
def test_cp_follow_link_is_podmans_default(
    flag: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = FakeEngine()
    assert run_cli(["cp", flag, "c:/link", "/tmp/x"], engine, monkeypatch, capsys).code == 0
    assert engine.only_call("containers.copy") == CopyOptions("c:/link", "/tmp/x")
    assert CopyOptions("a", "b").follow_link


def test_diff_lines_and_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = FakeEngine(changes=[Change("C", "/etc"), Change("A", "/etc/x"), Change("D", "/y")])
    assert run_cli(["diff", "c"], engine, monkeypatch, capsys).out == "C /etc\nA /etc/x\nD /y\n"
    out = run_cli(["diff", "--format", "json", "c"], engine, monkeypatch, capsys).out
    assert json.loads(out) == {"changed": ["/etc"], "added": ["/etc/x"], "deleted": ["/y"]}
    assert out.startswith('{\n     "changed": [\n          "/etc"\n     ],\n     "added"')
    bad = run_cli(["diff", "--format", "{{.Path}}", "c"], engine, monkeypatch, capsys)
    assert bad.code == 125
    assert bad.err == "Error: only supported value for '--format' is 'json'\n"


TOGETHER = "Error: --latest and containers cannot be used together\n"


@pytest.mark.parametrize(
    ("argv", "err"),
    [
        # --latest takes no name at all, before the count (podman 4.3.1 and current)
        (["diff", "-l", "c"], TOGETHER),
        (["diff", "--latest", "c", "i"], TOGETHER),
        (["container", "diff", "-l", "a", "b", "c"], TOGETHER),
        (["diff", "a", "b", "c"], "Error: accepts between 1 and 2 arg(s), received 3\n"),
        (["diff"], 'Error: "hutch diff" requires a name, id, or the "--latest" flag\n'),
        (["container", "diff"],
         'Error: "hutch container diff" requires a name, id, or the "--latest" flag\n'),
    ],
)  # fmt: skip
def test_diff_latest_and_names_in_podmans_order(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str], err: str
) -> None:
    engine = FakeEngine()
    result = run_cli(argv, engine, monkeypatch, capsys)
    assert (result.code, result.err) == (125, err)
    assert engine.calls == []


def test_diff_json_keeps_podmans_key_order(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = FakeEngine(changes=[Change("A", "/n"), Change("D", "/o"), Change("C", "/etc")])
    out = run_cli(["diff", "--format", "json", "c"], engine, monkeypatch, capsys).out
    assert list(json.loads(out)) == ["changed", "added", "deleted"]


def test_commit_options(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = FakeEngine()
    argv = ["commit", "-q", "-c", "CMD x", "--change", "ENV a=b", "-m", "msg", "-a", "me"]
    result = run_cli([*argv, "--no-pause", "-f", "docker", "c", "img"], engine, monkeypatch, capsys)
    assert result.out == "c" * 64 + "\n"
    assert engine.only_call("containers.commit") == CommitOptions(
        "c", "img", ("CMD x", "ENV a=b"), "msg", "me", False, "docker", False, None
    )


def test_export_to_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    from pathlib import Path

    out = Path(str(tmp_path)) / "x.tar"
    engine = FakeEngine(export_bytes=b"TARDATA")
    assert run_cli(["export", "-o", str(out), "c"], engine, monkeypatch, capsys).code == 0
    assert out.read_bytes() == b"TARDATA"
