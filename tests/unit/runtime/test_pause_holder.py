"""A held pause (commit's): the PAUSE payload names the holder, state keeps it."""

from __future__ import annotations

from hutch.runtime import state as st
from hutch.runtime.monitor import _holder


def test_the_holder_is_pid_and_start_time() -> None:
    assert _holder(b"1234 98765") == (1234, "98765")


def test_a_plain_pause_has_no_holder() -> None:
    assert _holder(b"") == (0, "")
    assert _holder(b"junk") == (0, "")
    assert _holder(b"12x 5") == (0, "")


def test_the_holder_survives_the_state_file() -> None:
    state = st.RuntimeState(status=st.PAUSED, paused_by=42, paused_by_start="777")
    again = st.RuntimeState.from_json(state.to_json())
    assert (again.paused_by, again.paused_by_start) == (42, "777")
    # a state.json written before holders existed reads as not held
    assert st.RuntimeState.from_json(b'{"status":"paused"}').paused_by == 0
