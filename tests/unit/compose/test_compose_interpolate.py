"""Interpolation: every operator and escaping form of the Compose Specification."""

from __future__ import annotations

import pytest

from hutch.compose.interpolate import InterpolationError, interpolate

ENV = {"SET": "value", "EMPTY": "", "OTHER": "other", "NAME": "SET"}

CASES = [
    # plain forms
    ("no variables", "no variables"),
    ("$SET", "value"),
    ("${SET}", "value"),
    ("a${SET}b", "avalueb"),
    ("$SET-x", "value-x"),  # the name stops at '-'
    ("$SET.x", "value.x"),
    ("${UNSET}", ""),
    ("$UNSET", ""),
    ("x${EMPTY}y", "xy"),
    # :- (unset or empty) and - (unset only)
    ("${UNSET:-d}", "d"),
    ("${EMPTY:-d}", "d"),
    ("${SET:-d}", "value"),
    ("${UNSET-d}", "d"),
    ("${EMPTY-d}", ""),
    ("${SET-d}", "value"),
    ("${UNSET:-}", ""),
    ("${UNSET:-a b c}", "a b c"),
    # :+ (set and non-empty) and + (set)
    ("${SET:+alt}", "alt"),
    ("${EMPTY:+alt}", ""),
    ("${UNSET:+alt}", ""),
    ("${SET+alt}", "alt"),
    ("${EMPTY+alt}", "alt"),
    ("${UNSET+alt}", ""),
    # :? and ? that do not fire
    ("${SET:?must be set}", "value"),
    ("${EMPTY?must be set}", ""),
    # nesting
    ("${UNSET:-${OTHER}}", "other"),
    ("${UNSET:-${ALSO_UNSET:-deep}}", "deep"),
    ("${UNSET:-x${OTHER}y}", "xothery"),
    ("${SET:+[${OTHER}]}", "[other]"),
    ("${UNSET:-{braces}}", "{braces}"),
    # a default that is not used is not evaluated: its :? does not fire
    ("${SET:-${UNSET:?never}}", "value"),
    # escaping
    ("$$", "$"),
    ("$$SET", "$SET"),
    ("$${SET}", "${SET}"),
    ("a$$$SET", "a$value"),
    ("${UNSET:-$$}", "$"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_interpolation(text: str, expected: str) -> None:
    assert interpolate(text, ENV.get) == expected


ERRORS = [
    ("${UNSET:?must be set}", "required variable UNSET is missing a value: must be set"),
    ("${EMPTY:?must be set}", "required variable EMPTY is missing a value: must be set"),
    ("${UNSET?}", "required variable UNSET is missing a value"),
    ("${UNSET:?${OTHER} is needed}", "missing a value: other is needed"),
    ("${SET", "unterminated ${"),
    ("${UNSET:-abc", "unterminated ${"),
    ("${}", "invalid interpolation format"),
    ("${1A}", "invalid interpolation format"),
    ("${SET!x}", "invalid interpolation format"),
    ("cost $5", "invalid interpolation format"),
    ("trailing $", "invalid interpolation format"),
]


@pytest.mark.parametrize(("text", "message"), ERRORS)
def test_interpolation_errors(text: str, message: str) -> None:
    with pytest.raises(InterpolationError, match=message.replace("$", r"\$").replace("{", r"\{")):
        interpolate(text, ENV.get)


def test_lenient_mode_keeps_a_stray_dollar() -> None:
    assert interpolate("cost $5 ${SET}", ENV.get, strict=False) == "cost $5 value"
