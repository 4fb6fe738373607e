"""``.env`` files as compose reads them."""

from __future__ import annotations

import pytest

from hutch.compose.dotenv import parse_env
from hutch.compose.errors import ComposeError

SHELL = {"HOME": "/home/u", "FROM_SHELL": "shell"}

CASES = [
    ("A=1", {"A": "1"}),
    ("A = 1 ", {"A": "1"}),
    ("export A=1", {"A": "1"}),
    ("# comment\n\nA=1\n  # indented comment", {"A": "1"}),
    ("A=1 # trailing comment", {"A": "1"}),
    ("A=1#not a comment", {"A": "1#not a comment"}),
    ("A=", {"A": ""}),
    ("A=''", {"A": ""}),
    ("A='single $HOME \\n'", {"A": "single $HOME \\n"}),
    ('A="double $HOME"', {"A": "double /home/u"}),
    ('A="tab\\tnew\\nline \\"q\\" \\\\ \\$HOME"', {"A": 'tab\tnew\nline "q" \\ $HOME'}),
    ('A="first\nsecond"', {"A": "first\nsecond"}),
    ("A='first\nsecond'", {"A": "first\nsecond"}),
    ('A="quoted" # comment', {"A": "quoted"}),
    ("A=${HOME}/x", {"A": "/home/u/x"}),
    ("A=1\nB=${A}2", {"A": "1", "B": "12"}),
    ("B=${UNSET:-fallback}", {"B": "fallback"}),
    ("A=price $5", {"A": "price $5"}),
    ("FROM_SHELL", {"FROM_SHELL": "shell"}),
    ("NOT_IN_SHELL", {}),
    ("DOTTED.key-name=1", {"DOTTED.key-name": "1"}),
    ("A=a=b=c", {"A": "a=b=c"}),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_env_file(text: str, expected: dict[str, str]) -> None:
    assert parse_env(text, ".env", SHELL) == expected


ERRORS = [
    ("A=1\n=2", 2, "invalid variable name"),
    ("A=1\n1A=2", 2, "invalid variable name"),
    ("A B=1", 1, "unexpected character"),
    ('A=1\nB="open\nstill open', 2, "unterminated quoted value"),
    ("A='x' y", 1, "unexpected text after the closing quote"),
    ("A=${B", 1, "unterminated"),
]


@pytest.mark.parametrize(("text", "line", "message"), ERRORS)
def test_env_file_errors(text: str, line: int, message: str) -> None:
    with pytest.raises(ComposeError, match=message) as info:
        parse_env(text, "/p/.env", SHELL)
    assert info.value.line == line
    assert str(info.value).startswith(f"/p/.env:{line}: ")
