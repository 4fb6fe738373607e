"""cli/interrupts.py: a follower stops on SIGINT even when hutch started with it ignored.

A background job of a shell without job control starts with SIGINT ignored
(contrib/test.sh runs pytest so beside the guest lane); ``compose up`` in the
foreground then never ended on the SIGINT its test sends (issue 17).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from hutch.cli.interrupts import catching


@pytest.mark.parametrize("before", [signal.SIG_IGN, signal.SIG_DFL, signal.default_int_handler])
def test_sigint_interrupts_inside_and_the_action_comes_back(before: object) -> None:
    previous = signal.signal(signal.SIGINT, before)  # type: ignore[arg-type]
    try:
        with pytest.raises(KeyboardInterrupt), catching(signal.SIGINT):
            os.kill(os.getpid(), signal.SIGINT)
            signal.sigtimedwait([], 0)  # handlers run at the next bytecode at the latest
            raise AssertionError("SIGINT did not interrupt")
        assert signal.getsignal(signal.SIGINT) == before
    finally:
        signal.signal(signal.SIGINT, previous)


def test_sigterm_too_when_asked_for() -> None:
    previous = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), catching(signal.SIGINT, signal.SIGTERM):
        os.kill(os.getpid(), signal.SIGTERM)
        signal.sigtimedwait([], 0)
    assert signal.getsignal(signal.SIGTERM) == previous


def test_a_process_started_with_sigint_ignored_stops_on_it() -> None:
    """The CI case end to end: a child started ignoring SIGINT, waiting as ``multiplex``
    does (a queue that nothing fills), ends on SIGINT inside ``catching`` only."""
    child = textwrap.dedent(
        """
        import queue, signal, sys
        from hutch.cli.interrupts import catching
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
        try:
            with catching(signal.SIGINT):
                print("waiting", flush=True)
                queue.Queue().get()
        except KeyboardInterrupt:
            print("interrupted", flush=True)
        """
    )
    # sh's trap '' ignores SIGINT and exec keeps it so, as a background job starts
    process = subprocess.Popen(
        ["sh", "-c", """trap '' INT; exec "$0" -c "$1" """, sys.executable, child],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "waiting\n"
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=30)
    assert out == "interrupted\n" and process.returncode == 0
