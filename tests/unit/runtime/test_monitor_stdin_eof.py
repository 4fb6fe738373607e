"""The monitor's container stdin: closed once, on the first client's end of input.

Two attached clients that each end their input (two ``docker attach`` that
leave) sent the monitor two STDIN_EOF frames; the second closed the pipe's
old descriptor number again, by then another descriptor of the monitor's
(a client socket, the log), and the container went down with it."""

from __future__ import annotations

import os
import socket

from hutch.runtime import attachproto as ap
from hutch.runtime.logfile import LogWriter
from hutch.runtime.monitor import Monitor
from hutch.runtime.monitorio import Stdio


def test_a_second_end_of_input_closes_nothing_else() -> None:
    monitor = Monitor.__new__(Monitor)  # only the client table is used here
    first, first_peer = socket.socketpair()
    second, second_peer = socket.socketpair()
    monitor.io = Stdio(LogWriter("none", "unused"))
    monitor.io.clients.update({first: ap.FrameReader(), second: ap.FrameReader()})
    stdin_r, stdin_w = os.pipe()
    try:
        first_peer.sendall(ap.frame(ap.STDIN, b"x") + ap.frame(ap.STDIN_EOF))
        stdin_w = monitor._client_input(first, stdin_w, None)
        assert stdin_w == -1
        assert os.read(stdin_r, 10) == b"x" and os.read(stdin_r, 10) == b""  # end of file
        bystander_r, bystander_w = os.pipe()  # may take the closed number
        second_peer.sendall(ap.frame(ap.STDIN, b"y") + ap.frame(ap.STDIN_EOF))
        assert monitor._client_input(second, stdin_w, None) == -1
        os.write(bystander_w, b"still open")
        assert os.read(bystander_r, 20) == b"still open"
        os.close(bystander_r)
        os.close(bystander_w)
    finally:
        os.close(stdin_r)
        for sock in (first, first_peer, second, second_peer):
            sock.close()
