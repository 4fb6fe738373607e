"""Published UDP ports of the port proxy: one socket per client to the container.

UDP has no connection to splice: the published socket (the host's) receives
each client's datagrams, and each client gets a *flow*, a socket of the
rootless namespace connected to the container, bound where it can be to the
client's own address and port (``IP_TRANSPARENT``, as the TCP side's), so
the container sees the client and answers it, and the answer comes back to
this flow (the namespace's mark and policy route) and leaves through the
published socket to the client. A flow without a datagram either way for
``IDLE`` seconds is forgotten (conntrack keeps an answered UDP flow 120 s).

One thread drives all of a container's flows (``portserver``'s watcher),
through ``poll``; nothing here blocks.

Standard library only.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

IDLE = 120.0
IP_TRANSPARENT = 19
_DATAGRAM = 65535


@dataclass
class _Flow:
    sock: socket.socket  # connected to the container
    published: socket.socket  # the host's socket the client sent to
    client: Any  # the client's address, as recvfrom gave it
    last: float


class UdpFlows:
    """A container's UDP flows; ``register``/``unregister`` keep the caller's poll."""

    def __init__(
        self,
        source_for: Callable[[str, str], str | None],
        register: Callable[[int], None],
        unregister: Callable[[int], None],
        clock: Callable[[], float],
    ) -> None:
        self._source_for = source_for
        self._register = register
        self._unregister = unregister
        self._clock = clock
        self._by_client: dict[tuple[int, Any], _Flow] = {}
        self._by_fd: dict[int, _Flow] = {}

    def owns(self, fd: int) -> bool:
        return fd in self._by_fd

    def __len__(self) -> int:
        return len(self._by_fd)

    def forward(self, published: socket.socket, target: tuple[str, int]) -> None:
        """A datagram on a published socket: to the container, through its client's flow."""
        try:
            data, client = published.recvfrom(_DATAGRAM)
        except OSError:  # nothing after all, or an ICMP error of an earlier send
            return
        key = (published.fileno(), client)
        flow = self._by_client.get(key)
        if flow is None:
            made = self._connect(str(client[0]), int(client[1]), target)
            if made is None:
                return
            flow = _Flow(made, published, client, self._clock())
            self._by_client[key] = flow
            self._by_fd[made.fileno()] = flow
            self._register(made.fileno())
        flow.last = self._clock()
        with contextlib.suppress(OSError):
            flow.sock.send(data)

    def reply(self, fd: int) -> None:
        """A datagram from the container on a flow: to its client."""
        flow = self._by_fd[fd]
        try:
            data = flow.sock.recv(_DATAGRAM)
        except OSError:  # the container's port is closed (ICMP): the flow stays
            return
        flow.last = self._clock()
        with contextlib.suppress(OSError):
            flow.published.sendto(data, flow.client)

    def sweep(self) -> None:
        """Forget the flows idle for ``IDLE`` seconds."""
        horizon = self._clock() - IDLE
        for flow in [f for f in self._by_fd.values() if f.last < horizon]:
            self._forget(flow)

    def close(self) -> None:
        for flow in list(self._by_fd.values()):
            self._forget(flow)

    def _forget(self, flow: _Flow) -> None:
        fd = flow.sock.fileno()
        self._unregister(fd)
        del self._by_fd[fd]
        del self._by_client[(flow.published.fileno(), flow.client)]
        flow.sock.close()

    def _connect(self, host: str, port: int, target: tuple[str, int]) -> socket.socket | None:
        family = socket.AF_INET6 if ":" in target[0] else socket.AF_INET
        s = socket.socket(family, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
        try:
            source = self._source_for(host, target[0])
            if source is not None:
                s.setsockopt(socket.SOL_IP, IP_TRANSPARENT, 1)
                try:  # the client's own port too, where no other flow holds it
                    s.bind((source, port))
                except OSError:
                    s.bind((source, 0))
            s.connect(target)
            s.setblocking(False)
        except OSError:
            s.close()
            return None
        return s
