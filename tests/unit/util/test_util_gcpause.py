"""The collector held off while a short command starts, and given back."""

from __future__ import annotations

import gc
import sys
import types
from collections.abc import Iterator

import pytest

from hutch.util import gcpause


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    thresholds, enabled = gc.get_threshold(), gc.isenabled()
    yield
    gc.set_threshold(*thresholds)
    if enabled:
        gc.enable()


def test_a_pause_stops_the_collections_until_resumed() -> None:
    thresholds = gc.get_threshold()
    assert gcpause.pause()
    assert gc.get_threshold()[0] >= gcpause.PAUSED
    gc.collect()
    before = gc.get_stats()[0]["collections"]
    for _ in range(thresholds[0] * 5):  # cycles enough to pass the threshold five times
        box: list[object] = []
        box.append(box)
    assert gc.get_stats()[0]["collections"] == before
    assert not gcpause.pause()  # paused already: the first pause's resume gives it back
    gcpause.resume()
    assert gc.get_threshold() == thresholds
    for _ in range(thresholds[0] * 5):
        box = []
        box.append(box)
    assert gc.get_stats()[0]["collections"] > before


def test_a_collector_turned_off_by_the_caller_stays_off() -> None:
    gc.disable()
    thresholds = gc.get_threshold()
    assert not gcpause.pause()
    gcpause.resume()
    assert not gc.isenabled()
    assert gc.get_threshold() == thresholds


def test_a_frozen_resume_leaves_start_up_out_of_later_collections() -> None:
    gc.unfreeze()
    assert gcpause.pause()
    made = [[] for _ in range(100)]  # what start-up made
    gcpause.resume(freeze=True)
    try:
        assert gc.get_freeze_count() >= len(made)
    finally:
        gc.unfreeze()


def test_resume_without_a_pause_changes_nothing() -> None:
    thresholds = gc.get_threshold()
    gcpause.resume()
    assert gc.get_threshold() == thresholds
    assert gc.isenabled()


def test_the_fast_path_pauses_its_verb_and_gives_the_collector_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hutch.cli import fast, fastspec

    seen: list[int] = []

    def body(_state: object) -> int:
        seen.append(gc.get_threshold()[0])
        return 3

    verb = types.ModuleType("hutch.cli.gcpause_probe")
    verb.body = body  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "hutch.cli.gcpause_probe", verb)
    monkeypatch.setitem(fastspec.VERBS, "probe", ("gcpause_probe", "body", fastspec.VERBS["rm"][2]))
    monkeypatch.setitem(fastspec.VERBS, "system service", ("gcpause_probe", "body", {}))
    thresholds = gc.get_threshold()
    assert fast._call(fast.Parsed({}, "probe", {}), ["probe"], None) == 3
    assert gc.get_threshold() == thresholds  # an in-process caller keeps its collector
    # a server runs long from its start: never paused
    assert fast._call(fast.Parsed({}, "system service", {}), ["system", "service"], None) == 3
    assert seen == [thresholds[0] + gcpause.PAUSED, thresholds[0]]
