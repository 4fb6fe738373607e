"""``hutch manifest`` verbs against a fake engine: flags reach the options, podman's
output (list ids, rm's lines) and exit codes."""

from __future__ import annotations

import pytest

from hutch.api.images import (
    ManifestAddOptions,
    ManifestAnnotateOptions,
    ManifestCreateOptions,
    ManifestPlatform,
    ManifestPushOptions,
    RegistryAccess,
    RemoveReport,
)
from unit.fakes import FakeEngine, run_cli

LIST_ID = "1" * 64


def test_create_prints_the_list_id(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    args = ["manifest", "create", "-a", "--all", "--annotation", "a=b", "l", "one", "two"]
    result = run_cli(args, fake, monkeypatch, capsys)
    assert (result.code, result.out) == (0, LIST_ID + "\n")
    assert fake.only_call("images.manifest_create") == ManifestCreateOptions(
        "l", ("one", "two"), all=True, amend=True, annotations=("a=b",)
    )


def test_add_and_annotate_take_podmans_platform_flags(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    args = [
        "manifest", "add", "--arch", "arm64", "--variant", "v8", "--os", "linux",
        "--os-version", "1", "--os-features", "a,b", "--features", "f",
        "--annotation", "k=v", "--tls-verify=false", "l", "docker://r/x:1",
    ]  # fmt: skip
    assert run_cli(args, fake, monkeypatch, capsys).out == LIST_ID + "\n"
    platform = ManifestPlatform("arm64", "linux", "v8", "1", ("a", "b"), ("f",), ("k=v",))
    assert fake.only_call("images.manifest_add") == ManifestAddOptions(
        "l", "docker://r/x:1", platform=platform, access=RegistryAccess(tls_verify=False)
    )
    fake = FakeEngine()
    args = ["manifest", "annotate", "--arch", "s390x", "l", "sha256:" + "3" * 64]
    assert run_cli(args, fake, monkeypatch, capsys).code == 0
    assert fake.only_call("images.manifest_annotate") == ManifestAnnotateOptions(
        "l", "sha256:" + "3" * 64, ManifestPlatform(arch="s390x")
    )
    result = run_cli(["manifest", "annotate", "l"], FakeEngine(), monkeypatch, capsys)
    assert result.code == 125


def test_push_defaults_to_all_and_takes_all_false(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    assert run_cli(["manifest", "push", "l", "r/x:1"], fake, monkeypatch, capsys).out == ""
    assert fake.only_call("images.manifest_push") == ManifestPushOptions("l", "r/x:1")
    fake = FakeEngine()
    args = ["manifest", "push", "--all=false", "--rm", "-f", "v2s2", "-q", "l"]
    assert run_cli(args, fake, monkeypatch, capsys).code == 0
    assert fake.only_call("images.manifest_push") == ManifestPushOptions(
        "l", None, all=False, rm=True, quiet=True, format="v2s2"
    )


def test_exists_exit_codes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(existing_images=("l",))
    assert run_cli(["manifest", "exists", "l"], fake, monkeypatch, capsys).code == 0
    assert run_cli(["manifest", "exists", "m"], fake, monkeypatch, capsys).code == 1


@pytest.mark.parametrize(("codes", "expected"), [((), 0), ((1,), 1), ((1, 1), 1), ((1, 125), 125)])
def test_rm_prints_untags_then_deletions_then_errors(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    codes: tuple[int, ...],
    expected: int,
) -> None:
    reports = [
        RemoveReport("a", untagged=("localhost/a:latest",), deleted=("a" * 64,)),
        RemoveReport("b", untagged=("localhost/b:1",), deleted=("b" * 64,)),
    ] + [
        RemoveReport(f"x{i}", error=f"x{i}: image not known", exit_code=c)
        for i, c in enumerate(codes)
    ]
    result = run_cli(
        ["manifest", "rm", "a", "b"], FakeEngine(remove_reports=reports), monkeypatch, capsys
    )
    assert result.out == (
        "Untagged: localhost/a:latest\nUntagged: localhost/b:1\n"
        f"Deleted: {'a' * 64}\nDeleted: {'b' * 64}\n"
    )
    assert result.code == expected
    if len(codes) == 1:
        assert result.err == "Error: x0: image not known\n"
    elif codes:
        assert result.err.startswith("Error: 2 errors occurred:\n\t* x0: image not known\n")


@pytest.mark.parametrize(
    ("flags", "want"),
    [
        ([], None),
        (["-v"], None),  # podman's hidden no-op "for Docker compatibility"
        (["--verbose", "--insecure"], False),  # --insecure is --tls-verify=false
        (["--insecure", "--tls-verify"], True),  # unless --tls-verify is given
    ],
)
def test_inspect_takes_podmans_docker_flags(
    flags: list[str],
    want: bool | None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake = FakeEngine()
    result = run_cli(["manifest", "inspect", *flags, "l"], fake, monkeypatch, capsys)
    assert (result.code, result.out) == (0, "{}\n")
    name, access = fake.only_call("images.manifest_inspect")
    assert (name, access.tls_verify) == ("l", want)


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--artifact"], "--artifact"),
        (["--artifact-type", "text/plain"], "--artifact-type"),
        (["--artifact-exclude-titles"], "--artifact-exclude-titles"),
        (["--artifact-subject=img", "--artifact-layer-type", "a/b"], "--artifact-layer-type"),
    ],
)
def test_add_refuses_artifacts_by_name(
    flags: list[str],
    named: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake = FakeEngine()
    result = run_cli(["manifest", "add", *flags, "l", "file.txt"], fake, monkeypatch, capsys)
    assert result.code == 125
    assert result.err == (
        f"Error: {named}: artifact manifests are not supported: hutch adds images to a "
        "manifest list, not files as an OCI artifact\n"
    )
    assert fake.calls == []


def test_add_takes_several_images_one_after_the_other(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    args = ["manifest", "add", "--arch", "arm64", "l", "a", "docker://r/b:1", "c"]
    result = run_cli(args, fake, monkeypatch, capsys)
    assert result.code == 0 and result.out == LIST_ID + "\n"  # the list's id, once
    added = [options for verb, options in fake.calls if verb == "images.manifest_add"]
    assert [(o.list, o.image) for o in added] == [("l", "a"), ("l", "docker://r/b:1"), ("l", "c")]
    assert all(o.platform.arch == "arm64" for o in added)  # each takes the flags
    missing = run_cli(["manifest", "add", "l"], FakeEngine(), monkeypatch, capsys)
    assert (missing.code, missing.err) == (
        125,
        "Error: requires at least 2 arg(s), only received 1\n",
    )
