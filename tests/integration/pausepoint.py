"""A hutch command held at a named pause point (``hutch/util/testpoint.py``).

Race tests start one command with ``HUTCH_TEST_PAUSE=POINT:GATE``, wait
until it reaches the point, act, then open the gate: the order is fixed by
the test, never by sleeps."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from harness import Hutch


class Paused:
    """A hutch command stopped at a pause point until ``release()``."""

    def __init__(self, hutch: Hutch, point: str, gate: Path, *args: str) -> None:
        self.gate = gate
        environ = hutch.env.environ()
        environ["HUTCH_TEST_PAUSE"] = f"{point}:{gate}"
        self.process = subprocess.Popen(
            [str(hutch.binary), *args],
            env=environ,
            cwd=hutch.env.home,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        reached = Path(f"{gate}.reached")
        deadline = time.monotonic() + 120
        # Waiting for the command to announce the point, not for time to pass.
        while not reached.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                out, err = self.process.communicate()
                raise AssertionError(f"{args} never reached {point}: {out}{err}")
            time.sleep(0.05)

    def release(self) -> tuple[int, str, str]:
        self.gate.touch()
        out, err = self.process.communicate(timeout=120)
        return self.process.returncode, out, err
