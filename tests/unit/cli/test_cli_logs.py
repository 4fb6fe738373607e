"""``hutch logs`` against a fake engine: podman's prefixes for several containers."""

from __future__ import annotations

import pytest

from hutch.api.containers import LogLine, LogsOptions
from unit.fakes import FakeEngine, run_cli

A, B = "a" * 64, "b" * 64
LINES = [
    LogLine("2026-01-01T00:00:00.1Z", "stdout", b"one", False, A, "web"),
    LogLine("2026-01-01T00:00:00.2Z", "stderr", b"two", False, A, "web"),
    LogLine("2026-01-01T00:00:00.3Z", "stdout", b"three", False, B, "db"),
]


@pytest.mark.parametrize(
    ("argv", "out", "err"),
    [
        # several: each line after its container's short id (podman 4.3.1), or name
        (["logs", "web", "db"], f"{A[:12]} one\n{B[:12]} three\n", f"{A[:12]} two\n"),
        (["logs", "-n", "web", "db"], "web one\ndb three\n", "web two\n"),
        (
            ["logs", "--names", "-t", "web", "db"],
            "web 2026-01-01T00:00:00.1Z one\ndb 2026-01-01T00:00:00.3Z three\n",
            "web 2026-01-01T00:00:00.2Z two\n",
        ),
        # one: no prefix, --names or not
        (["logs", "--names", "web"], "one\nthree\n", "two\n"),
        (["logs", "--names=false", "web", "db"], f"{A[:12]} one\n{B[:12]} three\n", None),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_logs_of_several_containers_say_whose_each_line_is(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    out: str,
    err: str | None,
) -> None:
    fake = FakeEngine(log_lines=LINES)
    result = run_cli(argv, fake, monkeypatch, capsys)
    assert result.code == 0 and result.out == out
    if err is not None:
        assert result.err == err
    options = fake.only_call("containers.logs")
    assert isinstance(options, LogsOptions)
    assert options.names == tuple(a for a in argv[1:] if not a.startswith("-"))


def test_logs_color_paints_each_container_as_podman(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        LogLine("t1", "stdout", b"one", False, A, "web", 0),
        LogLine("t2", "stdout", b"nine", False, B, "db", 8),
    ]
    result = run_cli(
        ["logs", "--color", "-n", "web", "db"], FakeEngine(log_lines=lines), monkeypatch, capsys
    )
    # white for the first container, red again for the ninth (seven colours round)
    assert result.out == "\x1b[37mweb one\x1b[0m\n\x1b[31mdb nine\x1b[0m\n"
    alone = run_cli(
        ["logs", "--color", "web"], FakeEngine(log_lines=lines[:1]), monkeypatch, capsys
    )
    assert alone.out == "\x1b[37mone\x1b[0m\n"
