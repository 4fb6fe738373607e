"""The holder's half of the port proxy (``hutch.net.portproxy`` says what it is).

Per container, one thread watches its published sockets until the init's
pidfd says it exited or the container is dropped: it accepts on the TCP ones
and moves the UDP ones' datagrams (``udpflows``). Per TCP connection, one
thread connects to the container (from the client's address when the
namespace routes the replies back: ``transparent``) and two move the bytes.

Standard library only; imported by ``hutch.net.rootlessd``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from hutch.linux import syscalls as sc
from hutch.net.portproxy import REPLY_TIMEOUT, socket_path
from hutch.net.udpflows import IP_TRANSPARENT, UdpFlows

# How a loopback client of the host appears to the container: the host as the
# container itself reaches it (slirp4netns's gateway), so its replies stay ours.
HOST_LOOPBACK = "10.0.2.2"
F_SETPIPE_SZ = 1031
# A pipe of 256 KiB moves a TCP window's worth per pair of splices; larger
# pipes count against the user's pipe-user-pages-soft (64 MiB by default)
# across all of their processes, past which the kernel gives one page.
PIPE_SIZE = 1 << 18
_CONNECT_TIMEOUT = 10.0
_SWEEP = 10.0  # how often idle UDP flows are looked for, while there are any


def source_for(client: str, target: str) -> str | None:
    """The address to connect to ``target`` from, so that the container sees the
    client; None: an IPv6 client of an IPv4 container cannot be shown (the
    proxy's own address is used, as rootlessport's always is)."""
    address = client.removeprefix("::ffff:")
    if ":" in target:
        return None
    if address.startswith("127.") or address == "::1":  # a loopback client, either family
        return HOST_LOOPBACK
    if ":" in address:
        return None
    return address


def _no_source(_client: str, _target: str) -> None:
    """Without the namespace's rules for them: no transparent socket."""
    return None


@dataclass
class _Entry:
    container_id: str
    pidfd: int
    listeners: list[tuple[socket.socket, tuple[str, int]]]
    wake_r: int
    wake_w: int
    netns: int  # the container's network namespace to connect from; -1: ours
    done: threading.Event = field(default_factory=threading.Event)
    conns: set[socket.socket] = field(default_factory=set)
    # guards conns and closed; closed is set before the descriptors go, so that no
    # one writes to a wake-up pipe whose number the process may have reused
    lock: threading.Lock = field(default_factory=threading.Lock)
    closed: bool = False


def _pump(src: socket.socket, dst: socket.socket) -> None:
    """Move bytes from ``src`` to ``dst`` until EOF; pass the half-close on."""
    r, w = os.pipe2(os.O_CLOEXEC)
    try:
        with contextlib.suppress(OSError):  # over the user's pipe quota: the default size
            fcntl.fcntl(w, F_SETPIPE_SZ, PIPE_SIZE)
        s, d = src.fileno(), dst.fileno()
        while True:
            n = os.splice(s, w, PIPE_SIZE, flags=os.SPLICE_F_MOVE)
            if n == 0:
                break
            while n:
                n -= os.splice(r, d, n, flags=os.SPLICE_F_MOVE)
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)
    except OSError:  # a reset on either side ends both directions
        for sock in (src, dst):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
    finally:
        os.close(r)
        os.close(w)


class PortProxy:
    """The holder's half: a control socket, and per container its listeners."""

    def __init__(self, rundir: Path, transparent: bool) -> None:
        self.transparent = transparent
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        path = socket_path(rundir)
        path.unlink(missing_ok=True)
        self._control = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET | socket.SOCK_CLOEXEC)
        self._control.bind(str(path))
        self._control.listen(16)

    def start(self) -> None:
        threading.Thread(target=self._serve_control, daemon=True).start()

    def _serve_control(self) -> None:
        while True:
            try:
                conn, _ = self._control.accept()
            except OSError:  # out of descriptors, say: wait, not spin
                time.sleep(0.1)
                continue
            with conn:
                try:
                    answer = self._handle(conn)
                except Exception as exc:  # any failure is the caller's answer, not our end
                    answer = f"error: {exc}"
                with contextlib.suppress(OSError):
                    conn.send(answer.encode())

    def _sources(self, entry: _Entry) -> Callable[[str, str], str | None]:
        """Where the connections (and UDP flows) of ``entry`` come from: the client's
        address where the namespace routes the replies back (``transparent``), the
        proxy's own otherwise, and always for a container reached through its own
        namespace (port_handler=rootlesskit, which shows the container's address)."""
        return source_for if self.transparent and entry.netns < 0 else _no_source

    def _handle(self, conn: socket.socket) -> str:
        data, fds, _flags, _addr = socket.recv_fds(conn, 65536, 256)
        try:
            header = json.loads(data)
            op = header.get("op")
            if op == "remove":
                self.drop(str(header["id"]))
                return "ok"
            if op != "add":
                return f"error: unknown operation {op!r}"
            targets = [(str(a), int(p)) for a, p in header["targets"]]
            first = 2 if header.get("netns") else 1
            if len(fds) != len(targets) + first:
                for fd in fds:
                    os.close(fd)
                return "error: one listening socket per target, after the pidfd"
        except BaseException:
            for fd in fds:
                os.close(fd)
            raise
        self.drop(str(header["id"]))
        listeners = [
            (socket.socket(fileno=fd), t) for fd, t in zip(fds[first:], targets, strict=True)
        ]
        if first == 2 and any(s.type == socket.SOCK_DGRAM for s, _t in listeners):
            for s, _t in listeners:
                s.close()
            for fd in fds[:first]:
                os.close(fd)
            # flows are made by the watcher, which stays in the rootless namespace
            return "error: UDP ports of a container off the user networks are slirp4netns's"
        self._add(str(header["id"]), fds[0], listeners, fds[1] if first == 2 else -1)
        return "ok"

    def _add(
        self,
        container_id: str,
        pidfd: int,
        listeners: list[tuple[socket.socket, tuple[str, int]]],
        netns: int,
    ) -> None:
        wake_r, wake_w = os.pipe2(os.O_CLOEXEC)
        entry = _Entry(container_id, pidfd, listeners, wake_r, wake_w, netns)
        with self._lock:
            self._entries[container_id] = entry
        threading.Thread(target=self._watch, args=(entry,), daemon=True).start()

    def drop(self, container_id: str) -> None:
        """Close a container's listeners and connections; returns when they are."""
        with self._lock:
            entry = self._entries.get(container_id)
        if entry is None:
            return
        with entry.lock:
            if not entry.closed:
                os.write(entry.wake_w, b"x")
        entry.done.wait(REPLY_TIMEOUT)

    def _watch(self, entry: _Entry) -> None:
        """Accept on the entry's listeners until its init exits or it is dropped."""
        stops = (entry.pidfd, entry.wake_r)
        by_fd = {s.fileno(): (s, target) for s, target in entry.listeners}
        # poll, not select: a holder with many connections has descriptors past 1024
        poller = select.poll()
        for fd in (*stops, *by_fd):
            poller.register(fd, select.POLLIN)
        for listener, _target in entry.listeners:
            listener.setblocking(False)  # a client gone between poll and accept
        flows = UdpFlows(
            self._sources(entry),
            lambda fd: poller.register(fd, select.POLLIN),
            poller.unregister,
            time.monotonic,
        )
        try:
            while True:
                ready = [fd for fd, _events in poller.poll(_SWEEP * 1000 if flows else None)]
                if any(fd in stops for fd in ready):
                    break
                for fd in ready:
                    if flows.owns(fd):
                        flows.reply(fd)
                        continue
                    listener, target = by_fd[fd]
                    if listener.type == socket.SOCK_DGRAM:
                        flows.forward(listener, target)
                        continue
                    try:
                        client, addr = listener.accept()
                    except OSError:
                        continue
                    threading.Thread(
                        target=self._connection, args=(entry, client, str(addr[0]), target),
                        daemon=True,
                    ).start()  # fmt: skip
                flows.sweep()
        finally:
            flows.close()
            self._finish(entry)

    def _finish(self, entry: _Entry) -> None:
        with self._lock:
            if self._entries.get(entry.container_id) is entry:
                del self._entries[entry.container_id]
        with entry.lock:
            entry.closed = True
            for conn in entry.conns:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        for listener, _target in entry.listeners:
            listener.close()
        for fd in (entry.pidfd, entry.wake_r, entry.wake_w, entry.netns):
            if fd >= 0:
                os.close(fd)
        entry.done.set()

    def _connection(
        self, entry: _Entry, client: socket.socket, peer: str, target: tuple[str, int]
    ) -> None:
        with client, self._upstream(peer, target, entry) as upstream:
            if upstream is None:  # reset the client, as a closed port would
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return
            with entry.lock:
                if entry.closed:
                    return
                entry.conns.update((client, upstream))
            back = threading.Thread(target=_pump, args=(upstream, client), daemon=True)
            back.start()
            _pump(client, upstream)
            back.join()
            with entry.lock:
                entry.conns.difference_update((client, upstream))

    @contextlib.contextmanager
    def _upstream(
        self, peer: str, target: tuple[str, int], entry: _Entry
    ) -> Iterator[socket.socket | None]:
        """A connected socket to the container; None when it cannot be made.

        With ``netns``, this thread (one per connection, ended with it) enters the
        container's namespace first: a socket belongs to the namespace of the
        thread that makes it, and a thread may change its own network namespace.
        """
        try:
            if entry.netns >= 0:
                with entry.lock:  # not a descriptor that _finish closed (and the
                    if entry.closed:  # process may have numbered anew)
                        raise OSError("the container's ports are gone")
                    sc.setns(entry.netns, sc.CLONE_NEWNET)
            family = socket.AF_INET6 if ":" in target[0] else socket.AF_INET
            s = socket.socket(family, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
        except OSError:
            yield None
            return
        try:
            source = self._sources(entry)(peer, target[0])
            if source is not None:
                s.setsockopt(socket.SOL_IP, IP_TRANSPARENT, 1)
                s.bind((source, 0))
            s.settimeout(_CONNECT_TIMEOUT)
            s.connect(target)
            s.settimeout(None)
        except OSError:
            s.close()
            yield None
            return
        with s:
            yield s
