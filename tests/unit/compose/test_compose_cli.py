"""``hutch compose config`` in-process: listings, formats, escaping, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from unit.fakes import FakeEngine, run_cli

COMPOSE = """\
services:
  web:
    image: busybox
    command: echo $$HOME ${GREETING:-hi}
    volumes: [data:/data]
  tool:
    build: ./tool
    profiles: [ops]
volumes:
  data: {}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GREETING", raising=False)
    monkeypatch.delenv("COMPOSE_FILE", raising=False)
    monkeypatch.delenv("COMPOSE_PROFILES", raising=False)
    monkeypatch.delenv("COMPOSE_PROJECT_NAME", raising=False)
    return tmp_path


def compose(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    result = run_cli(["compose", *args], FakeEngine(), monkeypatch, capsys)
    return result.code, result.out, result.err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["config", "--services"], "web\n"),
        (["--profile", "ops", "config", "--services"], "tool\nweb\n"),
        (["config", "--volumes"], "data\n"),
        (["config", "--profiles"], "ops\n"),
        (["-p", "demo", "--profile", "ops", "config", "--images"], "demo-tool\nbusybox\n"),
        (["config", "-q"], ""),
    ],
)
def test_listings(
    project: Path,
    args: list[str],
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert compose(args, monkeypatch, capsys) == (0, expected, "")


def test_json_and_escaping(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = compose(["config", "--format", "json"], monkeypatch, capsys)
    model = json.loads(out)
    assert code == 0
    assert model["name"] == re.sub(r"[^a-z0-9_-]", "", project.name.lower())
    assert model["services"]["web"]["command"] == ["echo", "$$HOME", "hi"]
    assert model["volumes"]["data"]["name"].endswith("_data")


def test_no_interpolate_and_yaml(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = compose(["config", "--no-interpolate", "web"], monkeypatch, capsys)
    assert code == 0
    assert "- ${GREETING:-hi}" in out
    assert "tool" not in out


def test_errors_exit_125_with_one_line(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "compose.yaml").write_text("services:\n  web:\n    image: x\n    bogus: 1\n")
    code, out, err = compose(["config"], monkeypatch, capsys)
    assert (code, out) == (125, "")
    assert err == (
        f"Error: {project}/compose.yaml:4: services.web.bogus: "
        "additional property 'bogus' is not allowed\n"
    )
    code, _, err = compose(["config", "--format", "toml"], monkeypatch, capsys)
    assert code == 125
    assert "unsupported --format" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["up", "--wait", "--attach", "web"], "--wait cannot be combined"),
        (["up", "--wait", "--abort-on-container-exit"], "--wait cannot be combined"),
        (["up", "--wait", "--wait-timeout", "-1"], "invalid --wait-timeout"),
        (["up", "--no-attach", "nosuch"], "no such service: nosuch"),
        (["up", "--exit-code-from", "nosuch"], "no such service: nosuch"),
        (["up", "--always-recreate-deps", "--no-recreate"], "cannot be combined"),
        (
            ["up", "--abort-on-container-exit", "--abort-on-container-failure"],
            "cannot be combined",
        ),
        (["up", "-d", "--abort-on-container-failure"], "cannot be combined with --detach"),
        (["up", "--wait", "--attach-dependencies"], "--wait cannot be combined"),
    ],
)
def test_up_flags_refused_before_anything_is_made(
    args: list[str],
    message: str,
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake = FakeEngine()
    result = run_cli(["compose", *args], fake, monkeypatch, capsys)
    assert result.code == 125
    assert message in result.err
    assert not [c for c, _ in fake.calls if c.endswith((".create", ".start"))]
