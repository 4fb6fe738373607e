"""The share of an image's mount among the containers that mount it (issue 15): its
users, each counted while its process lives, and the shares a container's spec names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hutch.engine.image_share import shares_of
from hutch.linux import procfs
from hutch.runtime import imageshare


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_user_counts_while_its_process_lives(tmp_path: Path) -> None:
    with imageshare.locked(tmp_path):
        imageshare.set_user(tmp_path, "a", os.getpid())
        imageshare.set_user(tmp_path, "b", _dead_pid())
    assert imageshare.live_users(tmp_path) == {"a": os.getpid()}
    assert sorted(p.name for p in (tmp_path / "users").iterdir()) == ["a", "b"]
    with imageshare.locked(tmp_path):
        assert imageshare.live_users(tmp_path, prune=True) == {"a": os.getpid()}
    assert [p.name for p in (tmp_path / "users").iterdir()] == ["a"]
    imageshare.drop_user(tmp_path, "a")
    assert imageshare.live_users(tmp_path) == {}


def test_a_user_moves_to_another_process(tmp_path: Path) -> None:
    imageshare.set_user(tmp_path, "a", _dead_pid())
    imageshare.set_user(tmp_path, "a", os.getpid())  # the command, then the monitor
    assert imageshare.live_users(tmp_path) == {"a": os.getpid()}


def test_a_holder_is_taken_only_while_it_lives(tmp_path: Path) -> None:
    assert imageshare.read_holder(tmp_path) is None
    me = os.getpid()
    (tmp_path / "holder").write_text(f"{me} {procfs.start_time(me)} 7\n")
    holder = imageshare.read_holder(tmp_path)
    assert holder is not None and holder.path() == f"/proc/{me}/fd/7"
    (tmp_path / "holder").write_text(f"{me} another-start 7\n")  # a recycled pid
    assert imageshare.read_holder(tmp_path) is None
    assert imageshare.open_shared(str(tmp_path)) is None


def test_the_shares_a_spec_names(tmp_path: Path) -> None:
    mounts = [
        {"kind": "bind", "options": ["ro"]},
        {"kind": "overlay", "options": ["lowerdir=a", "imageshare=/run/h/imageshare/ID"]},
    ]
    (tmp_path / "config.json").write_text(json.dumps({"mounts": mounts}))
    assert shares_of(tmp_path) == [Path("/run/h/imageshare/ID")]
    assert shares_of(tmp_path / "none") == []
