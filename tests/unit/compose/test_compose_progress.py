"""``compose --progress``: the live view on a terminal, plain lines otherwise."""

from __future__ import annotations

import io
import re
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from hutch.api.containers import ContainerSummary
from hutch.api.errors import InvalidArgument
from hutch.cli.compose_progress import TtyView, check_mode, progress_view, resolve
from unit.fakes import FakeEngine, run_cli


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("mode", "stream", "term", "resolved"),
    [
        ("auto", io.StringIO(), "xterm", "plain"),
        ("auto", _Terminal(), "xterm", "tty"),
        ("auto", _Terminal(), "dumb", "plain"),
        ("auto", _Terminal(), "", "plain"),
        ("plain", _Terminal(), "xterm", "plain"),
        ("tty", io.StringIO(), "", "tty"),
        ("quiet", _Terminal(), "xterm", "quiet"),
    ],
)
def test_auto_is_tty_only_on_a_terminal(
    mode: str, stream: io.StringIO, term: str, resolved: str
) -> None:
    assert resolve(mode, stream, {"TERM": term}) == resolved


def test_bad_modes_are_refused() -> None:
    assert check_mode("plain") == "plain"
    with pytest.raises(InvalidArgument, match="json is not implemented"):
        check_mode("json")
    with pytest.raises(InvalidArgument, match="invalid --progress 'fancy'"):
        check_mode("fancy")


def _screen(text: str) -> list[str]:
    """What stays on a terminal: each redraw goes back up and erases the view."""
    lines: list[str] = []
    for part in re.split(r"(\x1b\[\d+F\x1b\[J)", text):
        if m := re.fullmatch(r"\x1b\[(\d+)F\x1b\[J", part):
            del lines[len(lines) - int(m.group(1)) :]
        else:
            lines += part.splitlines()
    return lines


def test_the_view_keeps_one_row_per_resource() -> None:
    out = io.StringIO()
    view = TtyView("Running", out, colour=False)
    view(" Network p_default  Created")
    view(" Service web  Pulling busybox")
    view(" Container p-web-1  Created")
    view(" WARN something to know")
    view(" Service web  Pulled")
    view(" Container p-web-1  Started")
    view.close()
    screen = _screen(out.getvalue())
    assert screen[0] == " WARN something to know"  # above the view, printed once
    assert screen[1] == "[+] Running 3/3"
    rows = [re.sub(r"\s+", " ", r).strip() for r in screen[2:]]
    assert [re.sub(r" \d+\.\ds$", "", r) for r in rows] == [
        "✔ Network p_default Created",
        "✔ Service web Pulled",
        "✔ Container p-web-1 Started",
    ]
    assert len(screen) == 5


def test_working_rows_spin_and_errors_are_marked() -> None:
    out = io.StringIO()
    view = TtyView("Pulling", out, colour=False)
    view(" Service web  Pulling busybox")
    view(" Service db  Error: no such image")
    assert view.lines(0.0)[0] == "[+] Pulling 1/2"
    assert view.lines(0.0)[1][1] in "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
    assert view.lines(0.0)[1][2:].startswith(" Service web")
    assert view.lines(0.0)[2].startswith(" ✘ Service db")


def test_the_view_starts_no_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """up enters the session's user namespace (setns) once the view is up: that
    needs a single-threaded process, so the view draws from its callers only."""
    monkeypatch.setattr("sys.stderr", _Terminal())
    monkeypatch.setenv("TERM", "xterm")
    ctx = SimpleNamespace(meta={})
    before = threading.active_count()
    with progress_view(ctx, "Running") as progress:  # type: ignore[arg-type]
        assert isinstance(progress, TtyView)
        progress(" Container p-web-1  Started")
        assert threading.active_count() == before


def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "compose.yaml").write_text("name: p\nservices:\n  web: {image: busybox}\n")
    monkeypatch.chdir(tmp_path)
    for name in ("COMPOSE_FILE", "COMPOSE_PROFILES", "COMPOSE_PROJECT_NAME"):
        monkeypatch.delenv(name, raising=False)


def _running() -> ContainerSummary:
    labels = {
        "com.docker.compose.project": "p",
        "com.docker.compose.service": "web",
        "com.docker.compose.container-number": "1",
    }
    return ContainerSummary(
        "id", "p-web-1", "busybox", "sha256:1", "", 0.0, "running", 0, 0.0, 0.0,
        labels=tuple(labels.items()),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "err"),
    [
        ([], " Container p-web-1  Restarted\n"),  # not a terminal: plain lines
        (["--progress", "plain"], " Container p-web-1  Restarted\n"),
        (["--progress", "quiet"], ""),
    ],
)
def test_the_cli_reports_in_the_mode_chosen(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    err: str,
) -> None:
    _project(tmp_path, monkeypatch)
    fake = FakeEngine(container_list=[_running()])
    result = run_cli(["compose", *args, "restart"], fake, monkeypatch, capsys)
    assert (result.code, result.err) == (0, err)


def test_the_cli_refuses_a_bad_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path, monkeypatch)
    fake = FakeEngine()
    result = run_cli(["compose", "--progress", "json", "down"], fake, monkeypatch, capsys)
    assert result.code == 125
    assert "--progress json is not implemented" in result.err
    assert fake.calls == []
