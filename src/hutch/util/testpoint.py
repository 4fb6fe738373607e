"""Named pause points for deterministic race tests (no sleeps in tests).

``HUTCH_TEST_PAUSE=NAME:GATE`` makes the command that reaches the point
NAME create ``GATE.reached`` and wait until the file GATE exists. A test
starts one command with it, waits for ``GATE.reached``, runs the racing
command, then creates GATE: the interleaving is fixed, not hoped for.
Without the variable (every real use) a point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

ENV = "HUTCH_TEST_PAUSE"
# A forgotten gate must not hang a test run forever.
_LIMIT = 300.0


def pause(name: str) -> None:
    """Wait at point ``name`` if a test asked for it (see the module doc)."""
    wanted = os.environ.get(ENV)
    if not wanted:
        return
    point, _, gate_text = wanted.partition(":")
    if point != name or not gate_text:
        return
    gate = Path(gate_text)
    Path(f"{gate}.reached").write_text(f"{os.getpid()}\n")
    deadline = time.monotonic() + _LIMIT
    while not gate.exists() and time.monotonic() < deadline:
        time.sleep(0.02)  # polling a file the test creates: the order is the test's
