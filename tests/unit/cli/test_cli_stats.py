"""``hutch stats`` streaming against a fake engine: the screen is cleared between
samples on a terminal, as podman does, unless ``--no-reset``."""

from __future__ import annotations

import sys

import pytest

from unit.fakes import FakeEngine, run_cli

CLEAR = "\033[2J\033[H"


@pytest.mark.parametrize(("flags", "clears"), [((), 3), (("--no-reset",), 0)])
def test_stats_clears_the_screen_unless_no_reset(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    flags: tuple[str, ...],
    clears: int,
) -> None:
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 3:
            raise SystemExit(0)  # three samples are enough

    monkeypatch.setattr("hutch.cli.stats.time.sleep", sleep)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    result = run_cli(["stats", *flags, "-i", "1"], FakeEngine(), monkeypatch, capsys)
    assert result.code == 0 and slept == [1.0, 1.0, 1.0]
    assert result.out.count(CLEAR) == clears
    assert result.out.count("MEM USAGE / LIMIT") == 3  # each sample's table


def test_stats_no_stream_never_clears(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    result = run_cli(["stats", "--no-stream"], FakeEngine(), monkeypatch, capsys)
    assert result.code == 0 and CLEAR not in result.out and "CPU %" in result.out


@pytest.mark.parametrize("interval", ["0", "-1"])
def test_stats_refuses_an_interval_that_is_not_positive(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], interval: str
) -> None:
    engine = FakeEngine()
    result = run_cli(["stats", "--no-stream", "-i", interval, "c"], engine, monkeypatch, capsys)
    assert (result.code, result.out) == (125, "")
    assert result.err == "Error: invalid interval, must be a positive number greater zero\n"
    assert not [call for call in engine.calls if call[0] == "containers.stats"]


@pytest.mark.parametrize("argv", [["-a", "-l"], ["-a", "c"], ["-l", "c"], ["-a", "-l", "-i", "0"]])
def test_stats_all_latest_and_names_exclude_each_other(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    result = run_cli(["stats", "--no-stream", *argv], FakeEngine(), monkeypatch, capsys)
    assert (result.code, result.err) == (
        125,
        "Error: --all, --latest and containers cannot be used together\n",
    )
