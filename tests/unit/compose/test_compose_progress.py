"""``compose --progress``: the live view on a terminal, plain lines otherwise."""

from __future__ import annotations

import io
import json
import re
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from hutch.api.compose import ComposeProjectOptions, ComposeRunOptions
from hutch.api.containers import ContainerSummary
from hutch.api.errors import InvalidArgument
from hutch.api.networks import NetworkSummary
from hutch.cli.compose_progress import TtyView, json_event, progress_view, resolve
from hutch.cli.compose_project import check_mode
from hutch.cli.exits import compose_json
from hutch.compose.planner import Runner
from hutch.compose.project import load_project
from unit.fakes import FakeEngine, as_engine, run_cli


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
    assert check_mode("json") == "json"
    with pytest.raises(InvalidArgument, match="invalid --progress 'fancy'"):
        check_mode("fancy")


@pytest.mark.parametrize(
    ("line", "event"),
    [
        (" Container p-web-1  Started", {"id": "Container p-web-1", "text": "Started"}),
        (
            " Service web  Pulling busybox",
            {"id": "Service web", "text": "Pulling", "status": "busybox"},
        ),
        (
            " Service db  Error: port 80 taken",
            {"id": "Service db", "text": "Error", "status": "port 80 taken"},
        ),
        (" WARN something to know", {"tail": True, "text": "WARN something to know"}),
    ],
)
def test_json_events_have_docker_composes_shape(line: str, event: dict[str, object]) -> None:
    text = json_event(line)
    assert json.loads(text) == event
    # its key order (id, text, status) and Go's compact encoding
    assert text == json.dumps(event, separators=(",", ":"))


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
        ([], " Container p-web-1  Restarting\n Container p-web-1  Restarted\n"),  # not a tty
        (
            ["--progress", "plain"],
            " Container p-web-1  Restarting\n Container p-web-1  Restarted\n",
        ),
        (["--progress", "quiet"], ""),
        (
            ["--progress", "json"],
            '{"id":"Container p-web-1","text":"Restarting"}\n'
            '{"id":"Container p-web-1","text":"Restarted"}\n',
        ),
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
    result = run_cli(["compose", "--progress", "fancy", "down"], fake, monkeypatch, capsys)
    assert result.code == 125
    assert "invalid --progress 'fancy': use auto, tty, plain, json or quiet" in result.err
    assert fake.calls == []


def test_compose_progress_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path, monkeypatch)
    monkeypatch.setenv("COMPOSE_PROGRESS", "quiet")
    fake = FakeEngine(container_list=[_running()])
    assert run_cli(["compose", "restart"], fake, monkeypatch, capsys).err == ""
    # the flag wins over the environment
    result = run_cli(["compose", "--progress", "plain", "restart"], fake, monkeypatch, capsys)
    assert result.err.endswith(" Container p-web-1  Restarted\n")


@pytest.mark.parametrize(
    ("args", "environ", "wanted"),
    [
        (["compose", "--progress", "json", "up"], {}, True),
        (["compose", "-f", "x.yaml", "--progress=json", "up"], {}, True),
        (["--root", "/r", "compose", "-p", "p", "--progress", "json", "ps"], {}, True),
        (["compose", "up"], {"COMPOSE_PROGRESS": "json"}, True),
        (["compose", "--progress", "plain", "up"], {"COMPOSE_PROGRESS": "json"}, False),
        (["compose", "up", "--progress", "json"], {}, False),  # not the group's flag
        (["run", "img", "--progress", "json"], {"COMPOSE_PROGRESS": "json"}, False),
    ],
)
def test_which_errors_are_json(args: list[str], environ: dict[str, str], wanted: bool) -> None:
    assert compose_json(args, environ) is wanted


def test_the_final_error_is_json_in_json_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path, monkeypatch)
    fake = FakeEngine()
    result = run_cli(["compose", "--progress", "json", "up", "nope"], fake, monkeypatch, capsys)
    assert result.code == 125
    assert json.loads(result.err) == {"error": True, "message": "no such service: nope"}


@pytest.mark.parametrize(
    ("verb", "message"),
    [
        (["up", "--bogus"], "unknown flag: --bogus"),
        (
            ["stop", "-t", "abc"],
            'invalid argument "abc" for "-t, --timeout" flag: '
            'strconv.ParseInt: parsing "abc": invalid syntax',
        ),
        (["logs", "-x"], "unknown shorthand flag: 'x' in -x"),
        *(
            ([verb, "nope"], "no such service: nope")
            for verb in ("start", "stop", "restart", "kill", "rm", "pause", "unpause", "logs")
        ),
        *(([verb, "nope"], "no such service: nope") for verb in ("ps", "top", "images")),
        (["port", "nope", "80"], "no such service: nope"),
    ],
)
def test_every_verbs_usage_errors_are_json_in_json_mode(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    verb: list[str],
    message: str,
) -> None:
    _project(tmp_path, monkeypatch)
    fake = FakeEngine(container_list=[_running()])
    result = run_cli(["compose", "--progress", "json", *verb], fake, monkeypatch, capsys)
    assert result.code == 125
    assert json.loads(result.err) == {"error": True, "message": message}
    # the same error in plain text without json
    plain = run_cli(["compose", *verb], fake, monkeypatch, capsys)
    assert (plain.code, plain.err) == (125, f"Error: {message}\n")


def test_compose_runs_dependencies_show_in_the_mode_chosen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path, monkeypatch)
    (tmp_path / "compose.yaml").write_text(
        "name: p\nservices:\n  web: {image: busybox}\n  job: {image: busybox, depends_on: [web]}\n"
    )
    fake = FakeEngine(network_summaries=[_network()])
    args = ["compose", "--progress", "json", "run", "--rm", "-T", "job", "true"]
    result = run_cli(args, fake, monkeypatch, capsys)
    events = [json.loads(line) for line in result.err.splitlines()]
    assert {"id": "Container p-web-1", "text": "Started"} in events
    # the one-off itself ran after its dependencies, and no line came as plain text
    assert [c for c, _ in fake.calls if c == "containers.run"] == ["containers.run"]
    quiet = run_cli(["compose", "--progress", "quiet", *args[3:]], fake, monkeypatch, capsys)
    assert quiet.err == ""


def test_the_run_view_ends_before_the_one_off_starts(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "name: p\nservices:\n  web: {image: busybox}\n  job: {image: busybox, depends_on: [web]}\n"
    )
    project = load_project(ComposeProjectOptions(cwd=str(tmp_path), environ={}))
    engine = FakeEngine(network_summaries=[_network()])
    seen: list[str] = []
    Runner(as_engine(engine), project).run_one_off(
        ComposeRunOptions(service="job"),
        lambda line: seen.append(f"{line} after {len(engine.calls)} calls"),
        ready=lambda: seen.append(f"ready after {len(engine.calls)} calls"),
    )
    assert seen[-1].startswith("ready after")
    assert any(" Container p-web-1  Started" in line for line in seen)
    # nothing of the one-off itself had happened when ready was called
    calls = int(seen[-1].split()[2])
    assert "containers.run" not in [c for c, _ in engine.calls[:calls]]
    assert engine.calls[-1][0] == "containers.run"


def _network() -> NetworkSummary:
    return NetworkSummary("p_default", "n", "bridge", "", (), False, False, True, (), (), 0.0)
