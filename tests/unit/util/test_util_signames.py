"""Signals as podman parses them: names, numbers, real-time offsets, kill's leading dash."""

from __future__ import annotations

import signal

import pytest

from hutch.util import signames


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("TERM", signal.SIGTERM),
        ("SIGTERM", signal.SIGTERM),
        ("sigterm", signal.SIGTERM),
        ("term", signal.SIGTERM),
        ("15", 15),
        ("+15", 15),
        ("KILL", 9),
        ("CLD", signal.SIGCHLD),
        ("IOT", signal.SIGABRT),
        ("RTMIN", 34),
        ("RTMIN+2", 36),
        ("sigrtmax-3", 61),
        ("RTMAX", 64),
        ("40", 40),  # a number without a name is still a signal
    ],
)
def test_parse(text: str, want: int) -> None:
    assert signames.parse(text) == want


@pytest.mark.parametrize(
    ("text", "message"),
    [("0", "invalid signal: 0"), ("FOO", "invalid signal: FOO"), ("", "invalid signal: ")],
)
def test_parse_refuses(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        signames.parse(text)
    assert str(info.value) == message


@pytest.mark.parametrize(("text", "want"), [("-1", 1), ("-9", 9), ("-TERM", 15), ("RTMIN+2", 36)])
def test_kill_drops_one_leading_dash(text: str, want: int) -> None:
    assert signames.parse_for_kill(text) == want


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("99", "valid signals are 1 through 64"),
        ("--1", "valid signals are 1 through 64"),
        ("-0", "invalid signal: 0"),
        ("0", "invalid signal: 0"),
    ],
)
def test_kill_refuses_with_podmans_messages(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        signames.parse_for_kill(text)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("number", "want"),
    [
        (15, "SIGTERM"),
        (17, "SIGCHLD"),
        (6, "SIGABRT"),
        (34, "SIGRTMIN"),
        (36, "SIGRTMIN+2"),
        (99, "99"),
    ],
)
def test_name(number: int, want: str) -> None:
    assert signames.name(number) == want


@pytest.mark.parametrize(("text", "message"), [("0", "invalid signal: 0"), ("65", "1 through 64")])
def test_stop_signal_as_podman_parses_it(text: str, message: str) -> None:
    assert signames.parse_stop_signal("-HUP") == 1  # util.ParseSignal, as kill's
    with pytest.raises(ValueError, match=message):
        signames.parse_stop_signal(text)


@pytest.mark.parametrize(
    ("text", "shown"),
    [("USR1", "SIGUSR1"), ("10", "SIGUSR1"), ("sigint", "SIGINT"), ("rtmin+1", "SIGRTMIN+1")],
)
def test_docker_name_is_inspects_stop_signal(text: str, shown: str) -> None:
    assert signames.docker_name(text) == shown


def test_the_names_are_the_signal_enum_s_without_importing_it() -> None:
    # issue 16: the table is made of the C module's constants (create parses the spec's
    # stop signal and need not pay for signal's enums): the same names, numbers and
    # order (canonical names first) as signal.Signals'
    import signal

    from hutch.util.signames import _canonical

    assert _canonical() == [(m.name, int(m.value)) for m in signal.Signals]
