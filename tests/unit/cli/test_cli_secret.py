"""``hutch secret``: what each verb reads, asks the engine and prints, in podman's words."""

from __future__ import annotations

import dataclasses
import io
import json
import time
from pathlib import Path

import pytest

from hutch.api.secrets import SecretCreateOptions, SecretInfo
from unit.fakes import FakeEngine, run_cli

Mp = pytest.MonkeyPatch
Cap = pytest.CaptureFixture[str]

NOW = time.time()
DB = SecretInfo(
    "3f1a4c0e2b9d8f7a6c5e4d3b2", "db", "file", NOW - 120, NOW - 60,
    (("path", "/s/filedriver"),), (("env", "prod"),), b"hunter2",
)  # fmt: skip
TLS = SecretInfo("9" * 25, "tls", "file", NOW - 7200, NOW - 7200)


class _Pipe(io.TextIOWrapper):
    def isatty(self) -> bool:
        return False


def test_create_reads_a_file_stdin_or_a_variable(
    tmp_path: Path, monkeypatch: Mp, capsys: Cap
) -> None:
    data = tmp_path / "pw"
    data.write_bytes(b"from-file")
    fake = FakeEngine()
    result = run_cli(["secret", "create", "-l", "a=b", "--driver-opts", "path=/d", "db", str(data)],
                     fake, monkeypatch, capsys)  # fmt: skip
    assert (result.code, result.out) == (0, "5" * 25 + "\n")
    assert fake.only_call("secrets.create") == SecretCreateOptions(
        "db", b"from-file", driver_options=("path=/d",), labels=("a=b",)
    )
    fake = FakeEngine()
    monkeypatch.setattr("sys.stdin", _Pipe(io.BytesIO(b"from\x00stdin")))
    run_cli(["secret", "create", "--replace", "db", "-"], fake, monkeypatch, capsys)
    assert fake.only_call("secrets.create") == SecretCreateOptions(
        "db", b"from\x00stdin", replace=True
    )
    fake = FakeEngine()
    monkeypatch.setenv("TOKEN", "s3cr3t")
    run_cli(["secret", "create", "--env", "--ignore", "tok", "TOKEN"], fake, monkeypatch, capsys)
    assert fake.only_call("secrets.create") == SecretCreateOptions("tok", b"s3cr3t", ignore=True)


def test_create_of_a_directory_hands_on_no_data(
    tmp_path: Path, monkeypatch: Mp, capsys: Cap
) -> None:
    """podman reads nothing from a directory: its size check refuses the empty data."""
    fake = FakeEngine()
    run_cli(["secret", "create", "db", str(tmp_path)], fake, monkeypatch, capsys)
    assert fake.only_call("secrets.create") == SecretCreateOptions("db", b"")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--env", "x", "UNSET_VARIABLE_X"],
         "cannot create store secret data: environment variable UNSET_VARIABLE_X is not set"),
        (["x", "/nonexistent/file"], "open /nonexistent/file: no such file or directory"),
    ],
)  # fmt: skip
def test_create_refuses_what_it_cannot_read(
    argv: list[str], message: str, monkeypatch: Mp, capsys: Cap
) -> None:
    fake = FakeEngine()
    result = run_cli(["secret", "create", *argv], fake, monkeypatch, capsys)
    assert (result.code, result.err) == (125, f"Error: {message}\n")
    assert fake.calls == []


def test_ls_prints_podmans_table(monkeypatch: Mp, capsys: Cap) -> None:
    # Ages from now, not from the module's import: the whole suite takes over 30 s,
    # which turns DB's "2 minutes ago" into "3 minutes".
    now = time.time()
    db = dataclasses.replace(DB, created=now - 120, updated=now - 60)
    fake = FakeEngine(secret_list=[db, TLS])
    out = run_cli(["secret", "ls"], fake, monkeypatch, capsys).out.splitlines()
    assert out[0].split() == ["ID", "NAME", "DRIVER", "CREATED", "UPDATED"]
    assert out[1].split() == [db.id, "db", "file", "2", "minutes", "ago", "About", "a", "minute",
                              "ago"]  # fmt: skip
    assert out[2].split()[:5] == [TLS.id, "tls", "file", "2", "hours"]
    result = run_cli(["secret", "ls", "--noheading"], fake, monkeypatch, capsys)
    assert result.out.splitlines() == out[1:]
    result = run_cli(["secret", "list", "-q", "--filter", "name=d"], fake, monkeypatch, capsys)
    assert result.out == f"{DB.id}\n{TLS.id}\n"
    assert fake.calls[-1] == ("secrets.ls", ("name=d",))
    result = run_cli(
        ["secret", "ls", "--format", "{{.Name}} {{.Driver}}"], fake, monkeypatch, capsys
    )
    assert result.out == "db file\ntls file\n"
    result = run_cli(["secret", "ls", "--format", "table {{.Name}}"], fake, monkeypatch, capsys)
    assert result.out == "NAME\ndb\ntls\n"


def test_inspect_prints_podmans_json_then_the_missing(monkeypatch: Mp, capsys: Cap) -> None:
    fake = FakeEngine(secret_list=[DB])
    result = run_cli(["secret", "inspect", "db", "nope", "gone"], fake, monkeypatch, capsys)
    (found,) = json.loads(result.out)
    assert list(found) == ["ID", "CreatedAt", "UpdatedAt", "Spec"]
    assert found["Spec"] == {
        "Name": "db",
        "Driver": {"Name": "file", "Options": {"path": "/s/filedriver"}},
        "Labels": {"env": "prod"},
    }
    assert result.code == 125
    assert result.err == (
        'error inspecting secret: no secret with name or id "gone": no such secret\n'
        'Error: inspecting secret: no secret with name or id "nope": no such secret\n'
    )
    result = run_cli(["secret", "inspect", "--showsecret", "-f", "{{.Spec.Name}}={{.SecretData}}",
                      "db"], fake, monkeypatch, capsys)  # fmt: skip
    assert (result.code, result.out) == (0, "db=hunter2\n")
    result = run_cli(["secret", "inspect", "--pretty", "db"], fake, monkeypatch, capsys)
    assert result.out.splitlines()[:5] == [
        f"ID:              {DB.id}", "Name:            db", "Labels:", " - env=prod",
        "Driver:          file",
    ]  # fmt: skip
    assert "SecretData" not in result.out


def test_rm_and_exists(monkeypatch: Mp, capsys: Cap) -> None:
    fake = FakeEngine(secret_list=[DB])
    run_cli(["secret", "rm", "-i", "db", "x"], fake, monkeypatch, capsys)
    assert fake.only_call("secrets.remove") == (("db", "x"), False, True)
    fake = FakeEngine()
    run_cli(["secret", "rm", "--all"], fake, monkeypatch, capsys)
    assert fake.only_call("secrets.remove") == ((), True, False)
    for argv in (["secret", "rm"], ["secret", "rm", "-a", "db"]):
        assert run_cli(argv, FakeEngine(), monkeypatch, capsys).code == 125
    fake = FakeEngine(secret_list=[DB])
    assert run_cli(["secret", "exists", "db"], fake, monkeypatch, capsys).code == 0
    assert run_cli(["secret", "exists", "nope"], fake, monkeypatch, capsys).code == 1


def test_run_takes_secret_flags(monkeypatch: Mp, capsys: Cap) -> None:
    fake = FakeEngine()
    argv = ["run", "-d", "--secret", "db", "--secret", "db,type=env,target=PW", "img"]
    run_cli(argv, fake, monkeypatch, capsys)
    options = fake.only_call("containers.run")
    assert options.secrets == ("db", "db,type=env,target=PW")


def test_noheading_aligns_the_columns_on_the_data_alone(monkeypatch: Mp, capsys: Cap) -> None:
    # the header row is left out before alignment (podman's tabwriter never sees it):
    # a header wider than the data does not widen its column
    fake = FakeEngine(secret_list=[DB, TLS])
    fmt = "table {{.Name}}{{.Driver}}{{.Name}}\t{{.Driver}}"
    result = run_cli(["secret", "ls", "--noheading", "--format", fmt], fake, monkeypatch, capsys)
    assert result.out == "dbfiledb    file\ntlsfiletls  file\n"
    result = run_cli(["secret", "ls", "--format", fmt], fake, monkeypatch, capsys)
    assert result.out.splitlines()[1] == "dbfiledb        file"
