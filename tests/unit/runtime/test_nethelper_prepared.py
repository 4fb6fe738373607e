"""The attach helper forked ahead of a run on user networks (nethelper.PreparedAttach),
and the monitor's reading of an init that failed while its network was attached.

The helper here is the real forked child with the real ``hutch.net.attach``; what
it is asked to do is an action that module does not have, so that nothing of the
host's network is touched and the answer is its failure, in its own words.
"""

from __future__ import annotations

import json
import os
import signal
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest

from hutch.runtime import monitor, nethelper
from hutch.runtime.nethelper import NetworkAttachError, PreparedAttach
from hutch.runtime.spec import Process, Rootfs, Spec
from hutch.runtime.spec_network import NetworkSpec

SPEC = Spec(
    id="c" * 64,
    hostname="h",
    process=Process(args=("sh",), env=()),
    rootfs=Rootfs(kind="bind", target="/nonexistent"),
    network=NetworkSpec(mode="bridge"),
)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@contextmanager
def _within(seconds: int) -> Iterator[None]:
    """Fail, not hang, where a helper would wait for an EOF that never comes."""

    def late(_sig: int, _frame: object) -> None:
        raise AssertionError(f"still waiting after {seconds} s")

    old = signal.signal(signal.SIGALRM, late)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_only_a_user_network_gets_one() -> None:
    for mode in ("none", "private", "host"):
        assert nethelper.prepare_attach(replace(SPEC, network=NetworkSpec(mode=mode))) is None
    prepared = nethelper.prepare_attach(SPEC)
    assert prepared is not None
    prepared.discard()
    assert _gone(prepared.pid)


def test_its_failure_is_told_in_its_words() -> None:
    prepared = PreparedAttach.fork()
    with pytest.raises(NetworkAttachError, match="nosuch failed: KeyError: 'nosuch'"):
        prepared.run("nosuch", {"rundir": "/nonexistent"})
    assert _gone(prepared.pid)


def test_a_request_is_one_line_whoever_else_holds_the_pipe() -> None:
    # The init, forked after the helper, holds a copy of the request pipe until its
    # exec, which waits for the network: a helper reading to EOF would wait forever.
    prepared = PreparedAttach.fork()
    copy = os.dup(prepared._request)
    try:
        with _within(30), pytest.raises(NetworkAttachError, match="KeyError"):
            prepared.run("nosuch", {"text": "two\nlines"})
    finally:
        os.close(copy)


def test_a_discarded_helper_ends_whoever_else_holds_the_pipe() -> None:
    prepared = PreparedAttach.fork()
    copy = os.dup(prepared._request)
    try:
        with _within(30):
            prepared.discard()  # waits for it: a helper that waited for EOF would hang here
        assert _gone(prepared.pid)
    finally:
        os.close(copy)


def test_the_inits_own_error_is_read_without_waiting() -> None:
    ours, init = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    with ours, init:
        assert monitor._reported(ours) is None  # nothing sent: no wait either
        init.send(json.dumps({"error": "unable to find user x", "code": 126}).encode())
        assert monitor._reported(ours) == {"error": "unable to find user x", "code": 126}
        init.send(b'{"stage": "namespaces"}')
        assert monitor._reported(ours) is None  # not an error
