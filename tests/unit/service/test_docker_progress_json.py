"""Docker's per-layer progress lines of pulls and pushes, from the engine's events."""

from __future__ import annotations

import json

from hutch.api.images import TransferEvent
from hutch.service.docker.progress_json import LayerProgress, progress_bar, progress_lines
from hutch.util.humansize import human_size

LAYER = "sha256:" + "5cc84ad355aa" + "0" * 52
OTHER = "sha256:" + "e" * 64


def test_sizes_and_bar_as_docker_prints_them() -> None:
    assert [human_size(n) for n in (0, 999, 1000, 2_797_000, 1_500_000_000)] == [
        "0B", "999B", "1kB", "2.797MB", "1.5GB",
    ]  # fmt: skip
    half = progress_bar(500, 1000)
    assert half.startswith("[" + "=" * 25 + ">" + " " * 25 + "]") and half.endswith("500B/1kB")
    assert progress_bar(1000, 1000).startswith("[" + "=" * 50 + ">]")
    assert progress_bar(7, 0) == "      7B"


def test_pull_lines_per_layer() -> None:
    def statuses(action: str, note: str = "") -> list[str]:
        event = TransferEvent(action, "blob", LAYER, 5, 10, note)
        lines = progress_lines(event, push=False)
        assert all(line["id"] == "5cc84ad355aa" for line in lines)
        return [line["status"] for line in lines]

    assert statuses("start") == ["Pulling fs layer"]
    assert statuses("done") == ["Download complete", "Pull complete"]
    assert statuses("skipped", "already exists") == ["Already exists"]
    (downloading,) = progress_lines(TransferEvent("advance", "blob", LAYER, 5, 10), push=False)
    assert downloading["progressDetail"] == {"current": 5, "total": 10}
    assert downloading["status"] == "Downloading" and downloading["progress"].startswith("[")
    assert progress_lines(TransferEvent("done", "config", LAYER), push=False) == []


def test_push_lines_per_layer() -> None:
    def statuses(action: str, note: str = "") -> list[str]:
        return [
            line["status"]
            for line in progress_lines(TransferEvent(action, "blob", LAYER, 0, 1, note), push=True)
        ]

    assert statuses("start") == ["Preparing"]
    assert statuses("advance") == ["Pushing"]
    assert statuses("done") == ["Pushed"]
    assert statuses("skipped", "already exists") == ["Layer already exists"]
    assert statuses("skipped", "mounted from team/app") == ["Mounted from team/app"]


def test_advances_between_two_looks_become_one_line_per_layer() -> None:
    progress = LayerProgress(push=False)
    assert progress.lines() == b""
    progress(TransferEvent("start", "blob", LAYER, 0, 30))
    progress(TransferEvent("start", "blob", OTHER, 0, 9))
    for done in (10, 20):
        progress(TransferEvent("advance", "blob", LAYER, done, 30))
        progress(TransferEvent("advance", "blob", OTHER, done // 10, 9))
    progress(TransferEvent("advance", "blob", LAYER, 30, 30))
    progress(TransferEvent("done", "blob", LAYER, 30, 30))
    lines = [json.loads(line) for line in progress.lines().splitlines()]
    assert [(line["id"][:4], line["status"]) for line in lines] == [
        ("5cc8", "Pulling fs layer"),
        ("eeee", "Pulling fs layer"),
        ("eeee", "Downloading"),
        ("5cc8", "Downloading"),
        ("5cc8", "Download complete"),
        ("5cc8", "Pull complete"),
    ]
    assert lines[2]["progressDetail"] == {"current": 2, "total": 9}
    assert lines[3]["progressDetail"] == {"current": 30, "total": 30}
    assert progress.lines() == b""
