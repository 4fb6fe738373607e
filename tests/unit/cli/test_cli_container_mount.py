"""mount / unmount / umount and container mount: podman's checks, listing and JSON."""

from __future__ import annotations

import json

import pytest

from hutch.api.containers import ContainerMount
from hutch.api.errors import NeedsUnshare
from unit.fakes import FakeEngine, run_cli

ID = "3" * 64
MOUNTED = [ContainerMount(ID, ("c1",), "/s/containers/" + ID + "/merged")]


@pytest.mark.parametrize("verb", [["mount"], ["container", "mount"]])
def test_mount_prints_the_mount_points(
    verb: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    result = run_cli([*verb, "--format", "json", "a", "b"], fake, monkeypatch, capsys)
    assert (result.code, result.out) == (0, "/m/a\n/m/b\n")  # --format is for the listing
    assert fake.only_call("containers.mount") == (("a", "b"), False)


@pytest.mark.parametrize(
    ("verb", "words"),
    [(["mount", "c1"], "hutch mount"), (["container", "mount"], "hutch container mount")],
)
def test_the_refusal_outside_unshare_names_the_command_typed(
    verb: list[str],
    words: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """podman's refusal names the command's path: ``podman container mount``."""
    fake = FakeEngine(error=NeedsUnshare("mount"))
    result = run_cli(verb, fake, monkeypatch, capsys)
    assert result.code == 125
    assert result.err == (
        f'Error: cannot run command "{words}" in rootless mode, '
        "must execute `hutch unshare` first\n"
    )


def test_listing_and_json_as_podman(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(container_mounts=MOUNTED)
    out = run_cli(["mount"], fake, monkeypatch, capsys).out
    assert out == f"{ID[:12]}  {MOUNTED[0].mountpoint}\n"
    out = run_cli(["mount", "--no-trunc"], fake, monkeypatch, capsys).out
    assert out.startswith(ID + "  ")
    assert run_cli(["mount", "--notruncate"], fake, monkeypatch, capsys).out == out
    out = run_cli(["mount", "--format", "json"], fake, monkeypatch, capsys).out
    assert out.startswith('[\n {\n  "id": ')  # podman 4.3.1 indents by one blank
    assert json.loads(out) == [{"id": ID, "Names": ["c1"], "mountpoint": MOUNTED[0].mountpoint}]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["mount", "--format", "{{.ID}}"], 'unknown --format argument: "{{.ID}}"'),
        (["mount", "-a", "c1"], "no arguments are needed with --all"),
        (["umount", "-a", "c1"], "no arguments are needed with --all"),
        (["mount", "-l", "c1"], "--latest and containers cannot be used together"),
    ],
)
def test_refusals_in_podmans_words(
    argv: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake = FakeEngine()
    result = run_cli(argv, fake, monkeypatch, capsys)
    assert result.code == 125 and f"Error: {message}" in result.err
    assert fake.calls == []


@pytest.mark.parametrize("verb", [["unmount"], ["umount"], ["container", "umount"]])
def test_unmount_reaches_the_engine(
    verb: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    assert run_cli([*verb, "-f", "c1"], fake, monkeypatch, capsys).code == 0
    assert fake.only_call("containers.unmount") == (("c1",), False, True, False)


def test_unmount_latest_tells_the_engine(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from hutch.cli import target_rules

    monkeypatch.setattr(target_rules, "latest_id", lambda _state: "c9")
    fake = FakeEngine()
    assert run_cli(["umount", "-l"], fake, monkeypatch, capsys).code == 0
    assert fake.only_call("containers.unmount") == (("c9",), False, False, True)
