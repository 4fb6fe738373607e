"""Every pull retries (issue 15): the engine's own pulls for run, create and build carry
--retry/--retry-delay, and a pull without them takes containers.conf's [engine] retry
and retry_delay, else podman's 3 and doubling pauses (registry/retry.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.build import BuildOptions
from hutch.api.container_config import ImagePullOptions
from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.api.images import PullOptions, PullReport
from hutch.config.paths import Paths
from hutch.config.settings import Settings
from hutch.engine.build import BuildService, LocalBuildHost
from hutch.engine.context import EngineContext
from hutch.engine.distribution import Distribution
from hutch.engine.pull_policy import image_for_run
from hutch.registry.retry import RetryPolicy


def _ctx(tmp_path: Path, settings: Settings | None = None) -> EngineContext:
    paths = Paths(tmp_path / "data", tmp_path / "run", tmp_path / "config")
    return EngineContext(paths, settings or Settings())


class Refused(NoSuchObject):
    """The captured pull's answer: the test stops there."""


def _capture(monkeypatch: pytest.MonkeyPatch) -> list[PullOptions]:
    seen: list[PullOptions] = []

    def pull(self: Distribution, options: PullOptions) -> PullReport:
        seen.append(options)
        raise Refused("stop")

    monkeypatch.setattr(Distribution, "pull", pull)
    return seen


def test_run_and_creates_pull_carries_the_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _capture(monkeypatch)
    pull = ImagePullOptions(policy="always", retry=5, retry_delay="1s")
    with pytest.raises(Refused):
        image_for_run(_ctx(tmp_path), "example.org/img", pull)
    assert (seen[0].retry, seen[0].retry_delay) == (5, "1s")
    with pytest.raises(Refused):
        image_for_run(_ctx(tmp_path), "example.org/img", ImagePullOptions(policy="always"))
    assert (seen[1].retry, seen[1].retry_delay) == (None, None)  # the configured default


def test_a_bad_retry_delay_is_refused_before_any_pull(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _capture(monkeypatch)
    bad = ImagePullOptions(policy="never", retry_delay="foobar")
    with pytest.raises(InvalidArgument, match='time: invalid duration "foobar"'):
        image_for_run(_ctx(tmp_path), "img", bad)
    assert seen == []


def test_builds_from_pull_carries_the_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _capture(monkeypatch)
    host = LocalBuildHost(_ctx(tmp_path), True, None, None, (0, "250ms"))
    with pytest.raises(Refused):
        host._pull("example.org/img", "always")
    assert (seen[0].retry, seen[0].retry_delay) == (0, "250ms")


def test_a_bad_build_retry_delay_is_refused_before_the_build(tmp_path: Path) -> None:
    service = BuildService(_ctx(tmp_path))
    with pytest.raises(InvalidArgument, match='time: invalid duration "2"'):
        service.build(BuildOptions(context=str(tmp_path), retry_delay="2"))


def _policy_of(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings, options: PullOptions
) -> RetryPolicy:
    policies: list[RetryPolicy] = []

    def inner(self: Distribution, options: PullOptions, policy: RetryPolicy) -> PullReport:
        policies.append(policy)
        return PullReport(("id",), ())

    monkeypatch.setattr(Distribution, "_pull", inner)
    Distribution(_ctx(tmp_path, settings)).pull(options)
    return policies[0]


@pytest.mark.parametrize(
    ("settings", "options", "expected"),
    [
        (Settings(), PullOptions("img"), RetryPolicy(3, None)),  # podman's
        (Settings(retry=1, retry_delay=0.5), PullOptions("img"), RetryPolicy(1, 0.5)),
        (Settings(retry=1, retry_delay=0.5), PullOptions("img", retry=0), RetryPolicy(0, 0.5)),
        (
            Settings(retry=1, retry_delay=0.5),
            PullOptions("img", retry=4, retry_delay="3s"),
            RetryPolicy(4, 3.0),
        ),
    ],
)
def test_a_pull_without_flags_takes_the_configured_policy(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
    options: PullOptions,
    expected: RetryPolicy,
) -> None:
    assert _policy_of(tmp_path, monkeypatch, settings, options) == expected


def test_a_run_that_pulls_its_image_logs_podmans_pull_event(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from hutch.engine.events import log_path

    def pull(self: Distribution, options: PullOptions) -> PullReport:
        return PullReport(("ab" * 32, "ab" * 32), (options.reference,))

    monkeypatch.setattr(Distribution, "pull", pull)
    ctx = _ctx(tmp_path)
    with pytest.raises(NoSuchObject):  # nothing stored by the fake pull: the event is before
        image_for_run(ctx, "example.org/img:1", ImagePullOptions(policy="always"))
    lines = [json.loads(line) for line in log_path(ctx.paths).read_text().splitlines()]
    assert [(e["type"], e["action"], e["id"], e["name"]) for e in lines] == [
        ("image", "pull", "ab" * 32, "example.org/img:1")  # one an image
    ]
