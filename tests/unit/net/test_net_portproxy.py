"""The port proxy of user networks, on loopback: real sockets, splice and pidfds.

The holder's half runs here in the test's own namespace, without transparent
sockets (they need CAP_NET_ADMIN; the integration tests cover them in the
rootless namespace), so the container is a TCP server on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import os
import resource
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from hutch.net import nftrules, portproxy, portserver


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[Path]:
    portserver.PortProxy(tmp_path, transparent=False).start()
    yield tmp_path


class Server:
    """A container's service: echoes the SHA-256 of all it got, then its own bytes."""

    def __init__(self, reply: bytes = b"") -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.reply = reply
        self.peers: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, addr = self.sock.accept()
            except OSError:
                return
            self.peers.append(addr[0])
            with conn:
                digest = hashlib.sha256()
                while chunk := conn.recv(1 << 16):
                    digest.update(chunk)
                conn.sendall(digest.hexdigest().encode() + b"\n" + self.reply)


def _child() -> subprocess.Popen[bytes]:
    return subprocess.Popen(["sleep", "60"])


def _publish(rundir: Path, cid: str, pid: int, target_port: int) -> int:
    listener = portproxy.listen("127.0.0.1", 0)
    port: int = listener.getsockname()[1]
    pidfd = os.pidfd_open(pid)
    try:
        portproxy.add(rundir, cid, pidfd, [(listener, "127.0.0.1", target_port)])
    finally:
        listener.close()  # the holder has its own descriptors now
        os.close(pidfd)
    return port


def _exchange(port: int, payload: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as c:
        c.sendall(payload)
        c.shutdown(socket.SHUT_WR)  # the half-close must reach the server
        got = b""
        while chunk := c.recv(1 << 16):
            got += chunk
    return got


def test_bytes_cross_both_ways_intact_with_half_close(proxy: Path) -> None:
    reply = os.urandom(3 << 20)
    server = Server(reply)
    child = _child()
    try:
        port = _publish(proxy, "c1", child.pid, server.port)
        payload = os.urandom(5 << 20)
        got = _exchange(port, payload)
        head, _, body = got.partition(b"\n")
        assert head.decode() == hashlib.sha256(payload).hexdigest()
        assert body == reply
        # several at once, each its own pair of pumps
        threads = [threading.Thread(target=_exchange, args=(port, b"x" * 1000)) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
        assert len(server.peers) == 9
    finally:
        child.kill()
        child.wait()


def test_remove_frees_the_port_at_once(proxy: Path) -> None:
    server = Server()
    child = _child()
    try:
        port = _publish(proxy, "c2", child.pid, server.port)
        with pytest.raises(OSError):
            portproxy.listen("127.0.0.1", port)  # the holder holds it
        portproxy.remove(proxy, "c2")
        portproxy.listen("127.0.0.1", port).close()
        portproxy.remove(proxy, "c2")  # a second remove is no error
    finally:
        child.kill()
        child.wait()


def test_the_inits_exit_drops_its_ports(proxy: Path) -> None:
    server = Server()
    child = _child()
    port = _publish(proxy, "c3", child.pid, server.port)
    assert _exchange(port, b"a").startswith(hashlib.sha256(b"a").hexdigest().encode())
    child.kill()
    child.wait()
    for _ in range(200):
        try:
            portproxy.listen("127.0.0.1", port).close()
            break
        except OSError:
            threading.Event().wait(0.01)
    else:
        pytest.fail("the port stayed taken after the init exited")


def test_add_again_replaces_and_a_closed_target_resets_the_client(proxy: Path) -> None:
    child = _child()
    try:
        gone = socket.create_server(("127.0.0.1", 0))
        dead_port = gone.getsockname()[1]
        gone.close()
        port = _publish(proxy, "c4", child.pid, dead_port)
        # the reset may come as soon as the connect (the proxy is that quick)
        with (
            pytest.raises((ConnectionResetError, BrokenPipeError)),
            socket.create_connection(("127.0.0.1", port), timeout=10) as c,
        ):
            c.sendall(b"x")
            c.recv(10)
        # a second add for the container drops the first one's listeners first
        server = Server()
        portproxy.remove(proxy, "c4")
        port2 = _publish(proxy, "c4", child.pid, server.port)
        assert _exchange(port2, b"b").startswith(hashlib.sha256(b"b").hexdigest().encode())
    finally:
        child.kill()
        child.wait()


def test_refusals_are_answers(proxy: Path, tmp_path: Path) -> None:
    assert portproxy.clear(proxy, "never-added")
    assert not portproxy.clear(tmp_path / "nowhere", "x")
    with pytest.raises(portproxy.PortProxyError, match="one listening socket per target"):
        portproxy._request(proxy, {"op": "add", "id": "x", "targets": [["127.0.0.1", 1]]}, [])
    with pytest.raises(portproxy.PortProxyError, match="unknown operation"):
        portproxy._request(proxy, {"op": "explode"}, [])


def test_source_addresses() -> None:
    assert portserver.source_for("192.168.1.7", "10.89.0.2") == "192.168.1.7"
    assert portserver.source_for("::ffff:192.168.1.7", "10.89.0.2") == "192.168.1.7"
    assert portserver.source_for("127.0.0.1", "10.89.0.2") == portserver.HOST_LOOPBACK
    assert portserver.source_for("fd00::5", "10.89.0.2") is None
    assert portserver.source_for("::1", "10.89.0.2") == portserver.HOST_LOOPBACK
    assert portserver.source_for("192.168.1.7", "fd00::2") is None


def test_listen_refuses_a_port_in_use() -> None:
    taken = portproxy.listen("127.0.0.1", 0)
    try:
        with pytest.raises(OSError):
            portproxy.listen("127.0.0.1", taken.getsockname()[1])
    finally:
        taken.close()


def test_transparent_rules_mark_the_replies() -> None:
    text = nftrules.transparent_rules()
    assert "socket transparent 1 meta mark set 0x6875" in text
    assert text.startswith(f"table ip {nftrules.PROXY_TABLE}\ndelete table ip")


def test_descriptors_past_select_s_limit(proxy: Path) -> None:
    """A holder with many connections numbers its sockets past 1024, where
    ``select`` fails: the proxy waits with ``poll``."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    top = min(hard, 4096) if hard != resource.RLIM_INFINITY else 4096
    resource.setrlimit(resource.RLIMIT_NOFILE, (top, hard))
    # up to 1100 (past select's reach), or as far as the limit lets a process go,
    # which is as far as the holder could go too
    filler = [os.open("/dev/null", os.O_RDONLY) for _ in range(min(1100, top - 40))]
    server = Server()
    child = _child()
    try:
        port = _publish(proxy, "c5", child.pid, server.port)  # its descriptors past 1024
        assert _exchange(port, b"far").startswith(hashlib.sha256(b"far").hexdigest().encode())
    finally:
        child.kill()
        child.wait()
        for fd in filler:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


class UdpEcho:
    """A container's UDP service: answers each datagram with its sender and payload."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                data, addr = self.sock.recvfrom(65535)
            except OSError:
                return
            self.sock.sendto(f"{addr[1]} ".encode() + data, addr)


def test_udp_datagrams_go_both_ways_one_flow_per_client(proxy: Path) -> None:
    echo = UdpEcho()
    child = _child()
    try:
        published = portproxy.listen("127.0.0.1", 0, "udp")
        port = published.getsockname()[1]
        pidfd = os.pidfd_open(child.pid)
        try:
            portproxy.add(proxy, "u1", pidfd, [(published, "127.0.0.1", echo.port)])
        finally:
            published.close()
            os.close(pidfd)
        clients = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
        seen: list[set[str]] = [set(), set()]
        for round_ in range(3):
            for i, c in enumerate(clients):
                c.settimeout(5)
                c.sendto(f"c{i}-{round_}".encode(), ("127.0.0.1", port))
                answer, sender = c.recvfrom(65535)
                assert sender == ("127.0.0.1", port)  # from the published port
                flow_port, payload = answer.decode().split()
                assert payload == f"c{i}-{round_}"
                seen[i].add(flow_port)
        # each client kept one flow; the two clients had two
        assert len(seen[0]) == len(seen[1]) == 1
        assert seen[0] != seen[1]
        portproxy.remove(proxy, "u1")
        portproxy.listen("127.0.0.1", port, "udp").close()  # the port is free again
    finally:
        child.kill()
        child.wait()


def test_idle_udp_flows_are_forgotten() -> None:
    from hutch.net import udpflows

    now = [0.0]
    registered: set[int] = set()
    flows = udpflows.UdpFlows(
        lambda _c, _t: None, registered.add, registered.discard, lambda: now[0]
    )
    echo = UdpEcho()
    published = portproxy.listen("127.0.0.1", 0, "udp")
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        client.sendto(b"hi", published.getsockname())
        flows.forward(published, ("127.0.0.1", echo.port))
        assert len(flows) == 1 and len(registered) == 1
        now[0] = udpflows.IDLE - 1
        flows.sweep()
        assert len(flows) == 1  # not idle long enough
        now[0] = 2 * udpflows.IDLE
        flows.sweep()
        assert len(flows) == 0 and not registered
    finally:
        client.close()
        published.close()


def test_udp_is_refused_for_a_container_off_the_user_networks(proxy: Path) -> None:
    child = _child()
    try:
        published = portproxy.listen("127.0.0.1", 0, "udp")
        pidfd = os.pidfd_open(child.pid)
        netns = os.open("/proc/self/ns/net", os.O_RDONLY)
        try:
            with pytest.raises(portproxy.PortProxyError, match="slirp4netns's"):
                portproxy.add(proxy, "u2", pidfd, [(published, "127.0.0.1", 9)], netns=netns)
        finally:
            published.close()
            os.close(pidfd)
            os.close(netns)
    finally:
        child.kill()
        child.wait()
