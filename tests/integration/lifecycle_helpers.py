"""Helpers of the life-cycle tests: hutch on a pseudo-terminal; containers removed after.

``hutch system reset`` does not stop running containers (yet), so each test
module uses ``remove_containers`` (autouse) to leave no process behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import subprocess
import time
from collections.abc import Iterator

import pytest
from harness import Hutch


@pytest.fixture(autouse=True)
def remove_containers(hutch: Hutch) -> Iterator[None]:
    yield
    hutch("rm", "-f", "-a", "-t", "0", check=False)


def run_in_pty(
    hutch: Hutch,
    args: list[str],
    *,
    steps: tuple[tuple[bytes, bytes], ...] = (),
    timeout: float = 30,
) -> tuple[int | None, str]:
    """Run hutch with a new terminal as its stdio; each step types TEXT once PROMPT appeared.

    Returns (exit code, or None when hutch had to be killed at TIMEOUT; output).
    """
    master, slave = os.openpty()
    try:
        proc = subprocess.Popen(
            [str(hutch.binary), *args],
            env=hutch.env.environ(),
            cwd=hutch.env.home,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
        )
    finally:
        os.close(slave)
    output = bytearray()
    pending = list(steps)
    code: int | None = None
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if pending and pending[0][0] in output:
                os.write(master, pending.pop(0)[1])
            ready, _, _ = select.select([master], [], [], 0.1)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                data = os.read(master, 4096)
            except OSError as exc:
                if exc.errno != errno.EIO:
                    raise
                break
            output += data
        if time.monotonic() < deadline:
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = proc.wait(timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return code, output.decode(errors="replace").replace("\r", "")
