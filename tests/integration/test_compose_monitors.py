"""``compose up`` begins each container's monitor ahead of its start
(``engine.containers.prepare_starts``): the monitors that run the containers are
those, none is left waiting, and a dependent starts after its dependencies. The
schema check remembers the file in the user's cache. Real containers."""

from __future__ import annotations

import json
import time
from pathlib import Path

from harness import Hutch, HutchEnv
from lifecycle_basics import IDLE, is_monitor

APP = """\
services:
  db:
    image: {image}
    command: [sleep, "1000"]
    stop_signal: KILL
    volumes: [data:/data]
  cache:
    image: {image}
    command: [sleep, "1000"]
    stop_signal: KILL
  web:
    image: {image}
    command: [sleep, "1000"]
    stop_signal: KILL
    depends_on: [db, cache]
volumes:
  data: {{}}
"""


def _monitors(env: HutchEnv) -> set[int]:
    """The pids of the monitors of this test's hutch (by their XDG_RUNTIME_DIR)."""
    mine = f"XDG_RUNTIME_DIR={env.runtime_dir}".encode()
    found = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            environ = (proc / "environ").read_bytes().split(b"\0")
        except OSError:  # gone, or not ours
            continue
        # the full monitor, or the idle loop it execs a second after the start (same pid)
        if is_monitor(cmdline) and mine in environ:
            found.add(int(proc.name))
    return found


def test_up_runs_each_container_on_a_monitor_begun_ahead(
    hutch: Hutch, hutch_env: HutchEnv, base_image: str, tmp_path: Path
) -> None:
    (tmp_path / "compose.yaml").write_text(APP.format(image=base_image))
    compose = ("compose", "-p", "cmon", "--progress", "plain", "-f", str(tmp_path / "compose.yaml"))
    try:
        up = hutch(*compose, "up", "-d", timeout=120)
        names = ("cmon-db-1", "cmon-cache-1", "cmon-web-1")
        inspected = json.loads(hutch("inspect", *names).stdout)
        pids = {c["Name"]: c["State"]["ConmonPid"] for c in inspected}
        assert all(c["State"]["Running"] for c in inspected)
        for pid in pids.values():
            # begun before its container existed: a monitor that waited for its options
            # (unless it has already gone to the idle loop, whose argv says nothing of it)
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            assert is_monitor(argv), argv
            assert b"--deferred" in argv or IDLE in b" ".join(argv), argv
        # none begun for nothing: the monitors are those of the three containers
        assert _monitors(hutch_env) == set(pids.values())
        # web started after both of its dependencies (its Created may come before)
        lines = up.stderr.splitlines()
        started = {n: lines.index(f" Container {n}  Started") for n in names}
        assert started["cmon-web-1"] > max(started["cmon-db-1"], started["cmon-cache-1"])
        # the file passed the schema: remembered in the user's cache
        markers = hutch_env.home / ".cache" / "hutch" / "compose-schema"
        assert len(list(markers.iterdir())) == 1
        # nothing to start the second time: no monitor begun, none left waiting
        again = hutch(*compose, "up", "-d", timeout=120)
        assert again.stderr.count("Running") == 3, again.stderr
        assert _monitors(hutch_env) == set(pids.values())
    finally:
        hutch(*compose, "down", "-v", timeout=120)
    deadline = time.monotonic() + 10
    while _monitors(hutch_env) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _monitors(hutch_env) == set()
