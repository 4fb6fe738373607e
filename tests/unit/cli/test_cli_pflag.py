"""pflag's habits on the real command tree: ``--flag=VALUE`` for booleans, ``-h`` as help,
``hutch help CMD``, and the global options that act before a command."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from hutch.api.errors import InvalidArgument
from hutch.cli import app as cli_app
from hutch.cli import pflag
from hutch.cli.clicknames import Command
from unit.fakes import FakeEngine, run_cli


def _prepare(argv: list[str]) -> list[str]:
    word = next(a for a in argv if not a.startswith("-"))
    verb = cli_app.VERBS.get(word)
    command = typer.main.get_command(cli_app.build_app(only=None if verb is None else (verb,)))
    return pflag.prepare(command, argv)


@pytest.mark.parametrize(
    ("argv", "want"),
    [
        (["ps", "--all=false"], ["ps", "--all:false"]),
        (["ps", "-a=1", "-q"], ["ps", "-a", "-q"]),
        (["ps", "--all=True"], ["ps", "--all"]),
        (["container", "ls", "--all=t"], ["container", "ls", "--all"]),
        # a --x/--no-x pair: false is the --no- spelling
        (["run", "--sig-proxy=false", "img"], ["run", "--no-sig-proxy", "img"]),
        # a value of an option is skipped, not taken for the image
        (["run", "--name", "x", "--rm=0", "img"], ["run", "--name", "x", "--rm:false", "img"]),
        (["run", "-ite", "A=1", "--rm=F", "i"], ["run", "-ite", "A=1", "--rm:false", "i"]),
        (["run", "-eA=1", "--rm=TRUE", "i"], ["run", "-eA=1", "--rm", "i"]),
        # after the image everything is the container's command
        (["run", "img", "prog", "--rm=false"], ["run", "img", "prog", "--rm=false"]),
        (["exec", "c", "prog", "-i=false"], ["exec", "c", "prog", "-i=false"]),
        # interspersed commands: options after a positional are still ours
        (["rm", "c1", "--force=true", "c2"], ["rm", "c1", "--force", "c2"]),
        (["rm", "--", "--force=true"], ["rm", "--", "--force=true"]),
        # pflag's "=" right after a short letter: the letter's value
        (["kill", "-s=TERM", "c"], ["kill", "-s", "TERM", "c"]),
        (["kill", "-as=9"], ["kill", "-a", "-s", "9"]),
        (["kill", "-s=", "c"], ["kill", "-s=", "c"]),
        (["kill", "-a=false", "-s", "-1", "c"], ["kill", "--all:false", "-s", "-1", "c"]),
        (["run", "-eA=1", "i"], ["run", "-eA=1", "i"]),
        # a global boolean before the command
        (["--noout=false", "ps"], ["--noout:false", "ps"]),
        # a switch on by default with no --no- spelling: false still clears it
        (["pod", "create", "--share-parent=false"], ["pod", "create", "--share-parent:false"]),
    ],
)
def test_bool_values_become_click_flags(argv: list[str], want: list[str]) -> None:
    assert _prepare(argv) == want


@pytest.mark.parametrize("value", ["maybe", "yes", "tRUE", ""])
def test_other_bool_values_are_refused_with_podmans_message(value: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        _prepare(["ps", f"--all={value}"])
    assert str(info.value) == (
        f'invalid argument "{value}" for "-a, --all" flag: '
        f'strconv.ParseBool: parsing "{value}": invalid syntax'
    )


def test_bool_value_error_exits_125(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(["rm", "--force=maybe", "c"], FakeEngine(), monkeypatch, capsys)
    assert result.code == 125
    assert result.err.startswith('Error: invalid argument "maybe" for "-f, --force" flag')


def test_bool_value_reaches_the_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    result = run_cli(["ps", "-a=true", "--noheading=1"], fake, monkeypatch, capsys)
    assert result.code == 0, result.err
    assert result.out == ""  # no containers, no heading


@pytest.mark.parametrize("argv", [["image"], ["pod"], []])
def test_a_group_without_a_command_prints_its_help_and_podmans_error(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(argv, FakeEngine(), monkeypatch, capsys)
    path = " ".join(["hutch", *argv])
    assert result.code == 125
    assert result.out.startswith(f"Usage: {path} ")
    assert result.err == f"Error: missing command '{path} COMMAND'\n"


@pytest.mark.parametrize(
    "argv",
    [["ps", "-h"], ["container", "-h"], ["-h"], ["help", "ps"], ["help", "container", "ls"]],
)
def test_short_h_and_help_command_print_usage(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(argv, FakeEngine(), monkeypatch, capsys)
    assert result.code == 0, result.err
    assert result.out.startswith("Usage: hutch")
    words = [a for a in argv if a not in ("-h", "help")]
    assert result.out.startswith("Usage: hutch " + " ".join(words))


def test_run_keeps_h_for_hostname() -> None:
    assert _prepare(["run", "-h", "box", "img"]) == ["run", "-h", "box", "img"]
    command = typer.main.get_command(cli_app.build_app(only=("run",)))
    pflag.prepare(command, ["run", "img"])
    run = command.commands["run"]  # type: ignore[attr-defined]
    assert run.context_settings["help_option_names"] == ["--help"]


def test_help_words() -> None:
    assert cli_app.help_words(["help"]) == ["--help"]
    assert cli_app.help_words(["--root", "r", "help", "ps"]) == ["--root", "r", "ps", "--help"]
    assert cli_app.help_words(["ps", "help"]) == ["ps", "help"]


def test_log_level_checked_as_podman(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(["--log-level", "foo", "ps"], FakeEngine(), monkeypatch, capsys)
    assert result.code == 1
    assert result.err == (
        'Log Level "foo" is not supported, choose from: '
        "trace, debug, info, warn, warning, error, fatal, panic\n"
    )
    assert run_cli(["--log-level", "WARNING", "ps"], FakeEngine(), monkeypatch, capsys).code == 0


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["--url", "unix:///x", "ps"], "--url"),
        (["--connection", "x", "ps"], "--connection"),
        (["-r", "ps"], "--remote"),
        (["--identity", "/k", "ps"], "--identity"),
        (["--ssh", "native", "ps"], "--ssh"),
    ],
)
def test_remote_mode_is_refused(
    argv: list[str],
    flag: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = run_cli(argv, FakeEngine(), monkeypatch, capsys)
    assert result.code == 125
    assert result.err.startswith(f"Error: {flag} is not supported: hutch is daemonless")


@pytest.mark.parametrize(
    ("flag", "instead"),
    [
        ("--namespace", "own --root"),
        ("--network-config-dir", "with --root"),
        ("--volumepath", "with --root"),
        ("--network-cmd-path", "first in PATH"),
    ],
)
def test_flags_that_move_data_are_refused_with_what_to_do(
    flag: str, instead: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli([flag, "/x", "ps"], FakeEngine(), monkeypatch, capsys)
    assert result.code == 125
    assert result.err.startswith(f"Error: {flag} is not supported: ") and instead in result.err


def test_runtime_conmon_hooks_and_syslog_are_accepted_with_a_word(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    argv = ["--runtime", "crun", "--runtime-flag", "debug", "--conmon", "/c", "--syslog"]
    result = run_cli([*argv, "--hooks-dir", str(hooks), "ps"], FakeEngine(), monkeypatch, capsys)
    assert result.code == 0
    assert result.err.splitlines() == [
        "WARN: --runtime crun: hutch's runtime and container monitor are built in; ignored",
        "WARN: --conmon /c: hutch's runtime and container monitor are built in; ignored",
        "WARN: --runtime-flag debug: hutch's runtime is built in and takes no flags; ignored",
    ]
    (hooks / "a.json").write_text("{}")  # a directory with hooks is named: none run
    result = run_cli(["--hooks-dir", str(hooks), "ps"], FakeEngine(), monkeypatch, capsys)
    assert result.code == 0 and "hutch runs no OCI hooks" in result.err


def test_storage_opt_only_empty(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["--storage-opt", "", "ps"], FakeEngine(), monkeypatch, capsys).code == 0
    bad = run_cli(
        ["--storage-opt", "overlay.mountopt=nodev", "ps"], FakeEngine(), monkeypatch, capsys
    )
    assert bad.code == 125 and "take no options" in bad.err


def test_out_and_noout_take_hutchs_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    out = tmp_path / "out.txt"
    monkeypatch.setattr(sys, "stdout", sys.stdout)  # restored after the test
    result = run_cli(["--out", str(out), "version"], FakeEngine(), monkeypatch, capsys)
    assert result.code == 0 and result.out == ""
    sys.stdout.flush()
    assert out.read_text().startswith("Client:")
    result = run_cli(["--noout", "version"], FakeEngine(), monkeypatch, capsys)
    assert result.code == 0 and result.out == ""


def test_tmpdir_is_made_and_exported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TMPDIR", "/tmp")
    target = tmp_path / "t" / "u"
    assert run_cli(["--tmpdir", str(target), "ps"], FakeEngine(), monkeypatch, capsys).code == 0
    import os

    assert target.is_dir() and os.environ["TMPDIR"] == str(target)


def _switches(command: Command, path: list[str]) -> list[tuple[list[str], object]]:
    found = []
    for param in command.params:
        if getattr(param, "is_bool_flag", False) and param.param_type_name == "option":
            found.append((path, param))
    for name, sub in (getattr(command, "commands", None) or {}).items():
        found.extend(_switches(sub, [*path, name]))
    return found


def test_every_switch_of_the_tree_takes_true_and_false() -> None:
    # pflag's rule holds for all of them, on by default or not (pod create --share-parent,
    # build --rm, run --read-only-tmpfs): what click stores for each spelling is checked
    root = typer.main.get_command(cli_app.build_app())
    switches = _switches(root, [])
    assert len(switches) > 100
    for path, param in switches:
        name = next(o for o in (*param.opts,) if o.startswith("-"))
        for value, want in (("false", False), ("true", True), ("0", False)):
            words = pflag._bool_arg(pflag._options(_command_at(root, path)).bools[name], value)
            ctx = _command_at(root, path).make_context("x", [], resilient_parsing=True)
            parser = _command_at(root, path).make_parser(ctx)
            opts, _, _ = parser.parse_args(words)
            assert opts[param.name] is want, (path, name, value)


def _command_at(root: Command, path: list[str]) -> Command:
    command = root
    for word in path:
        command = command.commands[word]  # type: ignore[attr-defined]
    return command
