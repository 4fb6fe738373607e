"""Differential: the events podman 4.3.1 records for a container's life (run, run --rm,
run -d, exec, kill, start -a), an image's save and load, a pod, and its filters,
beside hutch's for the same commands (issue 15). podman's event log is the user's,
shared by every podman store: each check keeps to the names it made."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture


def _call(tool: Hutch | Run, *args: str) -> subprocess.CompletedProcess[str]:
    """ARGS through either, whatever their exit code."""
    return tool(*args, check=False) if isinstance(tool, Hutch) else tool(*args)


def _events(tool: Hutch | Run, since: str, *filters: str) -> list[dict[str, object]]:
    argv = ["events", "--stream=false", "--since", since, "--format", "json"]
    for item in filters:
        argv += ["--filter", item]
    shown = tool(*argv)
    assert shown.returncode == 0, shown
    return [json.loads(line) for line in shown.stdout.splitlines()]


def _life(tool: Hutch | Run, since: str, name: str) -> list[tuple[object, object]]:
    """(Status, ContainerExitCode) of the container's events; a removal's exit code aside
    (current podman gives it, 4.3.1 did not). podman 4.3.1 sometimes records one exec's
    `exec_died` twice (the exec session's end and its cleanup race to log it): a repeat
    of podman's is dropped, hutch's would fail the check."""
    life = [
        (e["Status"], None if e["Status"] == "remove" else e.get("ContainerExitCode"))
        for e in _events(tool, since, f"container={name}")
    ]
    if isinstance(tool, Hutch):
        return life
    return [
        event
        for i, event in enumerate(life)
        if not (event[0] == "exec_died" and i and life[i - 1] == event)
    ]


def test_the_events_of_a_containers_life_in_podmans_order(
    hutch: Hutch, podman: Run, base_image: str
) -> None:
    since = str(int(time.time()) - 1)
    for tool in (hutch, podman):
        assert tool("run", "--rm", "--name", "h18e-rm", base_image, "true").returncode == 0
        attached = _call(tool, "run", "--name", "h18e-at", "--label", "h18e=x", base_image,
                         "sh", "-c", "exit 2")  # fmt: skip
        assert attached.returncode == 2, attached
        assert tool("run", "-d", "--name", "h18e-d", base_image, "sleep", "100").returncode == 0
        assert _call(tool, "exec", "h18e-d", "sh", "-c", "exit 3").returncode == 3
        assert tool("kill", "h18e-d").returncode == 0
        assert tool("wait", "h18e-d").returncode == 0
        assert _call(tool, "start", "-a", "h18e-at").returncode == 2
    time.sleep(1)  # podman's cleanup is its conmon's, after the wait
    try:
        for tool in (hutch, podman):
            assert _life(tool, since, "h18e-rm") == [
                ("create", None), ("init", None), ("start", None), ("attach", None),
                ("died", None), ("remove", None),
            ], tool  # fmt: skip
            assert _life(tool, since, "h18e-d") == [
                ("create", None), ("init", None), ("start", None), ("exec", None),
                ("exec_died", 3), ("kill", None), ("died", 137), ("cleanup", None),
            ], tool  # fmt: skip
            life = [("init", None), ("start", None), ("attach", None), ("died", 2),
                    ("cleanup", None)]  # fmt: skip
            assert _life(tool, since, "h18e-at") == [("create", None), *life, *life], tool
        # values of one key are alternatives, keys must all match
        argv = ("container=h18e-rm", "container=h18e-d", "event=start")
        for tool in (hutch, podman):
            assert [e["Name"] for e in _events(tool, since, *argv)] == ["h18e-rm", "h18e-d"]
        # labels are the container's events' attributes, and a filter
        lines: list[list[str]] = []
        for tool in (hutch, podman):
            cid = tool("inspect", "--format", "{{.Id}}", "h18e-at").stdout.strip()
            shown = tool("events", "--stream=false", "--since", since, "--filter",
                         "label=h18e=x", "--filter", "event=create")  # fmt: skip
            lines.append([line.split(" UTC ", 1)[1].replace(cid, "ID")
                           for line in shown.stdout.splitlines()])  # fmt: skip
            json_ = _events(tool, since, "label=h18e=x", "event=died")
            assert [e["Attributes"] for e in json_] == [{"h18e": "x"}] * 2, tool
        assert (
            lines[0]
            == lines[1]
            == ["container create ID (image=localhost/base:latest, name=h18e-at, h18e=x)"]
        )
    finally:
        for tool in (hutch, podman):
            _call(tool, "rm", "-f", "-t", "0", "h18e-at", "h18e-d")


def test_image_save_and_load_events(
    hutch: Hutch, podman: Run, base_image: str, tmp_path: Path
) -> None:
    since = str(int(time.time()) - 1)
    archives = [(hutch, str(tmp_path / "hutch.tar")), (podman, str(tmp_path / "podman.tar"))]
    for tool, archive in archives:
        assert tool("save", "-o", archive, base_image).returncode == 0
        assert tool("load", "-q", "-i", archive).returncode == 0
    for tool, archive in archives:
        mine = [e for e in _events(tool, since, "type=image") if e["Name"] == archive]
        # podman 4.3.1's load names no image; current podman's does, as hutch's
        assert [e["Status"] for e in mine] == ["save", "loadfromarchive"], tool
        image_id = tool("image", "inspect", "--format", "{{.Id}}", base_image).stdout.strip()
        assert mine[0]["ID"] == image_id.removeprefix("sha256:"), tool


def test_pod_events_and_the_pod_filter(hutch: Hutch, podman: Run) -> None:
    since = str(int(time.time()) - 1)
    for tool in (hutch, podman):
        assert tool("pod", "create", "--name", "h18e-p").returncode == 0
        assert tool("pod", "rm", "h18e-p").returncode == 0
    for tool in (hutch, podman):
        shown = _events(tool, since, "pod=h18e-p")
        assert [(e["Type"], e["Status"], e["Name"]) for e in shown] == [
            ("pod", "create", "h18e-p"),
            ("pod", "remove", "h18e-p"),
        ], tool
        text = tool("events", "--stream=false", "--since", since, "--filter", "pod=h18e-p")
        assert [line.split(" UTC ", 1)[1].split()[:2] for line in text.stdout.splitlines()] == [
            ["pod", "create"],
            ["pod", "remove"],
        ]
        assert all(line.endswith(" (image=, name=h18e-p)") for line in text.stdout.splitlines())
