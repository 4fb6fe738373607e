"""The events current podman records and 4.3.1 did not (or recorded otherwise), through
hutch alone: exec_died's session id, rename, commit, export, an image's tag and
untag, volume and pod labels, network create and remove, and their filters (issue 15)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from harness import Hutch


def _events(hutch: Hutch, *filters: str) -> list[dict[str, object]]:
    argv = ["events", "--stream=false", "--format", "json"]
    for item in filters:
        argv += ["--filter", item]
    return [json.loads(line) for line in hutch(*argv).stdout.splitlines()]


def test_exec_rename_commit_export(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    hutch("run", "-d", "--name", "k1", "--label", "app=k", base_image, "sleep", "100")
    try:
        assert hutch("exec", "k1", "sh", "-c", "exit 4", check=False).returncode == 4
        hutch("rename", "k1", "k2")
        hutch("commit", "-q", "k2", "k2img")
        hutch("export", "-o", str(tmp_path / "k.tar"), "k2")
        shown = _events(hutch, "type=container", "label=app=k")
        assert [(e["Name"], e["Status"]) for e in shown][3:] == [
            ("k1", "exec"), ("k1", "exec_died"), ("k2", "rename"), ("k2", "commit"),
            ("k2", "export"),
        ]  # fmt: skip
        died = shown[4]
        assert died["ContainerExitCode"] == 4
        attributes = died["Attributes"]
        assert isinstance(attributes, dict) and attributes["app"] == "k"
        assert re.fullmatch("[0-9a-f]{64}", str(attributes["execID"])), attributes
        template = '{{.Status}} {{.ContainerExitCode}} {{index .Attributes "app"}}'
        lines = hutch("events", "--stream=false", "--filter", "event=exec_died",
                      "--format", template).stdout  # fmt: skip
        assert lines == "exec_died 4 k\n"
        # renamed while it ran: its monitor logs the death under the new name, as podman
        hutch("kill", "k2")
        hutch("wait", "k2")
        deadline = time.monotonic() + 20
        while not (ends := _events(hutch, "label=app=k", "event=cleanup")):
            assert time.monotonic() < deadline, "no cleanup event"
            time.sleep(0.2)
        assert [e["Name"] for e in _events(hutch, "label=app=k", "event=died")] == ["k2"]
        assert [e["Name"] for e in ends] == ["k2"]
    finally:
        hutch("rm", "-f", "-t", "0", "k2", check=False)


def test_image_volume_network_and_pod_events(hutch: Hutch, base_image: str) -> None:
    hutch("tag", base_image, "kt:1")
    hutch("untag", base_image, "kt:1")
    hutch("volume", "create", "--label", "v=1", "kvol")
    hutch("volume", "rm", "kvol")
    hutch("network", "create", "knet")
    net_id = hutch("network", "inspect", "--format", "{{.ID}}", "knet").stdout.strip()
    hutch("network", "rm", "knet")
    hutch("pod", "create", "--label", "p=1", "--name", "kpod")
    hutch("pod", "rm", "kpod")
    images = [(e["Status"], e["Name"]) for e in _events(hutch, "type=image")][-2:]
    assert images == [("tag", "kt:1"), ("untag", "localhost/kt:1")]  # podman's names
    volumes = _events(hutch, "volume=kv")  # a prefix of the name will do
    assert [(e["Status"], e["Attributes"]) for e in volumes] == [
        ("create", {"v": "1"}),
        ("remove", {"v": "1"}),
    ]
    for key in ("knet", net_id[:12]):
        networks = _events(hutch, f"network={key}")
        assert [(e["Status"], e["network"], e["ID"]) for e in networks] == [
            ("create", "knet", net_id),
            ("remove", "knet", net_id),
        ], key
    assert networks[0]["Attributes"] == {"driver": "bridge"}
    pods = _events(hutch, "pod=kpod", "label=p")
    assert [(e["Status"], e["Attributes"]) for e in pods] == [
        ("create", {"p": "1"}),
        ("remove", {"p": "1"}),
    ]
    assert _events(hutch, "pod=kpod", "label=p=2") == []
    text = hutch("events", "--stream=false", "--filter", "volume=kvol").stdout.splitlines()
    assert [line.split(" UTC ", 1)[1] for line in text] == [
        "volume create kvol",
        "volume remove kvol",
    ]


def test_init_then_start_and_restart_in_podmans_order(hutch: Hutch, base_image: str) -> None:
    """podman 4.3.1's order too: ``init`` is logged once (by init, not again by the
    start); ``restart`` comes before the new run's ``init`` and ``start``."""
    hutch("create", "--name", "ki", base_image, "sh", "-c", "exit 5")
    hutch("init", "ki")
    hutch("start", "ki")
    hutch("wait", "ki")
    hutch("restart", "ki")
    hutch("wait", "ki")
    try:
        deadline = time.monotonic() + 20
        while True:
            seen = [
                (e["Status"], e.get("ContainerExitCode")) for e in _events(hutch, "container=ki")
            ]
            if len(seen) >= 10 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        run = [("died", 5), ("cleanup", None)]
        assert seen == [
            ("create", None), ("init", None), ("start", None), *run,
            ("restart", None), ("init", None), ("start", None), *run,
        ], seen  # fmt: skip
        hutch("rm", "ki")  # current podman's removal carries the last exit code
        assert _events(hutch, "container=ki", "event=remove")[0]["ContainerExitCode"] == 5
    finally:
        hutch("rm", "-f", "ki", check=False)
