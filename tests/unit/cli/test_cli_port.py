"""``hutch port`` against the fake engine: podman's lookups and its words for bad input."""

from __future__ import annotations

import pytest

from hutch.api.containers import PortReport, PublishedPort
from unit.fakes import FakeEngine, run_cli

_WEB = PortReport(
    "a" * 64,
    "web",
    (PublishedPort("", 8080, 80, "tcp"), PublishedPort("", 9090, 53, "udp")),
)


def _port(
    argv: list[str], mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    engine = FakeEngine(port_reports=[_WEB])
    result = run_cli(["port", *argv], engine, mp, cap)
    return result.code, result.out, result.err


def test_one_private_port_and_its_protocol(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _port(["web", "80"], monkeypatch, capsys) == (0, "0.0.0.0:8080\n", "")
    assert _port(["web", "53/udp"], monkeypatch, capsys) == (0, "0.0.0.0:9090\n", "")
    # tcp is the default protocol, and a protocol nothing is published with is not found
    for wanted in ("53", "80/sctp", "80/xyz"):
        assert _port(["web", wanted], monkeypatch, capsys) == (
            125,
            "",
            f'Error: failed to find published port "{wanted}"\n',
        )


def test_a_container_without_ports_has_nothing_to_say(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = FakeEngine(port_reports=[PortReport("b" * 64, "db", ())])
    assert run_cli(["port", "db", "80"], engine, monkeypatch, capsys).code == 0


@pytest.mark.parametrize(
    ("wanted", "words"),
    [
        ("ex", 'strconv.ParseUint: parsing "ex": invalid syntax'),
        ("99999", 'strconv.ParseUint: parsing "99999": value out of range'),
        ("80/tcp/x", "port formats are port/protocol. '80/tcp/x' is invalid"),
    ],
)
def test_a_bad_private_port_in_podmans_words(
    wanted: str, words: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _port(["web", wanted], monkeypatch, capsys) == (125, "", f"Error: {words}\n")


@pytest.mark.parametrize("extra", [["web"], ["80"]])
def test_all_takes_no_argument(
    extra: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _port(["-a", *extra], monkeypatch, capsys) == (
        125,
        "",
        "Error: no arguments are needed with --all\n",
    )
    code, out, _ = _port(["-a"], monkeypatch, capsys)
    assert (code, out.splitlines()) == (
        0,
        [f"{'a' * 12}\t80/tcp -> 0.0.0.0:8080", f"{'a' * 12}\t53/udp -> 0.0.0.0:9090"],
    )
