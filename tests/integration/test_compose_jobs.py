"""``compose up`` in the foreground: a one-shot job, --abort-on-container-exit, --exit-code-from."""

from __future__ import annotations

import json
from pathlib import Path

from harness import Hutch

COMPOSE = """\
services:
  job:
    image: {image}
    command: ["sh", "-c", "echo job-done > /shared/mark"]
    volumes: [shared:/shared]
  worker:
    image: {image}
    command: ["sh", "-c", "cat /shared/mark; exit 3"]
    volumes: [shared:/shared]
    configs: [note]
    depends_on:
      job: {{condition: service_completed_successfully}}
  idle:
    image: {image}
    command: sleep 1000
    post_start: [{{command: ["sh", "-c", "echo started >> /tmp/starts"]}}]
  debug:
    image: {image}
    profiles: [debug]
    command: sleep 1000
volumes:
  shared: {{}}
configs:
  note: {{content: noted}}
"""


def test_exit_code_from_after_a_one_shot_job(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(image=base_image))
    compose = ("compose", "-p", "jobs", "-f", str(tmp_path / "compose.yaml"))
    result = hutch(
        *compose, "up", "--exit-code-from", "worker", "-t", "1", check=False, timeout=120
    )
    assert result.returncode == 3, result.stderr
    # the worker ran after the job completed, and its line carries its prefix
    assert "worker-1  | job-done" in result.stdout
    # as docker compose: each exit is said, and the abort
    assert "worker-1 exited with code 3\n" in result.stdout
    assert "Aborting on container exit..." in result.stderr
    # the long-running service was stopped when the worker exited; the profile's was never made
    listed = hutch(*compose, "ps", "-a", "--format", "json").stdout
    assert '"jobs-idle-1"' in listed
    assert "debug" not in listed
    assert hutch(*compose, "ps", "-q").stdout == ""
    # start, stop and rm act on the labelled containers of the services named
    hutch(*compose, "start", "idle")
    assert hutch(*compose, "ps", "--services").stdout == "idle\n"
    # ps by status (stopped ones included), and a Go template (table adds the header)
    running = hutch(*compose, "ps", "--status", "running", "--format", "{{.Name}} {{.State}}")
    assert running.stdout == "jobs-idle-1 running\n"
    exited = hutch(*compose, "ps", "--filter", "status=exited", "--format", "{{.Service}}")
    assert sorted(exited.stdout.split()) == ["job", "worker"]
    assert hutch(*compose, "ps", "--format", "table {{.Service}}").stdout == "SERVICE\nidle\n"
    bad = hutch(*compose, "ps", "--status", "sleeping", check=False)
    assert bad.returncode == 125 and bad.stderr.startswith("Error: invalid status")
    # exec in a service's container; run --rm leaves nothing behind, and writes the
    # content config as up does (create, write, start attached)
    assert hutch(*compose, "exec", "-T", "idle", "sh", "-c", "exit 4", check=False).returncode == 4
    one_off = hutch(
        *compose, "run", "--rm", "-T", "-e", "X=1", "worker", "sh", "-c", "echo $X; cat /note"
    )
    assert one_off.stdout == "1\nnoted"  # the content as it is: no newline added
    # restart runs the post_start hook again (up's start, start's, and now restart's)
    starts = ("exec", "-T", "idle", "cat", "/tmp/starts")
    before = hutch(*compose, *starts).stdout.count("started")
    restarted = hutch(*compose, "restart", "-t", "0", "idle")
    assert restarted.stderr.endswith(" Container jobs-idle-1  Restarted\n")  # plain: piped
    assert hutch(*compose, *starts).stdout.count("started") == before + 1
    every = hutch("ps", "-a", "--format", "{{.Names}}").stdout.split()
    assert "jobs-idle-1" in every
    assert not [n for n in every if "-run-" in n]
    hutch(*compose, "stop", "-t", "1")
    assert hutch(*compose, "ps", "-q").stdout == ""
    hutch(*compose, "rm", "worker")
    names = hutch(*compose, "ps", "-a", "--format", "json").stdout
    assert "jobs-worker-1" not in names
    assert "jobs-idle-1" in names
    # a second project from the same file: same service names, no collision
    other = ("compose", "-p", "jobs2", "-f", str(tmp_path / "compose.yaml"))
    hutch(*other, "up", "-d", "idle", timeout=60)
    names = hutch("ps", "-a", "--format", "{{.Names}}").stdout.split()
    assert {"jobs-idle-1", "jobs2-idle-1"} <= set(names)  # jobs-idle-1 is stopped
    hutch(*other, "down", "-v", "-t", "1", timeout=60)
    names = hutch("ps", "-a", "--format", "{{.Names}}").stdout.split()
    assert "jobs-idle-1" in names
    assert "jobs2-idle-1" not in names
    hutch(*compose, "down", "-v", "-t", "1", timeout=60)
    assert hutch("ps", "-a", "-q").stdout == ""


def test_json_progress_says_the_abort_as_json(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    """--progress json: up's attached phase reports in JSON lines too (was plain text)."""
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  once:\n    image: {base_image}\n    command: sh -c 'echo bye; exit 3'\n"
    )
    compose = ("compose", "-p", "jabort", "-f", str(tmp_path / "compose.yaml"))
    try:
        result = hutch(
            *compose, "--progress", "json", "up", "--abort-on-container-exit", "-t", "0",
            check=False, timeout=120,
        )  # fmt: skip
        assert "once-1  | bye" in result.stdout, result.stderr
        events = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
        assert {"tail": True, "text": "Aborting on container exit..."} in events, result.stderr
    finally:
        hutch(*compose, "down", "-t", "0", timeout=60)
