"""``hutch rmi``, ``image inspect``, ``info`` and ``import`` against a fake engine."""

from __future__ import annotations

import json

import pytest

from hutch.api.images import (
    ImageGraphDriver,
    ImageInspect,
    ImageRootFS,
    ImportOptions,
    ImportReport,
    RemoveImageOptions,
    RemoveReport,
)
from hutch.api.system import HostFact, InfoReport
from unit.fakes import FakeEngine, run_cli

ID = "c" * 64


def test_rmi_untagged_and_deleted_lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(
        remove_reports=[
            RemoveReport("a", untagged=("localhost/a:latest",)),
            RemoveReport("b", untagged=("localhost/b:1", "localhost/b:2"), deleted=(ID,)),
        ]
    )
    result = run_cli(["rmi", "a", "b"], fake, monkeypatch, capsys)
    assert result.code == 0
    assert result.out == (
        "Untagged: localhost/a:latest\n"
        "Untagged: localhost/b:1\n"
        "Untagged: localhost/b:2\n"
        f"Deleted: {ID}\n"
    )
    assert result.err == ""
    assert fake.only_call("images.remove") == (("a", "b"), RemoveImageOptions())


def test_rmi_flags_reach_the_options(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    assert run_cli(["rmi", "-f", "-i", "x"], fake, monkeypatch, capsys).code == 0
    assert fake.only_call("images.remove") == (("x",), RemoveImageOptions(force=True, ignore=True))
    fake = FakeEngine()
    assert run_cli(["image", "rm", "--all"], fake, monkeypatch, capsys).code == 0
    assert fake.only_call("images.remove") == ((), RemoveImageOptions(all=True))


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ((1,), 1),
        ((2,), 2),
        ((1, 2), 2),
        ((2, 1), 2),
        ((1, 1), 1),
        ((125, 1), 125),
    ],
)
def test_rmi_exit_code_from_reports(
    codes: tuple[int, ...],
    expected: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    reports = [RemoveReport("ok", deleted=(ID,))]
    reports += [
        RemoveReport(f"n{i}", error=f"problem {i}", exit_code=c) for i, c in enumerate(codes)
    ]
    fake = FakeEngine(remove_reports=reports)
    result = run_cli(["rmi", "ok", *[r.name for r in reports[1:]]], fake, monkeypatch, capsys)
    assert result.code == expected
    assert result.out == f"Deleted: {ID}\n", "what could be removed is still reported"
    if len(codes) == 1:
        assert result.err == "Error: problem 0\n"
    else:  # podman's multierror: the names it did not find (exit code 1) first
        order = sorted(range(len(codes)), key=lambda i: codes[i] != 1)
        assert result.err.splitlines() == [f"Error: {len(codes)} errors occurred:"] + [
            f"\t* problem {i}" for i in order
        ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["rmi"], "image name or ID must be specified"),
        (
            ["rmi", "-a", "x"],
            "when using the --all switch, you may not pass any images names or IDs",
        ),
    ],
)
def test_rmi_argument_errors(
    argv: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake = FakeEngine()
    result = run_cli(argv, fake, monkeypatch, capsys)
    assert (result.code, result.err) == (125, f"Error: {message}\n")
    assert fake.calls == []


INSPECT = ImageInspect(
    id=ID,
    digest="sha256:" + "d" * 64,
    repo_tags=("localhost/a:latest",),
    repo_digests=(),
    parent="",
    comment="",
    created="2026-01-01T00:00:00Z",
    config={"Env": ["A=1"]},
    version="",
    author="",
    architecture="amd64",
    os="linux",
    size=5,
    virtual_size=5,
    graph_driver=ImageGraphDriver("overlay", {"LowerDir": "/l"}),
    root_fs=ImageRootFS("layers", ("sha256:" + "e" * 64,)),
    labels=None,
    annotations={},
    manifest_type="application/vnd.oci.image.manifest.v1+json",
    user="",
    history=({"created_by": "x"},),
    names_history=("localhost/a:latest",),
)


def test_image_inspect_prints_json_list(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(image_inspects=[INSPECT])
    result = run_cli(["image", "inspect", "a"], fake, monkeypatch, capsys)
    assert result.code == 0
    [shown] = json.loads(result.out)
    assert list(shown) == [  # podman's keys, in its order
        "Id", "Digest", "RepoTags", "RepoDigests", "Parent", "Comment", "Created", "Config",
        "Version", "Author", "Architecture", "Os", "Size", "VirtualSize", "GraphDriver",
        "RootFS", "Labels", "Annotations", "ManifestType", "User", "History", "NamesHistory",
    ]  # fmt: skip
    assert shown["RepoTags"] == ["localhost/a:latest"] and shown["Labels"] is None
    assert shown["GraphDriver"] == {"Name": "overlay", "Data": {"LowerDir": "/l"}}
    assert shown["RootFS"] == {"Type": "layers", "Layers": ["sha256:" + "e" * 64]}
    assert shown["History"] == [{"created_by": "x"}]
    assert fake.only_call("images.inspect") == ("a",)


def test_image_inspect_template(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(image_inspects=[INSPECT])
    result = run_cli(
        ["image", "inspect", "--format", "{{.Id}} {{json .Config.Env}} {{.Labels}}", "a"],
        fake,
        monkeypatch,
        capsys,
    )
    # A nil map prints as Go prints one.
    assert result.out == f'{ID} ["A=1"] map[]\n'


def test_image_inspect_shows_a_docker_images_healthcheck_as_podman(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """JSON's last key "Healthcheck" (podman's omitempty), the template's .HealthCheck
    (podman's Go name; <nil> for an image without one)."""
    import dataclasses

    check = {"Test": ["CMD", "true"], "StartPeriod": 2_000_000_000, "Retries": 4}
    fake = FakeEngine(image_inspects=[dataclasses.replace(INSPECT, health_check=check)])
    [shown] = json.loads(run_cli(["image", "inspect", "a"], fake, monkeypatch, capsys).out)
    assert list(shown)[-2:] == ["NamesHistory", "Healthcheck"]
    assert shown["Healthcheck"] == check
    fmt = "{{.HealthCheck.Test}} {{.HealthCheck.Retries}}|{{json .HealthCheck}}"
    out = run_cli(["image", "inspect", "--format", fmt, "a"], fake, monkeypatch, capsys).out
    assert out == '[CMD true] 4|{"Test":["CMD","true"],"StartPeriod":2000000000,"Retries":4}\n'
    plain = FakeEngine(image_inspects=[INSPECT])
    assert (
        run_cli(["image", "inspect", "-f", "{{.HealthCheck}}", "a"], plain, monkeypatch, capsys).out
        == "<nil>\n"
    )
    assert (
        "Healthcheck"
        not in json.loads(run_cli(["image", "inspect", "a"], plain, monkeypatch, capsys).out)[0]
    )


def test_image_inspect_needs_a_name(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["image", "inspect"], FakeEngine(), monkeypatch, capsys).code == 125


REPORT = InfoReport(
    "9.9.9",
    (
        HostFact("user namespaces", "max 15000", True),
        HostFact("/dev/fuse", "not accessible", False, "as root: chmod 0666 /dev/fuse"),
    ),
)


@pytest.mark.parametrize("argv", [["info"], ["system", "info"]])
def test_info_json(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(info_report=REPORT)
    result = run_cli([*argv, "--format", "json"], fake, monkeypatch, capsys)
    assert result.code == 0
    data = json.loads(result.out)
    # podman's sections (json tags), then hutch's own diagnostics.
    assert data["version"]["Version"] == "9.9.9"
    assert data["diagnostics"] == [
        {"name": "user namespaces", "value": "max 15000", "ok": True, "fix": ""},
        {
            "name": "/dev/fuse",
            "value": "not accessible",
            "ok": False,
            "fix": "as root: chmod 0666 /dev/fuse",
        },
    ]


def test_info_human(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """podman's YAML (here with no host or store part), then hutch's checks as
    comments (the output stays one YAML document)."""
    import yaml

    result = run_cli(["info"], FakeEngine(info_report=REPORT), monkeypatch, capsys)
    podmans, _, ours = result.out.partition("\n\n")
    assert podmans.startswith("plugins:\n  authorization: null\n")
    assert "\nregistries: {}\nversion:\n  APIVersion: 9.9.9" in podmans
    assert ours == (
        "# hutch's checks of this host (--format json: diagnostics)\n"
        "#   user namespaces: max 15000\n"
        "#   /dev/fuse: not accessible  [missing]\n"
        "#     fix: as root: chmod 0666 /dev/fuse\n"
    )
    assert yaml.safe_load(result.out) == yaml.safe_load(podmans)


def test_info_template(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    fake = FakeEngine(info_report=REPORT)
    result = run_cli(["info", "-f", "{{.Version.Version}}"], fake, monkeypatch, capsys)
    assert result.out == "9.9.9\n"


def test_import_prints_the_id(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(import_report=ImportReport(ID, ("localhost/x:latest",)))
    result = run_cli(
        ["import", "-m", "msg", "-c", "ENV A=1", "r.tar", "x"], fake, monkeypatch, capsys
    )
    assert (result.code, result.out) == (0, f"sha256:{ID}\n")
    assert fake.only_call("images.import_") == ImportOptions("r.tar", "x", ("ENV A=1",), "msg")
    fake = FakeEngine(import_report=ImportReport(ID, ()))
    # podman: -q silences progress only, the id is printed the same
    assert (
        run_cli(["image", "import", "-q", "-"], fake, monkeypatch, capsys).out == f"sha256:{ID}\n"
    )
