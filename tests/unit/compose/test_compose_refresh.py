"""``pull_policy: daily|weekly|every_<duration>|refresh``: the window, when ``up`` pulls,
and the time of the last pull recorded (against the fake engine)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from hutch.api.compose import ComposeProjectOptions, ComposePullOptions, ComposeUpOptions
from hutch.api.errors import NoSuchObject
from hutch.api.images import ImageSummary, PullOptions
from hutch.api.networks import NetworkSummary
from hutch.compose import refresh
from hutch.compose.errors import ComposeError
from hutch.compose.planner import Runner
from hutch.compose.project import Project, load_project
from unit.cli.test_cli_rmi import INSPECT
from unit.fakes import FakeEngine, as_engine

DAY = 86400.0


@pytest.mark.parametrize(
    ("service", "seconds"),
    [
        ({"pull_policy": "daily"}, DAY),
        ({"pull_policy": "weekly"}, 7 * DAY),
        ({"pull_policy": "every_12h"}, 12 * 3600.0),
        ({"pull_policy": "every_1d12h"}, 1.5 * DAY),
        ({"pull_policy": "every_2w"}, 14 * DAY),
        ({"pull_policy": "every_90s"}, 90.0),
        ({"pull_policy": "refresh", "pull_refresh_after": "30m"}, 1800.0),
        ({"pull_policy": "refresh"}, None),  # compose-go: missing
        ({"pull_policy": "always", "pull_refresh_after": "1h"}, None),
        ({"pull_policy": "missing"}, None),
        ({}, None),
    ],
)
def test_the_window_of_each_policy(service: dict[str, str], seconds: float | None) -> None:
    assert refresh.window(service) == seconds


@pytest.mark.parametrize("text", ["", "1x", "h", "1h 2m", "-1h", "1.5"])
def test_a_bad_duration_is_named(text: str) -> None:
    with pytest.raises(ValueError, match="invalid duration"):
        refresh.duration(text)


def _summary(tagged: float) -> ImageSummary:
    return ImageSummary(
        INSPECT.id, ("docker.io/library/busybox:latest",), "", 1.0, 1, tagged=tagged
    )


def test_due_when_missing_or_older_than_the_window() -> None:
    now = time.time()
    engine = FakeEngine(image_inspects=[INSPECT], image_list=[_summary(now - 2 * DAY)])
    assert refresh.due(as_engine(engine), "busybox", DAY, now)
    assert not refresh.due(as_engine(engine), "busybox", 7 * DAY, now)
    engine.image_list = [_summary(now - 60)]
    assert not refresh.due(as_engine(engine), "busybox", DAY, now)
    engine.image_inspects = []  # not here: pull it
    assert refresh.due(as_engine(engine), "busybox", DAY, now)


def test_a_pull_records_its_time_by_naming_the_image_again() -> None:
    engine = FakeEngine()
    lines: list[str] = []
    refresh.pull(as_engine(engine), "web", "busybox", lines.append, quiet=True)
    assert engine.calls == [
        ("images.pull", PullOptions(reference="busybox", quiet=True)),
        ("images.tag", ("busybox", ("busybox",))),
    ]
    assert lines == [" Service web  Pulling busybox", " Service web  Pulled"]


COMPOSE = """\
name: p
services:
  web: {image: busybox, pull_policy: daily}
  db: {image: busybox, pull_policy: never}
  job: {image: busybox, pull_policy: "refresh", pull_refresh_after: 2h}
"""


def _project(tmp_path: Path, text: str = COMPOSE) -> Project:
    (tmp_path / "compose.yaml").write_text(text)
    return load_project(ComposeProjectOptions(cwd=str(tmp_path), environ={}))


def _pulled(engine: FakeEngine) -> list[str]:
    return [o.reference for c, o in engine.calls if c == "images.pull"]


def test_up_pulls_the_stale_images_before_it_creates(tmp_path: Path) -> None:
    network = NetworkSummary("p_default", "n", "bridge", "", (), False, False, True, (), (), 0.0)
    three_hours = time.time() - 3 * 3600
    engine = FakeEngine(
        image_inspects=[INSPECT],
        image_list=[_summary(three_hours)],
        network_summaries=[network],
        existing_images=("busybox",),  # db's never finds it
    )
    Runner(as_engine(engine), _project(tmp_path)).up(
        ComposeUpOptions(no_start=True), lambda line: None
    )
    assert _pulled(engine) == ["busybox"]  # job's 2 h are up, web's day is not
    first_create = next(i for i, (c, _) in enumerate(engine.calls) if c == "containers.create")
    assert max(i for i, (c, _) in enumerate(engine.calls) if c == "images.tag") < first_create
    # the create itself never pulls again
    creates = [o for c, o in engine.calls if c == "containers.create"]
    assert {o.pull.policy for o in creates} == {"missing", "never"}
    # --pull overrides each service's policy
    engine.calls.clear()
    Runner(as_engine(engine), _project(tmp_path)).up(
        ComposeUpOptions(no_start=True, pull="never"), lambda line: None
    )
    assert _pulled(engine) == []


def test_a_bad_window_names_the_file_and_line(tmp_path: Path) -> None:
    project = _project(tmp_path, COMPOSE.replace("2h", "2 hours"))
    with pytest.raises(ComposeError, match=r"compose.yaml:5: .*invalid duration '2 hours'"):
        Runner(as_engine(FakeEngine()), project).up(ComposeUpOptions(no_start=True), print)


def test_compose_pull_records_the_time_of_refreshing_services(tmp_path: Path) -> None:
    engine = FakeEngine()
    Runner(as_engine(engine), _project(tmp_path)).pull(ComposePullOptions(), lambda line: None)
    # db is never pulled; web and job are, and their time is recorded
    assert [c for c, _ in engine.calls] == [
        "images.pull",
        "images.tag",
        "images.pull",
        "images.tag",
    ]


def test_an_always_image_is_pulled_with_its_row_and_not_again_by_the_create(
    tmp_path: Path,
) -> None:
    network = NetworkSummary("p_default", "n", "bridge", "", (), False, False, True, (), (), 0.0)
    engine = FakeEngine(
        image_inspects=[INSPECT],
        image_list=[_summary(time.time())],
        network_summaries=[network],
        existing_images=("busybox",),
    )
    text = "name: p\nservices:\n  web: {image: busybox, pull_policy: always}\n"
    lines: list[str] = []
    Runner(as_engine(engine), _project(tmp_path, text)).up(
        ComposeUpOptions(no_start=True), lines.append
    )
    assert _pulled(engine) == ["busybox"]  # present, pulled all the same
    assert lines[:2] == [" Service web  Pulling busybox", " Service web  Pulled"]
    [create] = [o for c, o in engine.calls if c == "containers.create"]
    assert create.pull.policy == "missing"  # type: ignore[attr-defined]
    # --pull always does the same for a service without the policy
    engine.calls.clear()
    lines.clear()
    Runner(as_engine(engine), _project(tmp_path, text.replace(", pull_policy: always", ""))).up(
        ComposeUpOptions(no_start=True, pull="always", force_recreate=True), lines.append
    )
    assert _pulled(engine) == ["busybox"]
    assert " Service web  Pulled" in lines


# --- what ``up`` pulls before it makes anything (issue 17) ------------------------------

BUILT_AND_NAMED = """\
name: p
services:
  app:
    image: localhost/app:1
    build: {context: ., dockerfile_inline: "FROM busybox"}
"""


def _engine(**answers: Any) -> FakeEngine:
    """A fake whose network create answers (the project's network does not exist)."""
    made = NetworkSummary("made", "n", "bridge", "", (), False, False, True, (), (), 0.0)
    return FakeEngine(network_summaries=[made], **answers)


def _made(engine: FakeEngine) -> list[str]:
    return [c for c, _ in engine.calls if c in ("networks.create", "volumes.create")]


@pytest.mark.parametrize(
    ("pull", "present", "pulled", "policy"),
    [
        ("always", True, ["localhost/app:1"], "missing"),  # pulled by up, not again by create
        ("missing", False, ["localhost/app:1"], "missing"),
        ("missing", True, [], "missing"),
        (None, False, ["localhost/app:1"], "missing"),  # its pull_policy: missing
    ],
)
def test_no_build_pulls_a_built_service_s_image_as_pull_says(
    tmp_path: Path, pull: str | None, present: bool, pulled: list[str], policy: str
) -> None:
    engine = _engine(existing_images=("localhost/app:1",) if present else ())
    Runner(as_engine(engine), _project(tmp_path, BUILT_AND_NAMED)).up(
        ComposeUpOptions(no_start=True, no_build=True, pull=pull), lambda line: None
    )
    assert _pulled(engine) == pulled
    names = [c for c, _ in engine.calls]
    if pulled:  # before the network
        assert names.index("images.pull") < names.index("networks.create")
    assert not any(c == "images.build" for c in names)
    (create,) = [o for c, o in engine.calls if c == "containers.create"]
    assert create.pull.policy == policy


def test_without_no_build_a_built_service_is_built_not_pulled(tmp_path: Path) -> None:
    engine = _engine(existing_images=("localhost/app:1",))
    Runner(as_engine(engine), _project(tmp_path, BUILT_AND_NAMED)).up(
        ComposeUpOptions(no_start=True, pull="always"), lambda line: None
    )
    assert _pulled(engine) == []


@pytest.mark.parametrize(
    ("text", "options"),
    [
        (
            "name: p\nservices:\n  web: {image: localhost/absent:1}\n",
            ComposeUpOptions(pull="never"),
        ),
        (
            "name: p\nservices:\n  web: {image: localhost/absent:1, pull_policy: never}\n",
            ComposeUpOptions(),
        ),
        (BUILT_AND_NAMED, ComposeUpOptions(pull="never", no_build=True)),
    ],
)
def test_a_missing_never_image_fails_before_anything_is_made(
    tmp_path: Path, text: str, options: ComposeUpOptions
) -> None:
    engine = FakeEngine()
    with pytest.raises(NoSuchObject, match=r"image not known"):
        Runner(as_engine(engine), _project(tmp_path, text)).up(options, lambda line: None)
    assert _made(engine) == [] and _pulled(engine) == []


def test_a_failing_pull_fails_before_anything_is_made(tmp_path: Path) -> None:
    class Refusing(FakeEngine):
        def record(self, method: str, argument: object) -> None:
            super().record(method, argument)
            if method == "images.pull":
                raise NoSuchObject("localhost/absent:1: manifest unknown")

    engine = Refusing()
    text = "name: p\nservices:\n  web: {image: localhost/absent:1}\nvolumes: {data: {}}\n"
    with pytest.raises(NoSuchObject, match="manifest unknown"):
        Runner(as_engine(engine), _project(tmp_path, text)).up(
            ComposeUpOptions(no_start=True, pull="always"), lambda line: None
        )
    assert _pulled(engine) == ["localhost/absent:1"] and _made(engine) == []
