"""``hutch ps --ns`` and ``--external`` against a fake engine: podman 4.3.1's columns,
its Namespaces fields and JSON keys, and its refusals."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from hutch.api.containers import ContainerSummary, ListContainersOptions
from hutch.engine.container_list import namespaces_of
from unit.fakes import FakeEngine, run_cli

NS = (("cgroup", "1"), ("ipc", "2"), ("mnt", "3"), ("net", "4"), ("pid", "5"))
NS += (("user", "6"), ("uts", "7"))
RUNNING = ContainerSummary(
    "c" * 64, "web", "base", "i" * 64, "sleep 9", 0.0, "running", 0, 0.0, 0.0,
    pid=42, namespaces=NS,
)  # fmt: skip
STOPPED = ContainerSummary("d" * 64, "db", "base", "i" * 64, "true", 0.0, "exited", 0, 0.0, 0.0)


def _ps(argv: list[str], mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    fake = FakeEngine(container_list=[RUNNING, STOPPED])
    result = run_cli(["ps", *argv], fake, mp, cap)
    assert result.code == 0, result.err
    options = fake.only_call("containers.ls")
    assert isinstance(options, ListContainersOptions)
    assert options.namespaces is ("--ns" in argv)
    return result.out


def test_ps_ns_prints_podmans_columns(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    header, running, stopped = _ps(["-a", "--ns"], monkeypatch, capsys).splitlines()
    assert header.split() == [
        "CONTAINER", "ID", "NAMES", "PID", "CGROUPNS", "IPC", "MNT", "NET", "PIDNS", "USERNS", "UTS"
    ]  # fmt: skip
    assert running.split() == ["c" * 12, "web", "42", "1", "2", "3", "4", "5", "6", "7"]
    assert stopped.split() == ["d" * 12, "db", "0"]


def test_ps_namespaces_fields_and_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fmt = "{{.Namespaces.NET}}|{{.Namespaces.PIDNS}}|{{.Namespaces.User}}|{{.Namespaces}}"
    out = _ps(["-a", "--ns", "--format", fmt], monkeypatch, capsys)
    # the struct prints in podman's field order: MNT Cgroup IPC NET PIDNS UTS User
    assert out.splitlines() == ["4|5|6|{3 1 2 4 5 7 6}", "|||{      }"]
    running, stopped = json.loads(_ps(["-a", "--ns", "--format", "json"], monkeypatch, capsys))
    assert list(running["Namespaces"].items()) == [
        ("Mnt", "3"), ("Cgroup", "1"), ("Ipc", "2"), ("Net", "4"), ("Pidns", "5"),
        ("Uts", "7"), ("User", "6"),
    ]  # fmt: skip
    assert stopped["Namespaces"] == {}
    assert _ps(["--ns", "--format", "{{json .Namespaces}}"], monkeypatch, capsys).startswith(
        '{"Mnt":"3","Cgroup":"1",'
    )


def test_ps_external_is_accepted_and_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = _ps(["-a"], monkeypatch, capsys)
    assert _ps(["-a", "--external"], monkeypatch, capsys) == plain
    assert _ps(["-a", "--external=false"], monkeypatch, capsys) == plain


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-q", "--ns"], "quiet conflicts with size and namespace"),
        (["-q", "-s"], "quiet conflicts with size and namespace"),
        (["--ns", "-s"], "size and namespace options conflict"),
    ],
)
def test_ps_refuses_podmans_conflicts(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    result = run_cli(["ps", *argv], FakeEngine(), monkeypatch, capsys)
    assert result.code == 125 and message in result.err


def test_namespaces_of_reads_the_inodes_of_a_process(tmp_path: Path) -> None:
    ns = tmp_path / "7" / "ns"
    ns.mkdir(parents=True)
    os.symlink("net:[4026532180]", ns / "net")
    os.symlink("uts:[4026532248]", ns / "uts")
    assert namespaces_of(7, os.fspath(tmp_path)) == (("net", "4026532180"), ("uts", "4026532248"))
    assert namespaces_of(8, os.fspath(tmp_path)) == ()


def test_namespaces_of_this_process() -> None:
    found = dict(namespaces_of(os.getpid()))
    assert set(found) == {"cgroup", "ipc", "mnt", "net", "pid", "user", "uts"}
    assert found["net"] == str(os.stat(f"/proc/{os.getpid()}/ns/net").st_ino)
