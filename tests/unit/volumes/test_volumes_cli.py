"""``hutch volume ...`` and the mount flags of run/create, against the fake engine."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from hutch.api.container_config import RunOptions, VolumeOptions
from hutch.api.containers import ActionReport
from hutch.api.volumes import (
    VolumeCreateOptions,
    VolumeListOptions,
    VolumeRemoveOptions,
    VolumeSummary,
)
from unit.fakes import FakeEngine, run_cli

Fixtures = tuple[pytest.MonkeyPatch, pytest.CaptureFixture[str]]


@pytest.fixture
def io(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Fixtures:
    return monkeypatch, capsys


def _volume(name: str, users: tuple[str, ...] = ()) -> VolumeSummary:
    return VolumeSummary(
        name, "local", f"/data/volumes/{name}/_data", 0.0, (("k", "v"),), users=users
    )


def test_run_mount_flags_reach_the_engine(io: Fixtures) -> None:
    fake = FakeEngine()
    argv = [
        "run",
        "-v",
        "data:/d",
        "--volume",
        "/srv:/s:ro",
        "--mount",
        "type=tmpfs,dst=/t",
        "--tmpfs",
        "/run:size=1m",
        "--volumes-from",
        "web:ro",
        "base",
    ]
    assert run_cli(argv, fake, *io).code == 0
    options = fake.only_call("containers.run")
    assert isinstance(options, RunOptions)
    assert options.volumes == VolumeOptions(
        ("data:/d", "/srv:/s:ro"), ("type=tmpfs,dst=/t",), ("/run:size=1m",), ("web:ro",)
    )


def test_create_takes_the_same_flags(io: Fixtures) -> None:
    fake = FakeEngine()
    assert run_cli(["create", "-v", "/x", "base"], fake, *io).code == 0
    options = fake.only_call("containers.create")
    assert options.volumes.volumes == ("/x",)


def test_volume_create(io: Fixtures) -> None:
    fake = FakeEngine()
    argv = ["volume", "create", "--opt", "type=tmpfs", "-l", "a=b", "--ignore", "v1"]
    result = run_cli(argv, fake, *io)
    assert result.code == 0 and result.out == "v1\n"
    assert fake.only_call("volumes.create") == VolumeCreateOptions(
        "v1", "local", ("type=tmpfs",), ("a=b",), True
    )


def test_volume_ls_table_quiet_and_format(io: Fixtures) -> None:
    fake = FakeEngine(volume_list=[_volume("v1"), _volume("v2")])
    table = run_cli(["volume", "ls", "--filter", "dangling=true"], fake, *io)
    assert table.out.splitlines() == ["DRIVER      VOLUME NAME", "local       v1", "local       v2"]
    assert fake.calls[0] == ("volumes.ls", VolumeListOptions(("dangling=true",)))
    assert run_cli(["volume", "ls", "-q"], fake, *io).out == "v1\nv2\n"
    for flag in ("-n", "--noheading", "--noheading=true"):  # the table without its heading
        assert run_cli(["volume", "ls", flag], fake, *io).out == "local       v1\nlocal       v2\n"
    out = run_cli(["volume", "ls", "--format", "{{.Name}} {{.Mountpoint}}"], fake, *io).out
    assert out.splitlines()[0] == "v1 /data/volumes/v1/_data"


def test_volume_inspect_json(io: Fixtures) -> None:
    mounted = replace(_volume("v1", ("c" * 64,)), mount_count=1)
    fake = FakeEngine(volume_list=[mounted])
    data = json.loads(run_cli(["volume", "inspect", "v1"], fake, *io).out)
    assert data[0]["Name"] == "v1"
    assert data[0]["Labels"] == {"k": "v"}
    assert data[0]["MountCount"] == 1  # the engine's count of the mounts it holds
    assert data[0]["Scope"] == "local"
    # current podman's keys in its order (4.3.1's, and LockNumber after them)
    assert list(data[0]) == [
        "Name", "Driver", "Mountpoint", "CreatedAt", "Labels", "Scope", "Options",
        "MountCount", "LockNumber",
    ]  # fmt: skip
    fake = FakeEngine(volume_list=[_volume("v1", ("c" * 64,))])
    data = json.loads(run_cli(["volume", "inspect", "v1"], fake, *io).out)
    assert data[0]["MountCount"] == 0  # used by a container, yet not mounted


def test_volume_inspect_template_sees_current_podmans_fields(io: Fixtures) -> None:
    fake = FakeEngine(volume_list=[_volume("v1")])
    fmt = "{{.MountCount}} {{.LockNumber}} {{.Timeout}} [{{.StorageID}}] {{.Status}}"
    out = run_cli(["volume", "inspect", "--format", fmt, "v1"], fake, *io).out
    assert out == "0 0 0 [] map[]\n"


def test_volume_inspect_leaves_out_podmans_omitempty_fields(io: Fixtures) -> None:
    """podman 4.3.1 leaves a zero UID/GID and false Anonymous, NeedsCopyUp and
    NeedsChown out of its JSON; a template still reads them."""
    plain = _volume("v1")
    owned = replace(plain, name="v2", uid=1000, gid=100, anonymous=True, needs_chown=True)
    fake = FakeEngine(volume_list=[plain])
    data = json.loads(run_cli(["volume", "inspect", "v1"], fake, *io).out)[0]
    assert list(data)[-2:] == ["MountCount", "LockNumber"]
    omitted = {"Status", "UID", "GID", "Anonymous", "NeedsCopyUp", "NeedsChown", "Timeout"}
    assert not (omitted | {"StorageID"}) & set(data)
    fmt = "{{.UID}} {{.GID}} {{.Anonymous}} {{.NeedsCopyUp}}|{{json .}}"
    out = run_cli(["volume", "inspect", "--format", fmt, "v1"], fake, *io).out
    fields, _, as_json = out.strip().partition("|")
    assert fields == "0 0 false false" and "UID" not in json.loads(as_json)
    fake = FakeEngine(volume_list=[owned])
    data = json.loads(run_cli(["volume", "ls", "--format", "json"], fake, *io).out)[0]
    assert (data["UID"], data["GID"], data["Anonymous"], data["NeedsChown"]) == (
        1000,
        100,
        True,
        True,
    )
    assert "NeedsCopyUp" not in data


def test_volume_inspect_needs_a_name(io: Fixtures) -> None:
    assert run_cli(["volume", "inspect"], FakeEngine(), *io).code == 125


def test_volume_rm_reports(io: Fixtures) -> None:
    fake = FakeEngine(action_reports=[ActionReport("v1", "v1"), ActionReport("v2", error="busy")])
    result = run_cli(["volume", "rm", "-f", "v1", "v2"], fake, *io)
    assert result.code == 125
    assert result.out == "v1\n"
    assert "busy" in result.err
    assert fake.calls[0] == ("volumes.remove", (("v1", "v2"), VolumeRemoveOptions(True, False)))


def test_volume_exists_exit_codes(io: Fixtures) -> None:
    fake = FakeEngine(volume_list=[_volume("v1")])
    assert run_cli(["volume", "exists", "v1"], fake, *io).code == 0
    assert run_cli(["volume", "exists", "nope"], fake, *io).code == 1


def test_volume_prune_force(io: Fixtures) -> None:
    fake = FakeEngine(volume_list=[_volume("v1")])
    assert run_cli(["volume", "prune", "-f"], fake, *io).out == "v1\n"


def test_volume_export_to_file_and_import(io: Fixtures, tmp_path: Path) -> None:
    fake = FakeEngine(export_bytes=b"TAR")
    target = f"{tmp_path}/out.tar"
    assert run_cli(["volume", "export", "v1", "-o", target], fake, *io).code == 0
    assert Path(target).read_bytes() == b"TAR"
    assert run_cli(["volume", "import", "v1", target], fake, *io).code == 0
    assert fake.calls[-1] == ("volumes.import_", ("v1", b"TAR"))


def test_volume_import_missing_file(io: Fixtures) -> None:
    result = run_cli(["volume", "import", "v1", "/nonexistent.tar"], FakeEngine(), *io)
    assert (result.code, result.err) == (
        125,
        "Error: open /nonexistent.tar: no such file or directory\n",  # podman's (Go's) words
    )


def test_volume_ls_json_indents_two_spaces(io: Fixtures) -> None:
    fake = FakeEngine(volume_list=[VolumeSummary("v1", "local", "/m", 0.0)])
    out = run_cli(["volume", "ls", "--format", "json"], fake, *io).out
    assert out.startswith('[\n  {\n    "Name": "v1",\n')
