"""Differential: the events podman 4.3.1 records beyond a container's plain life (issue
15): a run's pull, a detached exec's end, health checks; and the health check's
durations as inspect shows them. podman's event log is the user's, shared by every
podman store: each check keeps to the names it made and to its own time."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture
from registry_helpers import Registry, running_registry
from test_events_peer import _call, _events, _life

INSECURE = "--tls-verify=false"


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    with running_registry(tmp_path_factory.mktemp("events-registry"), "plain") as reg:
        yield reg


def test_a_run_that_pulls_its_image_logs_the_pull_before_the_create(
    hutch: Hutch, podman: Run, base_image: str, registry: Registry
) -> None:
    ref = registry.ref("h19e/app:1")
    hutch("push", "-q", INSECURE, base_image, ref)
    _call(hutch, "rmi", ref)  # in case the push named the local image too
    since = str(int(time.time()) - 1)
    try:
        for tool in (hutch, podman):
            ran = _call(tool, "run", "--rm", INSECURE, "--name", "h19e-pull", ref, "true")
            assert ran.returncode == 0, ran
        for tool in (hutch, podman):
            mine = [
                e
                for e in _events(tool, since)
                if e.get("Name") in (ref, "h19e-pull") and e["Status"] not in ("push", "untag")
            ]
            seen = [(e["Type"], e["Status"], e["Name"]) for e in mine]
            if tool is podman:
                # podman 4.3.1 logs the pull from libimage's event channel, which its
                # runtime drains on its own: before the create or as late as after the
                # init, run to run; that it is logged is what the peer shows
                assert ("image", "pull", ref) in seen, seen
                continue
            assert seen[:2] == [("image", "pull", ref), ("container", "create", "h19e-pull")]
        # the image's id, as current podman's; 4.3.1's pull event had none
        image_id = hutch("image", "inspect", "--format", "{{.Id}}", ref).stdout.strip()
        image_id = image_id.removeprefix("sha256:")
        pulled = [e for e in _events(hutch, since, "type=image") if e["Status"] == "pull"]
        assert [e["ID"] for e in pulled if e["Name"] == ref] == [image_id]
    finally:
        for tool in (hutch, podman):
            _call(tool, "rmi", "-f", ref)


def _wait_for(tool: Hutch | Run, since: str, name: str, event: tuple[object, object]) -> None:
    deadline = time.monotonic() + 15
    while event not in _life(tool, since, name) and time.monotonic() < deadline:
        time.sleep(0.2)


def test_a_detached_exec_logs_its_exec_died_with_the_exit_code(
    hutch: Hutch, podman: Run, base_image: str
) -> None:
    since = str(int(time.time()) - 1)
    sessions = []
    try:
        for tool in (hutch, podman):
            assert tool("run", "-d", "--name", "h19e-x", base_image, "sleep", "100").returncode == 0
            detached = _call(tool, "exec", "-d", "h19e-x", "sh", "-c", "sleep 0.3; exit 4")
            assert detached.returncode == 0 and len(detached.stdout.strip()) == 64, detached
            sessions.append(detached.stdout.strip())
        for tool in (hutch, podman):
            _wait_for(tool, since, "h19e-x", ("exec_died", 4))
            # one that ends at once: its exec_died still after its exec
            assert _call(tool, "exec", "-d", "h19e-x", "true").returncode == 0
        for tool in (hutch, podman):
            _wait_for(tool, since, "h19e-x", ("exec_died", None))
            assert _life(tool, since, "h19e-x") == [
                ("create", None), ("init", None), ("start", None), ("exec", None),
                ("exec_died", 4), ("exec", None), ("exec_died", None),
            ], tool  # fmt: skip
        # the session's id, as an attached exec's event has it (current podman's)
        died = _events(hutch, since, "container=h19e-x", "event=exec_died")
        assert [e["Attributes"]["execID"] for e in died][:1] == sessions[:1], died
    finally:
        for tool in (hutch, podman):
            _call(tool, "rm", "-f", "-t", "0", "h19e-x")


HEALTH = ("--health-cmd", '["true"]', "--health-interval", "1h", "--health-timeout", "1m30s",
          "--health-start-period", "90s")  # fmt: skip


def test_health_checks_log_health_status_and_durations_print_as_go(
    hutch: Hutch, podman: Run, base_image: str
) -> None:
    since = str(int(time.time()) - 1)
    try:
        for tool in (hutch, podman):
            started = tool("run", "-d", "--name", "h19e-hc", *HEALTH, base_image, "sleep", "100")
            assert started.returncode == 0, started
            for _ in range(2):  # an hour apart otherwise: only these two run
                assert tool("healthcheck", "run", "h19e-hc").returncode == 0
        statuses = []
        for tool in (hutch, podman):
            shown = _events(tool, since, "container=h19e-hc", "event=health_status")
            statuses.append([e["health_status"] for e in shown])
            text = tool("events", "--stream=false", "--since", since, "--filter",
                        "container=h19e-hc", "--filter", "event=health_status")  # fmt: skip
            assert text.stdout.splitlines()[-1].endswith(
                " (image=localhost/base:latest, name=h19e-hc, health_status=healthy)"
            ), (tool, text)
        # one a check; podman 4.3.1 logs the status from before the check (``starting``
        # first), current podman the one it left, as hutch
        assert statuses[0] == ["healthy", "healthy"]
        assert len(statuses[1]) == 2 and statuses[1][-1] == "healthy", statuses
        fmt = "{{.Config.Healthcheck.Interval}} {{.Config.Healthcheck.Timeout}} " + (
            "{{.Config.Healthcheck.StartPeriod}} {{.Config.Healthcheck.Retries}}"
        )
        both = [tool("inspect", "--format", fmt, "h19e-hc").stdout for tool in (hutch, podman)]
        assert both[0] == both[1] == "1h0m0s 1m30s 1m30s 3\n", both
        # Go's key order, nanoseconds; a one-word JSON array is ["CMD-SHELL", WORD]
        # (podman 4.3.1's and current podman's record, test_health_cmd_peer.py)
        key = "{{json .Config.Healthcheck}}"
        raw = [tool("inspect", "--format", key, "h19e-hc").stdout for tool in (hutch, podman)]
        assert raw[0] == raw[1], raw
        assert raw[0].startswith('{"Test":["CMD-SHELL","true"],'), raw
        whole = [json.loads(tool("inspect", "h19e-hc").stdout)[0] for tool in (hutch, podman)]
        checks = [w["Config"]["Healthcheck"] for w in whole]
        assert list(checks[0]) == list(checks[1])  # the keys' order
        assert checks[1] == checks[0]
        assert checks[0] == {
            "Test": ["CMD-SHELL", "true"],
            "StartPeriod": 90_000_000_000,
            "Interval": 3_600_000_000_000,
            "Timeout": 90_000_000_000,
            "Retries": 3,
        }
        state = "{{.State.Health.Status}} {{.State.Health.FailingStreak}} {{len .State.Health.Log}}"
        health = [tool("inspect", "--format", state, "h19e-hc").stdout for tool in (hutch, podman)]
        assert health[0] == health[1] == "healthy 0 2\n", health
    finally:
        for tool in (hutch, podman):
            _call(tool, "rm", "-f", "-t", "0", "h19e-hc")


def test_the_health_logs_output_drops_its_last_newline_as_podmans(
    hutch: Hutch, podman: Run, base_image: str
) -> None:
    fmt = '{{range .State.Health.Log}}{{printf "%q" .Output}}{{end}}'
    shown = []
    try:
        for tool in (hutch, podman):
            started = tool("run", "-d", "--name", "h19e-out", "--health-cmd", "printf 'a\\n\\n'",
                           "--health-interval", "1h", base_image, "sleep", "100")  # fmt: skip
            assert started.returncode == 0, started
            assert tool("healthcheck", "run", "h19e-out").returncode == 0
            shown.append(tool("inspect", "--format", fmt, "h19e-out").stdout)
        assert shown[0] == shown[1] == '"a\\n"\n', shown
    finally:
        for tool in (hutch, podman):
            _call(tool, "rm", "-f", "-t", "0", "h19e-out")


def test_an_images_health_check_durations_print_as_go(
    hutch: Hutch, podman: Run, base_image: str, tmp_path: Path
) -> None:
    (tmp_path / "Containerfile").write_text(
        f"FROM {base_image}\nHEALTHCHECK --interval=90s --start-period=2m CMD true\n"
    )
    fmt = "{{.HealthCheck.Interval}} {{.HealthCheck.StartPeriod}} {{.HealthCheck.Timeout}}"
    try:
        shown = []
        for tool in (hutch, podman):
            built = _call(tool, "build", "-q", "--format", "docker", "-t", "h19e-hcimg",
                          str(tmp_path))  # fmt: skip
            assert built.returncode == 0, built
            printed = tool("image", "inspect", "--format", fmt, "h19e-hcimg").stdout
            raw = tool("image", "inspect", "--format", "{{json .HealthCheck}}", "h19e-hcimg")
            shown.append((printed, raw.stdout))
        assert shown[0] == shown[1], shown
        assert shown[0][0] == "1m30s 2m0s 0s\n"
        assert json.loads(shown[0][1]) == {
            "Test": ["CMD-SHELL", "true"],
            "StartPeriod": 120_000_000_000,
            "Interval": 90_000_000_000,
        }
    finally:
        for tool in (hutch, podman):
            _call(tool, "rmi", "-f", "h19e-hcimg")
