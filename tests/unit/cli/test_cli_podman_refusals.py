"""podman's flags of the commands hutch refuses (checkpoint, restore, image sign,
manifest push's signing) are accepted, so that a podman user's command line meets
the refusal with its reason, not an unknown option; ``system renumber`` is a
no-op (issue 15)."""

from __future__ import annotations

import pytest

from unit.fakes import FakeEngine, run_cli

CRIU = "requires root\nHint: hutch is rootless: checkpoint and restore need CRIU"


@pytest.mark.parametrize(
    "argv",
    [
        ["--all"],
        ["-a", "-c", "gzip", "--create-image", "img", "-e", "/tmp/x.tar.gz", "--file-locks"],
        ["--ignore-rootfs", "--ignore-volumes", "-k", "-R", "-P", "--print-stats", "ctr"],
        ["--tcp-established", "--tcp-skip-in-flight", "--with-previous", "-l"],
        ["--export=/tmp/x.tar.gz", "--compress=zstd", "a", "b"],
    ],
)
def test_checkpoint_takes_podmans_flags_then_refuses(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    result = run_cli(["container", "checkpoint", *argv], fake, monkeypatch, capsys)
    assert result.code == 125
    assert result.err.startswith(f"Error: checkpointing a container {CRIU}"), result.err
    assert fake.calls == []


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--all", "--file-locks", "--ignore-rootfs", "--ignore-static-ip"],
        ["--ignore-static-mac", "--ignore-volumes", "-i", "/tmp/x.tar.gz", "-n", "new"],
        ["--import-previous", "/tmp/p.tar.gz", "-k", "--pod", "p", "--print-stats"],
        ["-p", "8080:80", "-p", "9090:90", "--tcp-established", "--tcp-skip-in-flight", "-l"],
    ],
)
def test_restore_takes_podmans_flags_then_refuses(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(["container", "restore", *argv], FakeEngine(), monkeypatch, capsys)
    assert result.code == 125
    assert result.err.startswith(f"Error: restoring a container {CRIU}"), result.err


def test_checkpoint_of_nothing_says_so_first(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(["container", "checkpoint", "-k"], FakeEngine(), monkeypatch, capsys)
    assert (result.code, result.err) == (125, "Error: you must provide at least one name or id\n")


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["-c", "gzip", "c"], "--compress can only be used with --export"),
        (
            ["-e", "/tmp/x.tar.gz", "-c", "xz", "c"],
            'selected compression algorithm ("xz") not supported. '
            "Please select one from: gzip, none, zstd",
        ),
    ],
)
def test_checkpoint_compress_is_checked_as_podmans(
    argv: list[str], words: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(["container", "checkpoint", *argv], FakeEngine(), monkeypatch, capsys)
    assert (result.code, result.err) == (125, f"Error: {words}\n")


@pytest.mark.parametrize("verb", ["checkpoint", "restore"])
def test_a_flag_podman_lacks_is_still_unknown(
    verb: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(["container", verb, "--bogus", "c"], FakeEngine(), monkeypatch, capsys)
    assert result.code == 125
    assert result.err.startswith("Error: unknown flag: --bogus"), result.err


def test_image_sign_takes_podmans_flags_then_refuses(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["image", "sign", "-a", "--authfile", "/a.json", "--cert-dir", "/c", "-d", "/s"]
    result = run_cli(
        [*argv, "--sign-by", "me@example.com", "img"], FakeEngine(), monkeypatch, capsys
    )
    assert result.code == 125
    assert result.err.startswith("Error: hutch does not sign images\n"), result.err


def test_image_sign_needs_an_image_as_podmans(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(["image", "sign", "--sign-by", "me"], FakeEngine(), monkeypatch, capsys)
    assert (result.code, result.err) == (
        125,
        "Error: requires at least 1 arg(s), only received 0\n",
    )


@pytest.mark.parametrize(
    "flag",
    ["--sign-by", "--sign-by-sigstore", "--sign-by-sigstore-private-key", "--sign-passphrase-file"],
)
def test_manifest_push_refuses_signing_before_pushing(
    flag: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    argv = ["manifest", "push", flag, "x", "localhost/list", "docker://r.example/list"]
    result = run_cli(argv, fake, monkeypatch, capsys)
    assert result.code == 125
    assert result.err.startswith(f"Error: {flag}: signing is not supported"), result.err
    assert fake.calls == []  # nothing pushed unsigned


def test_system_renumber_is_a_quiet_success(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    result = run_cli(["system", "renumber"], fake, monkeypatch, capsys)
    assert (result.code, result.out, result.err, fake.calls) == (0, "", "", [])


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["ls", "--format", "json"],
        ["add", "--identity", "/k", "--default", "srv", "ssh://core@srv/run/podman.sock"],
        ["default", "srv"],
        ["rm", "--all"],
    ],
    ids=lambda argv: " ".join(argv) or "none",
)
def test_system_connection_is_refused_with_the_reason(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # podman's subcommands and their flags meet the reason, not an unknown option
    fake = FakeEngine()
    result = run_cli(["system", "connection", *argv], fake, monkeypatch, capsys)
    assert (result.code, result.out, fake.calls) == (125, "", [])
    assert result.err.startswith(
        "Error: system connection is not supported: hutch is daemonless and has no remote mode"
    ), result.err
