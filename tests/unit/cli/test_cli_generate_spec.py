"""generate spec: the engine's document printed as podman prints it (fake engine)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unit.fakes import FakeEngine, run_cli

Mp = pytest.MonkeyPatch
Cap = pytest.CaptureFixture[str]
DOC = {"name": "web-clone", "command": ["sleep", "1"], "env": {"A": "1"}}


def test_indented_json_by_default(monkeypatch: Mp, capsys: Cap) -> None:
    engine = FakeEngine(container_specs={"web": DOC})
    result = run_cli(["generate", "spec", "web"], engine, monkeypatch, capsys)
    assert result.code == 0, result.err
    assert json.loads(result.out) == DOC
    assert result.out.startswith('{\n "name": "web-clone",\n')  # Go's one-space indent
    assert engine.calls == [("containers.spec", ("web", True))]


@pytest.mark.parametrize("flag", ["--compact", "-c"])
def test_compact_is_one_line(monkeypatch: Mp, capsys: Cap, flag: str) -> None:
    engine = FakeEngine(container_specs={"web": DOC})
    result = run_cli(["generate", "spec", flag, "web"], engine, monkeypatch, capsys)
    assert result.out == json.dumps(DOC, separators=(",", ":")) + "\n"


@pytest.mark.parametrize(("flags", "new_name"), [((), True), (("--name=false",), False)])
def test_name_asks_for_a_new_one(
    monkeypatch: Mp, capsys: Cap, flags: tuple[str, ...], new_name: bool
) -> None:
    engine = FakeEngine(container_specs={"web": DOC})
    assert run_cli(["generate", "spec", *flags, "web"], engine, monkeypatch, capsys).code == 0
    assert engine.calls == [("containers.spec", ("web", new_name))]


def test_filename_writes_the_file_and_prints_its_path(
    monkeypatch: Mp, capsys: Cap, tmp_path: Path
) -> None:
    engine = FakeEngine(container_specs={"web": DOC})
    target = tmp_path / "spec.json"
    result = run_cli(["generate", "spec", "-f", str(target), "web"], engine, monkeypatch, capsys)
    assert (result.code, result.out) == (0, f"{target}\n")
    assert json.loads(target.read_text()) == DOC
    assert not target.read_text().endswith("\n")  # as podman writes it


def test_a_pod_when_no_container_has_the_name(monkeypatch: Mp, capsys: Cap) -> None:
    engine = FakeEngine(pod_specs={"pod1": {"name": "pod1-clone"}})
    result = run_cli(["generate", "spec", "pod1"], engine, monkeypatch, capsys)
    assert json.loads(result.out) == {"name": "pod1-clone"}
    assert [verb for verb, _ in engine.calls] == ["containers.spec", "pods.spec"]


def test_neither_is_refused_in_podmans_words(monkeypatch: Mp, capsys: Cap) -> None:
    result = run_cli(["generate", "spec", "nosuch"], FakeEngine(), monkeypatch, capsys)
    assert (result.code, result.out) == (125, "")
    assert result.err == "Error: could not find a pod or container with the id nosuch\n"
