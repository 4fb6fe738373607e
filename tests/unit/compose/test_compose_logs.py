"""``compose logs`` and ``compose up``: the multiplexed lines (from a fake stream), --wait."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from hutch.api.compose import ComposeContainer
from hutch.api.containers import ContainerSummary, LogLine, LogsOptions
from hutch.api.errors import HutchError, NoLogKept
from hutch.cli.compose_logs import docker_until, multiplex
from hutch.compose.planner import _ready


def _container(service: str, number: int = 1) -> ComposeContainer:
    return ComposeContainer(
        name=f"p-{service}-{number}",
        id=service,
        service=service,
        number=number,
        image="img",
        command="",
        status="running",
        health="",
        created=0.0,
    )


def _stream(options: LogsOptions) -> Iterator[LogLine]:
    (name,) = options.names
    yield LogLine("2026-12-04T00:00:00Z", "stdout", f"hello from {name}\n".encode(), False)


CONTAINERS = [_container("db"), _container("web")]


def test_prefixes_padded_and_no_colour_off_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    multiplex(CONTAINERS, _stream, LogsOptions(names=()))
    lines = sorted(capsys.readouterr().out.splitlines())
    assert lines == ["db-1   | hello from p-db-1", "web-1  | hello from p-web-1"]


def test_timestamps_after_the_prefix_and_no_prefix(capsys: pytest.CaptureFixture[str]) -> None:
    multiplex(CONTAINERS[:1], _stream, LogsOptions(names=(), timestamps=True))
    assert capsys.readouterr().out == "db-1  | 2026-12-04T00:00:00Z hello from p-db-1\n"
    multiplex(CONTAINERS[:1], _stream, LogsOptions(names=(), timestamps=True), prefix=False)
    assert capsys.readouterr().out == "2026-12-04T00:00:00Z hello from p-db-1\n"


def test_only_the_shown_containers_are_printed_all_are_waited_for(
    capsys: pytest.CaptureFixture[str],
) -> None:
    ended: list[str] = []
    multiplex(
        CONTAINERS,
        _stream,
        LogsOptions(names=()),
        shown={"p-web-1"},
        on_exit=lambda name: ended.append(name) is not None,
    )
    assert capsys.readouterr().out == "web-1  | hello from p-web-1\n"
    assert sorted(ended) == ["p-db-1", "p-web-1"]


def test_a_container_without_a_log_is_warned_of_and_handed_to_unread(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # logging driver none or passthrough: docker compose warns and goes on; up waits
    # for its exit in the reader's thread (unread), not in the printing one
    def stream(options: LogsOptions) -> Iterator[LogLine]:
        if options.names == ("p-db-1",):
            raise NoLogKept("this container is using the 'none' log driver, cannot read logs")
        yield from _stream(options)

    unread: list[str] = []
    ended: list[str] = []
    multiplex(
        CONTAINERS,
        stream,
        LogsOptions(names=()),
        on_exit=lambda name: ended.append(name) is not None,
        unread=unread.append,
    )
    out, err = capsys.readouterr()
    assert out == "web-1  | hello from p-web-1\n"
    assert err == (
        'WARN: Can\'t retrieve logs for "p-db-1": '
        "this container is using the 'none' log driver, cannot read logs\n"
    )
    assert unread == ["p-db-1"] and sorted(ended) == ["p-db-1", "p-web-1"]


def _summary(status: str, health: str = "", code: int = 0) -> ContainerSummary:
    return ContainerSummary(
        "i", "p-web-1", "img", "sha256:1", "", 0.0, status, code, 0.0, 0.0, health
    )


@pytest.mark.parametrize(
    ("summary", "one_shot", "ready"),
    [
        (_summary("running"), False, True),
        (_summary("running", "starting"), False, False),
        (_summary("running", "healthy"), False, True),
        (_summary("created"), False, False),
        (_summary("exited", code=0), True, True),
    ],
)
def test_up_wait_readiness(summary: ContainerSummary, one_shot: bool, ready: bool) -> None:
    assert _ready(summary, one_shot) is ready


@pytest.mark.parametrize(
    ("summary", "message"),
    [
        (_summary("exited", code=3), "container p-web-1 exited (3)"),
        (_summary("exited", code=0), "container p-web-1 exited (0)"),
        (_summary("running", "unhealthy"), "container p-web-1 is unhealthy"),
    ],
)
def test_up_wait_fails_on_exit_or_unhealthy(summary: ContainerSummary, message: str) -> None:
    with pytest.raises(HutchError, match=re.escape(message)):
        _ready(summary, one_shot=False)


@pytest.mark.parametrize(
    ("until", "handed"),
    [
        (None, None),
        ("42m", f"{1000.0 - 42 * 60:.9f}"),  # docker's: 42 minutes ago, not ahead
        ("1500.5", "1500.5"),
        ("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
        ("bogus", "bogus"),  # the engine says what is wrong with it
    ],
)
def test_compose_logs_until_is_dockers_relative_time(until: str | None, handed: str | None) -> None:
    assert docker_until(until, 1000.0) == handed
