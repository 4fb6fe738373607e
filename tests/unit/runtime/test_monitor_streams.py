"""--log-driver passthrough: the caller's streams reach the monitor over the sync socket."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from hutch.runtime.monitor import _receive_streams, parse_args
from hutch.runtime.spawn import MonitorConfig, _send_streams, monitor_args


def test_the_monitor_is_told_to_expect_them() -> None:
    config = MonitorConfig(Path("/b"), "/s", False, streams=(0, 1, 2))
    assert "--streams" in monitor_args(config, False)
    assert parse_args(monitor_args(config, False)).streams is True
    bare = MonitorConfig(Path("/b"), "/s", False)
    assert "--streams" not in monitor_args(bare, False)
    assert parse_args(monitor_args(bare, False)).streams is False


def test_the_three_descriptors_arrive_close_on_exec_and_lead_to_the_same_files() -> None:
    caller, monitor = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    in_r, in_w = os.pipe()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    try:
        _send_streams(caller, (in_r, out_w, err_w), 0)
        got = _receive_streams(monitor)
        assert len(got) == 3
        assert all(not os.get_inheritable(fd) for fd in got)
        os.write(in_w, b"in")
        assert os.read(got[0], 2) == b"in"
        os.write(got[1], b"out")
        os.write(got[2], b"err")
        assert (os.read(out_r, 3), os.read(err_r, 3)) == (b"out", b"err")
        for fd in got:
            os.close(fd)
    finally:
        for fd in (in_r, in_w, out_r, out_w, err_r, err_w):
            os.close(fd)
        caller.close()
        monitor.close()


def test_a_caller_that_hung_up_gives_none() -> None:
    caller, monitor = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    caller.close()
    try:
        assert _receive_streams(monitor) == []
    finally:
        monitor.close()
