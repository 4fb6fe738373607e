"""``hutch artifact`` (and the refused ``machine`` and ``farm``) against a fake engine."""

from __future__ import annotations

import json
import time

import pytest

from hutch.api.artifacts import (
    ArtifactAddOptions,
    ArtifactPullOptions,
    ArtifactPushOptions,
    ArtifactRemoveOptions,
    ArtifactSummary,
)
from hutch.api.errors import NoSuchObject
from hutch.api.images import RegistryAccess
from unit.fakes import FakeEngine, run_cli

DIGEST = "sha256:" + "ab" * 32


def _engine() -> FakeEngine:
    summary = ArtifactSummary(
        "quay.io/x/m:v1", DIGEST, 12_580_000, time.time() - 120, "quay.io/x/m", "v1"
    )
    return FakeEngine(artifact_list=[summary])


def test_add_passes_the_flags_and_prints_the_digest(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    args = ["artifact", "add", "--type", "t/x", "--annotation", "k=v", "--file-type", "a/b",
            "-a", "n", "f1", "f2"]  # fmt: skip
    result = run_cli(args, fake, monkeypatch, capsys)
    assert (result.code, result.out) == (0, "a" * 64 + "\n")
    assert fake.only_call("artifacts.add") == ArtifactAddOptions(
        "n", ("f1", "f2"), "t/x", ("k=v",), "a/b", append=True
    )


def test_ls_prints_podmans_table(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(["artifact", "ls"], _engine(), monkeypatch, capsys)
    header, row = result.out.splitlines()
    assert header.split() == ["REPOSITORY", "TAG", "DIGEST", "CREATED", "SIZE"]
    assert row.split() == ["quay.io/x/m", "v1", "ab" * 6, "2", "minutes", "ago", "12.58MB"]


def test_ls_format_noheading_and_no_trunc(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["artifact", "ls", "--format", "{{.Repository}}:{{.Tag}} {{.Digest}} {{.Size}}"]
    result = run_cli(args, _engine(), monkeypatch, capsys)
    assert result.out == f"quay.io/x/m:v1 {'ab' * 6} 12.58MB\n"
    args = ["artifact", "ls", "-n", "--no-trunc"]
    result = run_cli(args, _engine(), monkeypatch, capsys)
    assert result.out.split()[:3] == ["quay.io/x/m", "v1", "ab" * 32]


def test_inspect_prints_manifest_name_and_digest(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(["artifact", "inspect", "quay.io/x/m:v1"], _engine(), monkeypatch, capsys)
    doc = json.loads(result.out)
    assert list(doc) == ["Manifest", "Name", "Digest"]
    assert (doc["Name"], doc["Digest"]) == ("quay.io/x/m:v1", DIGEST)
    args = ["artifact", "inspect", "-f", "{{.Digest}} {{.TotalSizeBytes}}", "quay.io/x/m:v1"]
    assert run_cli(args, _engine(), monkeypatch, capsys).out == f"{DIGEST} 12580000\n"


def test_an_unknown_artifact_is_exit_125_in_podmans_words(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(error=NoSuchObject("nope: artifact does not exist"))
    result = run_cli(["artifact", "inspect", "nope"], fake, monkeypatch, capsys)
    assert result.code == 125
    assert "Error: nope: artifact does not exist" in result.err


def test_rm_prints_each_deleted_digest(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = _engine()
    result = run_cli(["artifact", "rm", "-a", "-i"], fake, monkeypatch, capsys)
    assert (result.code, result.out) == (0, f"Deleted: {'ab' * 32}\n")
    assert fake.only_call("artifacts.remove") == ArtifactRemoveOptions((), all=True, ignore=True)


def test_push_takes_the_registry_flags_and_writes_the_digestfile(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    fake = FakeEngine()
    digestfile = f"{tmp_path}/digest"
    args = ["artifact", "push", "--tls-verify=false", "--creds", "u:p", "-q",
            "--digestfile", digestfile, "localhost:5000/a:1"]  # fmt: skip
    assert run_cli(args, fake, monkeypatch, capsys).code == 0
    assert fake.only_call("artifacts.push") == ArtifactPushOptions(
        "localhost:5000/a:1", RegistryAccess(False, "u:p", None, None), quiet=True
    )
    with open(digestfile) as f:
        assert f.read() == "sha256:" + "a" * 64


def test_pull_and_push_pass_retry_and_retry_delay(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    flags = ["--retry", "5", "--retry-delay", "10s"]
    assert run_cli(["artifact", "pull", *flags, "r/a:1"], fake, monkeypatch, capsys).code == 0
    assert fake.only_call("artifacts.pull") == ArtifactPullOptions(
        "r/a:1", RegistryAccess(), retry=5, retry_delay="10s"
    )
    fake = FakeEngine()
    assert run_cli(["artifact", "push", *flags, "r/a:1"], fake, monkeypatch, capsys).code == 0
    assert fake.only_call("artifacts.push") == ArtifactPushOptions(
        "r/a:1", RegistryAccess(), retry=5, retry_delay="10s"
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["machine", "init", "--cpus", "2"], "natively on this Linux host"),
        (["farm", "ls"], "has no remote mode"),
    ],
)
def test_machine_and_farm_are_refused_with_the_reason(
    args: list[str], words: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    result = run_cli(args, fake, monkeypatch, capsys)
    assert result.code == 125 and words in result.err
    assert fake.calls == []
