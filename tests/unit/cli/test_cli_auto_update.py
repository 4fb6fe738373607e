"""``hutch auto-update`` against the fake engine: options, podman's output and errors."""

from __future__ import annotations

import json

import pytest

from hutch.api.system import AutoUpdateOptions, AutoUpdateReport, AutoUpdateResult
from hutch.cli.run import unit_labels
from unit.fakes import FakeEngine, run_cli

CID = "0123456789ab" + "c" * 52
REPORTS = (
    AutoUpdateReport("web.service", CID, "systemd-web", "localhost/web:latest", "local", "true"),
    AutoUpdateReport("db.service", "d" * 64, "systemd-db", "quay.io/x/db:1", "registry", "false"),
)


def test_options_reach_the_engine(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    argv = ["auto-update", "--dry-run", "--rollback=false", "--authfile", "/a.json",
            "--tls-verify=false"]  # fmt: skip
    assert run_cli(argv, fake, monkeypatch, capsys).code == 0
    assert fake.only_call("system.auto_update") == AutoUpdateOptions(
        dry_run=True, rollback=False, authfile="/a.json", tls_verify=False
    )
    run_cli(["auto-update"], fake := FakeEngine(), monkeypatch, capsys)
    assert fake.only_call("system.auto_update") == AutoUpdateOptions()


def test_the_default_table(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(auto_update_result=AutoUpdateResult(REPORTS))
    result = run_cli(["auto-update"], fake, monkeypatch, capsys)
    assert result.out.splitlines() == [
        # podman's tabwriter: columns of 12 at least
        "UNIT         CONTAINER                   IMAGE                 POLICY      UPDATED",
        "web.service  0123456789ab (systemd-web)  localhost/web:latest  local       true",
        "db.service   dddddddddddd (systemd-db)   quay.io/x/db:1        registry    false",
    ]


def test_nothing_to_update_prints_the_header(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(["auto-update"], FakeEngine(), monkeypatch, capsys)
    assert (result.code, result.out) == (
        0,
        "UNIT        CONTAINER   IMAGE       POLICY      UPDATED\n",
    )


def test_json_has_podmans_fields(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(auto_update_result=AutoUpdateResult(REPORTS[:1]))
    out = run_cli(["auto-update", "--format", "json"], fake, monkeypatch, capsys).out
    assert json.loads(out) == [
        {
            "Unit": "web.service",
            "Container": "0123456789ab (systemd-web)",
            "ContainerName": "systemd-web",
            "ContainerID": CID,
            "Image": "localhost/web:latest",
            "Policy": "local",
            "Updated": "true",
        }
    ]
    assert out.startswith('[\n    {\n        "Unit"')
    empty = run_cli(["auto-update", "--format", "json"], FakeEngine(), monkeypatch, capsys)
    assert empty.out == "[]\n"


def test_a_template(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    fake = FakeEngine(auto_update_result=AutoUpdateResult(REPORTS))
    template = "{{.Unit}},{{.ContainerName}},{{.ContainerID}},{{.Updated}}"
    out = run_cli(["auto-update", "--format", template], fake, monkeypatch, capsys).out
    assert out == f"web.service,systemd-web,{CID},true\ndb.service,systemd-db,{'d' * 64},false\n"
    table = run_cli(["auto-update", "--format", "table {{.Unit}} {{.Updated}}"], fake,
                    monkeypatch, capsys).out  # fmt: skip
    assert table.splitlines()[0] == "UNIT         UPDATED"  # aligned, as podman's
    bad = run_cli(["auto-update", "--format", "{{.Nope}}"], fake, monkeypatch, capsys)
    assert bad.code == 125 and "can't evaluate field Nope" in bad.err


def test_errors_follow_the_reports_and_exit_125(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(auto_update_result=AutoUpdateResult(REPORTS[:1], ("one failed",)))
    result = run_cli(["auto-update"], fake, monkeypatch, capsys)
    assert result.code == 125 and "web.service" in result.out
    assert result.err == "Error: one failed\n"
    fake = FakeEngine(auto_update_result=AutoUpdateResult((), ("a", "b")))
    result = run_cli(["auto-update"], fake, monkeypatch, capsys)
    assert result.err == "Error: 2 errors occurred:\n\t* a\n\t* b\n"


def test_create_keeps_the_unit_it_runs_in_as_a_label() -> None:
    assert unit_labels(("a=1",), {}) == ("a=1",)
    env = {"PODMAN_SYSTEMD_UNIT": "web.service"}
    assert unit_labels(("a=1",), env) == ("a=1", "PODMAN_SYSTEMD_UNIT=web.service")


def test_run_adds_the_unit_label(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PODMAN_SYSTEMD_UNIT", "web.service")
    for verb in ("run", "create"):
        fake = FakeEngine()
        result = run_cli([verb, "--label", "x=y", "base"], fake, monkeypatch, capsys)
        assert result.code == 0, result.err
        options = fake.only_call(f"containers.{verb}")
        assert options.labels == ("x=y", "PODMAN_SYSTEMD_UNIT=web.service")
