"""Which systemd auto-update asks to restart a unit: the user's manager for a
rootless hutch, even once it has joined its session namespace (where it is
uid 0), and the system's only for real root. A rootless run took the system
bus before, and failed with "Failed to connect to bus" in a guest without one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Run in a child: unshare(1) gives it a user namespace whose root is this user.
CHILD = """
import sys
from hutch.engine.autoupdate import LocalOps
from hutch.linux import procfs
print("real_root", procfs.real_root(), file=sys.stderr)
LocalOps(None, None).restart("app.service")
"""


@pytest.fixture
def recording_systemctl(tmp_path: Path) -> Path:
    """A ``systemctl`` first on PATH that writes its arguments to a file."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "systemctl"
    script.write_text(f'#!/bin/sh\necho "$@" > {tmp_path}/args\n')
    script.chmod(0o755)
    return tmp_path


def _run(args: list[str], where: Path) -> str:
    env = dict(os.environ, PATH=f"{where / 'bin'}:{os.environ['PATH']}")
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[3] / "src")
    done = subprocess.run(
        [*args, sys.executable, "-c", CHILD], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return (where / "args").read_text().strip()


def test_the_mapped_root_of_a_user_namespace_restarts_the_users_unit(
    recording_systemctl: Path,
) -> None:
    args = _run(["unshare", "--user", "--map-root-user"], recording_systemctl)
    assert args == "--user restart app.service"


def test_outside_a_namespace_the_scope_follows_the_real_uid(recording_systemctl: Path) -> None:
    expected = "restart app.service" if os.geteuid() == 0 else "--user restart app.service"
    assert _run([], recording_systemctl) == expected
