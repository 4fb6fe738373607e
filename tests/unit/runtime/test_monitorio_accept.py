"""``Stdio.accept``: a client of the listener's own class, blocking, close-on-exec.

The idle monitor (runtime/idle.py) holds ``_socket.socket`` objects (the
``socket`` module's enums cost it memory), the full monitor ``socket.socket``
ones; both accept through the same ``Stdio``, and both send whole frames to
their clients, which needs a blocking socket."""

from __future__ import annotations

import _socket
import os
import socket
import tempfile
import threading

from hutch.runtime import attachproto as ap
from hutch.runtime.logfile import LogWriter
from hutch.runtime.monitorio import Stdio


def _accept_one(listener_class: type[_socket.socket]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "attach")
        made = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        made.bind(path)
        made.listen(1)
        made.setblocking(False)  # as a listener polled with select may be
        listener = listener_class(fileno=made.detach())
        peer = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        io = Stdio(LogWriter("none", "unused"))
        try:
            peer.connect(path)
            io.accept(listener)
            (client,) = io.clients
            assert type(client) is listener_class
            assert client.getblocking()
            assert not os.get_inheritable(client.fileno())
            got = bytearray()

            def drain() -> None:
                while len(got) < 1_000_005 and (data := peer.recv(65536)):
                    got.extend(data)

            reader = threading.Thread(target=drain)
            reader.start()
            io.send(client, ap.STDOUT, b"x" * 1_000_000)  # more than a socket buffer holds
            reader.join(10)
            assert ap.FrameReader().feed(bytes(got)) == [(ap.STDOUT, b"x" * 1_000_000)]
            assert client in io.clients  # a whole frame sent, the client kept
            peer.sendall(ap.frame(ap.STDIN, b"in"))
            assert io.read(client) == [(ap.STDIN, b"in")]
            client.close()
        finally:
            peer.close()
            listener.close()


def test_the_idle_loop_gets_clients_of_the_built_in_class() -> None:
    _accept_one(_socket.socket)


def test_the_full_monitor_gets_clients_of_the_socket_module() -> None:
    _accept_one(socket.socket)
