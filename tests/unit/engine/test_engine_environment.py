"""The one environment merge of run/create and exec."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument
from hutch.engine.environment import merge_environment


def test_order_base_then_files_then_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / "env"
    env_file.write_text("# a comment\n\nA=from-file\nB=from-file\n")
    monkeypatch.setenv("FROM_HOST", "host-value")
    monkeypatch.delenv("NOT_ON_HOST", raising=False)
    got = merge_environment(
        ("A=base", "PATH=/bin", "TERM=vt100"),
        tty=True,
        env_files=[str(env_file)],
        env=["B=flag", "FROM_HOST", "NOT_ON_HOST"],
    )
    assert got == ("A=from-file", "PATH=/bin", "TERM=vt100", "B=flag", "FROM_HOST=host-value")


def test_a_terminal_gets_a_term_only_when_none_is_set() -> None:
    assert merge_environment((), tty=True, env_files=(), env=()) == ("TERM=xterm",)
    assert merge_environment((), tty=False, env_files=(), env=()) == ()


def test_bad_input_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument) as empty:
        merge_environment((), tty=False, env_files=(), env=["=x"])
    assert str(empty.value) == 'invalid environment variable: "=x"'  # podman's words
    with pytest.raises(InvalidArgument) as in_exec:  # podman's exec puts its context first
        merge_environment((), tty=False, env_files=(), env=["=x"], env_context="parsing: ")
    assert str(in_exec.value) == 'parsing: invalid environment variable: "=x"'
    bad_file = tmp_path / "bad.env"
    bad_file.write_text("=y\n")
    with pytest.raises(InvalidArgument) as in_file:
        merge_environment((), tty=False, env_files=[str(bad_file)], env=())
    assert str(in_file.value) == (
        f'parsing env file "{bad_file}": invalid environment variable: "=y"'
    )
    missing = tmp_path / "missing"
    with pytest.raises(InvalidArgument) as unread:
        merge_environment((), tty=False, env_files=[str(missing)], env=())
    assert str(unread.value) == (
        f'parsing env file "{missing}": open {missing}: no such file or directory'
    )


def test_an_env_file_line_loses_its_leading_blanks_only(tmp_path: Path) -> None:
    env_file = tmp_path / "env"
    env_file.write_text("  E1= spaced \n\tE2=b c\t\n   # a comment\n")
    got = merge_environment((), tty=False, env_files=[str(env_file)], env=())
    assert got == ("E1= spaced ", "E2=b c\t")  # podman's TrimLeft of the line


def test_a_name_ending_in_a_star_copies_the_callers_variables_so_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HUTCHT_A", "1")
    monkeypatch.setenv("HUTCHT_B", "2")
    got = merge_environment((), tty=False, env_files=(), env=["HUTCHT_*"])
    assert sorted(got) == ["HUTCHT_A=1", "HUTCHT_B=2"]
