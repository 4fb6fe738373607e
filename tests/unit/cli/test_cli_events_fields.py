"""podman's event fields: .ContainerExitCode of died and exec_died, .PodID, the labels as
.Attributes, and its lines for containers, pods, images and volumes."""

from __future__ import annotations

import json

from hutch.api.events import Event
from hutch.cli import events, templating

T = 1_700_000_000_123_456_789
CID = "c" * 64
EXEC_DIED = Event(
    T, "container", "exec_died", CID, "web", "localhost/base:latest",
    {"execID": "e" * 64, "exitCode": "3", "tier": "front"},
)  # fmt: skip
MEMBER = Event(
    T, "container", "start", CID, "web", "localhost/base:latest", {"podID": "p" * 64, "b": "2"}
)


def test_exec_died_carries_the_exit_code_and_the_session_among_the_attributes() -> None:
    data = json.loads(events.json_line(EXEC_DIED))
    assert data["ContainerExitCode"] == 3
    assert data["Attributes"] == {"execID": "e" * 64, "tier": "front"}
    shown = templating.render_one(
        "{{.Status}} {{.ContainerExitCode}} {{.Attributes.execID}}",
        events.template_of(EXEC_DIED),
        name="events",
    )
    assert shown == f"exec_died 3 {'e' * 64}\n"


def test_a_pod_members_events_name_the_pod() -> None:
    data = json.loads(events.json_line(MEMBER))
    assert data["PodID"] == "p" * 64 and data["Attributes"] == {"b": "2"}
    assert "ContainerExitCode" not in data
    shown = templating.render_one(
        "{{.PodID}}|{{.ContainerExitCode}}", events.template_of(MEMBER), name="events"
    )
    assert shown == f"{'p' * 64}|0\n"
    assert events.text_of(MEMBER).endswith(
        f" container start {CID} (image=localhost/base:latest, name=web, pod_id={'p' * 64}, b=2)"
    )


def test_lines_as_podman_writes_them() -> None:
    died = Event(T, "container", "died", CID, "job", "base", {"exitCode": "0", "a": "1"})
    assert events.text_of(died).endswith(f" container died {CID} (image=base, name=job, a=1)")
    assert events.text_of(died, truncate=True).endswith(
        f" died {CID[:12]} (image=base, name=job, a=1)"
    )
    pod = Event(T, "pod", "create", "p" * 64, "pp", "", {"team": "a"})
    assert events.text_of(pod).endswith(f" pod create {'p' * 64} (image=, name=pp, team=a)")
    pull = Event(T, "image", "pull", "", "base", "", {})
    assert events.text_of(pull).endswith(" image pull  base")  # podman's, no id
    volume = Event(T, "volume", "create", "", "v1", "", {"l": "v"})
    assert events.text_of(volume).endswith(" volume create v1")
    net = Event(T, "network", "create", "ab" * 32, "", "", {"network": "n1", "driver": "bridge"})
    assert events.text_of(net).endswith(
        f" network create {'ab' * 32} (container={'ab' * 32}, name=n1)"
    )
    assert json.loads(events.json_line(net))["Attributes"] == {"driver": "bridge"}
