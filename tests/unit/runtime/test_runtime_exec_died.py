"""A detached exec's ``exec_died`` (issue 15): the line its joiner logs, and the joiner
waiting for the caller's ``exec`` event before it logs its own."""

from __future__ import annotations

import json
import os
import threading
import time

from hutch.runtime import exec as rx


def test_the_died_event_carries_the_exit_code_and_the_attributes() -> None:
    died = rx.DiedEvent("/x/events.log", "c" * 64, "web", "localhost/base:latest",
                        (("tier", "a"), ("execID", "e" * 64)))  # fmt: skip
    line = died.line(4)
    assert line.endswith(b"\n")
    event = json.loads(line)
    assert (event["type"], event["action"], event["id"], event["name"]) == (
        "container", "exec_died", "c" * 64, "web",
    )  # fmt: skip
    assert event["attributes"] == {"tier": "a", "execID": "e" * 64, "exitCode": "4"}


def test_the_joiner_waits_until_the_caller_releases_it() -> None:
    held, release_fd = os.pipe2(os.O_CLOEXEC)
    handle = rx.ExecHandle(0, None, release_fd)  # type: ignore[arg-type]
    closed_at: list[float] = []

    def caller() -> None:
        time.sleep(0.2)
        closed_at.append(time.monotonic())
        rx.release(handle)

    thread = threading.Thread(target=caller)
    thread.start()
    rx._wait_released(held)
    returned = time.monotonic()
    thread.join()
    os.close(held)
    assert closed_at and returned >= closed_at[0]
    rx._wait_released(-1)  # nothing to wait for
