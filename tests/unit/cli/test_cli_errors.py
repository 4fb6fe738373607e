"""Errors become exit codes in one place (``hutch.cli.exits``), as podman's."""

from __future__ import annotations

import pytest

from hutch.api.errors import (
    CannotInvoke,
    CommandNotFound,
    Conflict,
    HostNotReady,
    HutchError,
    Interrupted,
    InvalidArgument,
    NoSuchObject,
    UnsafeArchive,
)
from unit.fakes import FakeEngine, run_cli


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (HutchError("plain"), 125),
        (InvalidArgument("bad value"), 125),
        (NoSuchObject("no such image"), 125),
        (Conflict("in use"), 125),
        (HostNotReady("no subuids"), 125),
        (UnsafeArchive("escapes"), 125),
        (CannotInvoke("permission denied"), 126),
        (CommandNotFound("not found"), 127),
    ],
)
def test_hutch_errors_map_to_their_exit_codes(
    error: HutchError,
    code: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake = FakeEngine(error=error)
    result = run_cli(["run", "base", "cmd"], fake, monkeypatch, capsys)
    assert result.code == code
    assert result.err == f"Error: {error.message}\n"
    assert result.out == ""


def test_hint_is_printed_on_its_own_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(error=HostNotReady("no ranges", hint="run usermod"))
    result = run_cli(["images"], fake, monkeypatch, capsys)
    assert result.code == 125
    assert result.err == "Error: no ranges\nHint: run usermod\n"


def test_os_error_from_the_engine_is_125(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(error=PermissionError(13, "Permission denied", "/x"))
    result = run_cli(["images"], fake, monkeypatch, capsys)
    assert result.code == 125
    assert result.err.startswith("Error: ") and "Permission denied" in result.err


def test_keyboard_interrupt_is_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(error=KeyboardInterrupt())
    assert run_cli(["images"], fake, monkeypatch, capsys).code == 130


@pytest.mark.parametrize(
    "argv", [["pull", "x"], ["push", "x", "r.example/x"], ["image", "pull", "x"]]
)
def test_interrupted_pull_or_push_is_1_without_a_word(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """podman 4.3.1 (and current podman's shutdown handler) exits 1 on SIGINT."""
    result = run_cli(argv, FakeEngine(error=KeyboardInterrupt()), monkeypatch, capsys)
    assert (result.code, result.err) == (1, "")


@pytest.mark.parametrize(
    "argv", [["run", "x"], ["create", "x"], ["build", "."], ["images"], ["pull", "x"]]
)
def test_an_interrupted_transfer_inside_any_command_is_1_without_a_word(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The engine's Interrupted (a ^C during run's, create's or build's pull) is
    podman's 1 in every command, where a plain ^C of ``images`` stays 130."""
    result = run_cli(argv, FakeEngine(error=Interrupted()), monkeypatch, capsys)
    assert (result.code, result.err) == (1, "")


def test_a_second_interrupt_on_the_way_out_of_a_stopped_transfer_is_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    second = KeyboardInterrupt()
    second.__context__ = Interrupted()  # raised while the first went up (a cleanup's wait)
    result = run_cli(["create", "x"], FakeEngine(error=second), monkeypatch, capsys)
    assert (result.code, result.err) == (1, "")


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--bogus", "base"],
        ["images", "--bogus"],
        ["rmi", "--no-such-flag", "x"],
        ["no-such-verb"],
        ["image", "no-such-verb"],
        ["images", "one-image", "extra-argument"],
    ],
)
def test_usage_errors_are_125_with_one_line(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    result = run_cli(argv, fake, monkeypatch, capsys)
    assert result.code == 125
    assert result.err.startswith("Error: ")
    assert result.err.count("\n") == 1, result.err
    assert result.out == ""
    assert fake.calls == []


def test_unknown_flag_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(["run", "--bogus", "base"], FakeEngine(), monkeypatch, capsys)
    assert "--bogus" in result.err
    assert result.err == "Error: unknown flag: --bogus\n"  # podman's (cobra's) words
    short = run_cli(["images", "-Z"], FakeEngine(), monkeypatch, capsys)
    assert short.err == "Error: unknown shorthand flag: 'Z' in -Z\n"
    for flag in ("--external", "--build"):  # podman 5's system prune flags, not 4.3.1's
        newer = run_cli(["system", "prune", "-f", flag], FakeEngine(), monkeypatch, capsys)
        assert (newer.code, newer.err) == (125, f"Error: unknown flag: {flag}\n")


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["ps", "-a", "--format", "table", "{{.Names}}"], "hutch ps"),
        (["volume", "ls", "x"], "hutch volume ls"),
        (["container", "ls", "x"], "hutch container ls"),
    ],
)
def test_a_command_without_arguments_says_so_as_podman(
    argv: list[str],
    command: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # podman's words ("`podman ps` takes no arguments"), not click's "unexpected extra"
    result = run_cli(argv, FakeEngine(), monkeypatch, capsys)
    assert (result.code, result.err) == (125, f"Error: `{command}` takes no arguments\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        # cobra's argument validators, read from the command's declaration
        (["rename", "a", "b", "c"], "accepts 2 arg(s), received 3"),
        (["rename", "a"], "accepts 2 arg(s), received 1"),
        (["history"], "accepts 1 arg(s), received 0"),
        (["push", "a", "b", "c"], "accepts between 1 and 2 arg(s), received 3"),
        (["commit"], "accepts between 1 and 2 arg(s), received 0"),
        (["volume", "create", "a", "b"], "accepts at most 1 arg(s), received 2"),
        (["tag", "a"], "requires at least 2 arg(s), only received 1"),
        (["run", "--rm"], "requires at least 1 arg(s), only received 0"),
        # the count takes option values as click's parser does (-f takes one)
        (["history", "--format", "x", "a", "b"], "accepts 1 arg(s), received 2"),
        # podman's pull takes several images: its validator, not hutch's declaration
        (["pull"], "requires at least 1 arg(s), only received 0"),
        # podman's own words for none at all
        (["save"], "need at least 1 argument"),
        (["exec"], "exec requires the name or ID of a container or the --latest flag"),
        (
            ["container", "attach", "a", "b"],
            "`hutch container attach` accepts at most one argument",
        ),
        (["pod", "logs", "a", "b"], "requires exactly 1 arg"),
        # pflag's words for flag values
        (["ps", "--filter"], "flag needs an argument: --filter"),
        (["ps", "-f"], "flag needs an argument: 'f' in -f"),
        (
            ["ps", "--last", "abc"],
            'invalid argument "abc" for "-n, --last" flag: '
            'strconv.ParseInt: parsing "abc": invalid syntax',
        ),
        (
            ["ps", "-n=x"],
            'invalid argument "x" for "-n, --last" flag: '
            'strconv.ParseInt: parsing "x": invalid syntax',
        ),
        (
            ["stop", "--time=1.5", "c"],
            'invalid argument "1.5" for "-t, --time" flag: '
            'strconv.ParseUint: parsing "1.5": invalid syntax',
        ),
        (
            ["run", "--blkio-weight", "x", "base"],
            'invalid value for blkio-weight: strconv.ParseUint: parsing "x": invalid syntax',
        ),
        (["--log-level"], "flag needs an argument: --log-level"),
        (["bogus"], "unrecognized command `hutch bogus`"),
        (["volume", "bogus"], "unrecognized command `hutch volume bogus`"),
    ],
    ids=" ".join,
)
def test_usage_errors_in_podmans_words(
    argv: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake = FakeEngine()
    result = run_cli(argv, fake, monkeypatch, capsys)
    assert (result.code, result.err, result.out) == (125, f"Error: {message}\n", "")
    assert fake.calls == []


@pytest.mark.parametrize("argv", [["--version"], ["-v"]])
def test_version_flag(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from hutch import __version__

    fake = FakeEngine()
    result = run_cli(argv, fake, monkeypatch, capsys)
    assert (result.code, result.out) == (0, f"hutch version {__version__}\n")
    assert fake.calls == []


def test_help_exits_0_without_the_engine(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    result = run_cli(["--help"], fake, monkeypatch, capsys)
    assert result.code == 0
    for verb in ("run", "images", "rmi", "import", "info", "image", "system"):
        assert verb in result.out
    assert fake.calls == []


def test_system_migrate_and_reset(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(migrated=True)
    result = run_cli(["system", "migrate"], fake, monkeypatch, capsys)
    assert result.code == 0 and "stopped the session namespace" in result.err
    # podman's --new-runtime: hutch's runtime is built in, said and ignored
    result = run_cli(["system", "migrate", "--new-runtime", "crun"], fake, monkeypatch, capsys)
    assert result.code == 0
    assert result.err.startswith("WARN: --new-runtime crun: hutch's runtime is built in")
    fake = FakeEngine()
    assert run_cli(["system", "reset", "--force"], fake, monkeypatch, capsys).code == 0
    assert fake.only_call("system.reset") is None


def test_a_full_disk_names_the_place_and_a_way_out(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(error=OSError(28, "No space left on device", "/store/layers/x"))
    result = run_cli(["images"], fake, monkeypatch, capsys)
    assert result.code == 125
    first, hint = result.err.splitlines()
    assert first == "Error: no space left on device under /store/layers/x"
    assert hint.startswith("Hint: free space there")


@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_error_is_one_line_and_a_hint_never_a_traceback(
    debug: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(error=KeyError("state"))
    args = ["--log-level=debug", "images"] if debug else ["images"]
    result = run_cli(args, fake, monkeypatch, capsys)
    assert result.code == 125
    assert result.out == ""
    lines = result.err.splitlines()
    assert lines[0] == "Error: internal error: KeyError: 'state'"
    assert lines[1].startswith("Hint: this is a bug of hutch")
    assert ("Traceback (most recent call last):" in result.err) is debug


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["volume", "ls", "-q", "--format", "{{.Name}}"], "quiet and format flags cannot"),
        (["volume", "ls", "-q", "--format", "json"], "quiet and format flags cannot"),
        (["pod", "ps", "-q", "--format", "{{.Name}}"], "quiet and format cannot"),
    ],
)
def test_quiet_and_format_are_refused_where_podman_refuses_them(
    argv: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake = FakeEngine()
    result = run_cli(argv, fake, monkeypatch, capsys)
    assert (result.code, result.err) == (125, f"Error: {message} be used together\n")
    assert fake.calls == []  # refused before anything is listed
