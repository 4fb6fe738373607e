"""A pull's layer rows (docker compose's "Pulling fs layer", "Downloading",
"Pull complete" under the image's row), and --quiet-pull / pull -q without them."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from hutch.api.compose import (
    ComposeProjectOptions,
    ComposePullOptions,
    ComposeRunOptions,
    ComposeUpOptions,
)
from hutch.api.images import PullOptions, PullReport, TransferEvent
from hutch.api.networks import NetworkSummary
from hutch.cli import compose_progress
from hutch.cli.compose_progress import TtyView, json_event
from hutch.compose import layers, refresh
from hutch.compose.distribute import pull
from hutch.compose.layers import LayerRows
from hutch.compose.planner import Runner
from hutch.compose.project import load_project
from unit import fakes
from unit.fakes import FakeEngine, as_engine

A = "sha256:" + "a" * 64
B = "sha256:" + "b" * 64
STEPS = [
    TransferEvent("start", "config", "sha256:" + "c" * 64),  # never shown
    TransferEvent("start", "blob", A),
    TransferEvent("skipped", "blob", B, note="already exists"),
    TransferEvent("advance", "blob", A, done=512, total=2048),
    TransferEvent("advance", "blob", A, done=1024, total=2048),  # too soon after: left out
    TransferEvent("retry", "blob", A),
    TransferEvent("done", "blob", A, done=2048, total=2048),
]
SAID = [
    " Layer web/aaaaaaaaaaaa  Pulling fs layer",
    " Layer web/bbbbbbbbbbbb  Already exists",
    " Layer web/aaaaaaaaaaaa  Downloading 25%",
    " Layer web/aaaaaaaaaaaa  Retrying",
    " Layer web/aaaaaaaaaaaa  Pull complete",
]


def test_each_step_is_docker_composes_word(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(layers.time, "monotonic", lambda: 100.0)  # type: ignore[attr-defined]
    lines: list[str] = []
    rows = LayerRows("web", lines.append)
    for step in STEPS:
        rows(step)
    assert lines == SAID
    # a byte count EVERY seconds later is said again; one without a total has no share
    monkeypatch.setattr(layers.time, "monotonic", lambda: 100.0 + layers.EVERY)  # type: ignore[attr-defined]
    rows(TransferEvent("advance", "blob", A, done=4096, total=0))
    assert lines[-1] == " Layer web/aaaaaaaaaaaa  Downloading"


def _pulling(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake engine's pull reports STEPS to the caller's on_progress, as the engine does."""
    monkeypatch.setattr(layers.time, "monotonic", lambda: 100.0)  # type: ignore[attr-defined]

    def answer(e: FakeEngine, options: PullOptions) -> PullReport:
        for step in STEPS if options.on_progress else ():
            options.on_progress(step)  # type: ignore[misc]
        return PullReport(("1" * 64,), (options.reference,))

    monkeypatch.setitem(fakes.ANSWERS, "images.pull", answer)


@pytest.mark.parametrize("quiet", [False, True])
def test_up_and_run_pulls_show_layers_unless_quiet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quiet: bool
) -> None:
    _pulling(monkeypatch)
    (tmp_path / "compose.yaml").write_text(
        "name: p\nservices:\n  web: {image: busybox}\n"
        "  job: {image: busybox, depends_on: [web], pull_policy: always}\n"
    )
    project = load_project(ComposeProjectOptions(cwd=str(tmp_path), environ={}))
    network = NetworkSummary("p_default", "n", "bridge", "", (), False, False, True, (), (), 0.0)
    engine = FakeEngine(network_summaries=[network])
    lines: list[str] = []
    runner = Runner(as_engine(engine), project)
    runner.up(ComposeUpOptions(no_start=True, services=("web",), quiet_pull=quiet), lines.append)
    layered = [] if quiet else SAID
    # the service's own rows stay with --quiet-pull, as docker compose keeps them
    assert lines[: 7 - 5 * quiet] == [
        " Service web  Pulling busybox",
        *layered,
        " Service web  Pulled",
    ]
    lines.clear()
    runner.one_off(ComposeRunOptions("job", no_deps=True, quiet_pull=quiet), lines.append)
    assert lines[: 7 - 5 * quiet] == [
        " Service job  Pulling busybox",
        *(line.replace("web/", "job/") for line in layered),
        " Service job  Pulled",
    ]


@pytest.mark.parametrize("quiet", [False, True])
def test_compose_pull_q_keeps_the_service_rows_only(
    monkeypatch: pytest.MonkeyPatch, quiet: bool
) -> None:
    _pulling(monkeypatch)
    lines: list[str] = []
    services = {"web": {"image": "busybox"}}
    pull(as_engine(FakeEngine()), services, ComposePullOptions(quiet=quiet), lines.append)
    layered = [] if quiet else SAID
    assert lines == [" Service web  Pulling busybox", *layered, " Service web  Pulled"]


def test_refresh_pull_hands_the_engine_the_layer_rows() -> None:
    engine = FakeEngine()
    refresh.pull(as_engine(engine), "web", "busybox", lambda line: None)
    [(_, options)] = [c for c in engine.calls if c[0] == "images.pull"]
    assert isinstance(options.on_progress, LayerRows)


def _rows(out: io.StringIO) -> list[str]:
    screen: list[str] = []
    for part in re.split(r"(\x1b\[\d+F\x1b\[J)", out.getvalue()):
        if m := re.fullmatch(r"\x1b\[(\d+)F\x1b\[J", part):
            del screen[len(screen) - int(m.group(1)) :]
        else:
            screen += part.splitlines()
    return [re.sub(r" \d+\.\ds$", "", re.sub(r" +", " ", row).rstrip()) for row in screen]


def test_the_view_draws_layers_under_their_service() -> None:
    out = io.StringIO()
    view = TtyView("Running", out, colour=False)
    view(" Service web  Pulling busybox")
    view(" Service db  Pulling busybox")
    view(" Layer web/aaaaaaaaaaaa  Downloading 25%")  # web's, though db's row came between
    view(" Layer db/bbbbbbbbbbbb  Already exists")
    assert view.lines(0.0)[0] == "[+] Running 0/2"  # layers are not counted
    view(" Layer web/aaaaaaaaaaaa  Pull complete")
    view(" Service web  Pulled")
    view(" Service db  Pulled")
    view.close()
    assert _rows(out) == [
        "[+] Running 2/2",
        " ✔ Service web Pulled",
        " ✔ aaaaaaaaaaaa Pull complete",
        " ✔ Service db Pulled",
        " ✔ bbbbbbbbbbbb Already exists",
    ]
    assert "   ✔ aaaaaaaaaaaa" in out.getvalue()  # indented under its service


@pytest.mark.parametrize(
    ("line", "event"),
    [
        (
            " Layer web/aaaaaaaaaaaa  Downloading 25%",
            {
                "id": "aaaaaaaaaaaa",
                "parent_id": "Service web",
                "text": "Downloading",
                "status": "25%",
            },
        ),
        (
            " Layer web/aaaaaaaaaaaa  Pulling fs layer",
            {"id": "aaaaaaaaaaaa", "parent_id": "Service web", "text": "Pulling fs layer"},
        ),
    ],
)
def test_json_layer_events_name_their_parent(line: str, event: dict[str, Any]) -> None:
    assert json.loads(json_event(line)) == event


def test_plain_leaves_out_the_byte_counts(capsys: pytest.CaptureFixture[str]) -> None:
    for line in SAID:
        compose_progress._plain(line)
    assert capsys.readouterr().err.splitlines() == [s for s in SAID if "Downloading" not in s]
