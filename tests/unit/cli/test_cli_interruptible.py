"""hutch turns SIGINT back on when it starts with it ignored, as podman does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import hutch

SRC = str(Path(hutch.__file__).resolve().parents[1])

CHILD = """
import signal, sys
if sys.argv[1] == "on":
    from hutch.cli.main import interruptible
    interruptible()
action = signal.getsignal(signal.SIGINT)
print({signal.SIG_IGN: "ignored", signal.default_int_handler: "KeyboardInterrupt"}[action])
"""


def _sigint_action(mode: str) -> str:
    # a script's `cmd &` without job control: the command starts with SIGINT ignored
    return subprocess.run(
        ["sh", "-c", 'trap "" INT; exec "$@"', "sh", sys.executable, "-c", CHILD, mode],
        env={**os.environ, "PYTHONPATH": SRC},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_an_ignored_sigint_raises_keyboardinterrupt_again() -> None:
    assert _sigint_action("on") == "KeyboardInterrupt"


def test_without_it_python_keeps_the_ignore() -> None:
    assert _sigint_action("off") == "ignored"


def test_a_handler_already_set_is_left_alone() -> None:
    import signal

    from hutch.cli.main import interruptible

    def handler(signum: int, frame: object) -> None:
        del signum, frame

    previous = signal.signal(signal.SIGINT, handler)
    try:
        interruptible()
        assert signal.getsignal(signal.SIGINT) is handler
    finally:
        signal.signal(signal.SIGINT, previous)
