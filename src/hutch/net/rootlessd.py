"""The rootless network namespace and its name server: one process per user session.

    python -m hutch.net.rootlessd RUNDIR

User-defined networks live in one extra network namespace (created inside
the session user namespace, as podman's "rootless netns"): a bridge per
network, a veth pair per container attachment. This process holds that
namespace (it lives in it), connects it outward with slirp4netns (whose
``--exit-fd`` ends it with us), and answers DNS on each network's gateway
address: container names and aliases from ``RUNDIR/dns.json`` (rewritten by
the engine, then SIGHUP), everything else forwarded to the network's own
servers (``network create --dns``) or else the host's resolvers
through a socket opened *before* we left the host's namespace, so a
loopback resolver such as 127.0.0.53 is reachable too. The same questions
are answered over TCP (RFC 7766: each message behind a 2-byte length), one
thread per connection; a TCP question that is not ours is forwarded over
TCP through a socket made by a small forked *socket maker* that stays in
the host's namespace (a socket belongs to the namespace it was made in,
and this process cannot ``setns`` back into the host's).

Standard library only; started detached by ``hutch.net.rootless.ensure``.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import socket
import struct
import sys
import threading
import time
from pathlib import Path
from typing import Any

from hutch.linux import syscalls as sc
from hutch.net import dns, nftrules, portserver
from hutch.util.tools import find_tool

TAP = "tap0"
_FORWARD_TIMEOUT = 5.0
_TCP_IDLE = 10.0  # RFC 7766 asks servers to close idle connections after seconds
_TCP_CLIENTS = 64
IP_FREEBIND = 15
IPV6_FREEBIND = 78
# the name servers to forward to instead of resolv.conf's: "ADDR[:PORT],..." ([v6]:PORT)
UPSTREAM_ENV = "HUTCH_DNS_UPSTREAM"
# the port of the servers a network names (``network create --dns``): 53, unless set;
# a test's own server cannot listen on 53 unprivileged
NETWORK_DNS_PORT_ENV = "HUTCH_DNS_PORT"


def upstream_servers(resolv: str) -> list[str]:
    out = []
    for line in resolv.splitlines():
        fields = line.split()
        if len(fields) > 1 and fields[0] == "nameserver":
            out.append(fields[1].split("%")[0])
    return out or ["127.0.0.1"]


def parse_upstream(text: str) -> list[tuple[str, int]]:
    """``ADDR[:PORT]`` items, comma separated; an IPv6 address with a port is bracketed."""
    out = []
    for item in filter(None, (i.strip() for i in text.split(","))):
        if item.startswith("["):
            host, _, port = item[1:].partition("]")
            port = port.removeprefix(":")
        elif item.count(":") == 1:
            host, _, port = item.partition(":")
        else:
            host, port = item, ""
        out.append((host, int(port) if port else 53))
    return out


class SocketMaker:
    """Sockets of the host's network namespace, on demand, from a forked child.

    The child is forked before the process leaves the host's namespace and
    stays there; it answers each request on a socket pair with a new TCP
    socket (SCM_RIGHTS) and ends when the pair is closed, that is, with us.
    """

    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            ours.close()
            keep = theirs.fileno()
            # nothing else of ours (the ready pipe above all) may stay open here
            os.closerange(3, keep)
            os.closerange(keep + 1, 1 << 16)
            try:
                self._serve(theirs)
            finally:
                os._exit(0)
        theirs.close()
        self.pid = pid
        self._sock = ours
        self._lock = threading.Lock()

    @staticmethod
    def _serve(chan: socket.socket) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        while request := chan.recv(16):
            family = socket.AF_INET6 if request == b"6" else socket.AF_INET
            with socket.socket(family, socket.SOCK_STREAM) as made:
                socket.send_fds(chan, [b"s"], [made.fileno()])

    def tcp(self, family: int) -> socket.socket:
        with self._lock:
            self._sock.send(b"6" if family == socket.AF_INET6 else b"4")
            _msg, fds, _flags, _addr = socket.recv_fds(self._sock, 16, 1)
        if not fds:
            raise OSError("the socket maker is gone")
        return socket.socket(fileno=fds[0])


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def read_tcp_message(sock: socket.socket) -> bytes:
    (size,) = struct.unpack("!H", _recv_exact(sock, 2))
    return _recv_exact(sock, size)


def tcp_message(data: bytes) -> bytes:
    return struct.pack("!H", len(data)) + data


class Responder:
    def __init__(
        self,
        rundir: Path,
        upstream: list[str] | list[tuple[str, int]],
        maker: SocketMaker | None = None,
        network_dns_port: int = 53,
    ) -> None:
        self.rundir = rundir
        self.upstream = [u if isinstance(u, tuple) else (u, 53) for u in upstream]
        self.network_dns_port = network_dns_port
        self.maker = maker
        self.tcp_listeners: dict[str, tuple[socket.socket, str]] = {}
        self.tcp_clients = threading.BoundedSemaphore(_TCP_CLIENTS)
        # sockets of the host's namespace, for forwarding
        self.out4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.out6: socket.socket | None = None
        with contextlib.suppress(OSError):
            self.out6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        self.listeners: dict[str, tuple[socket.socket, str]] = {}  # gateway -> (sock, network)
        self.networks: dict[str, dict[str, object]] = {}
        self.pending: dict[int, tuple[socket.socket, Any, int, float]] = {}
        self.next_id = 1

    def reload(self) -> None:
        try:
            config = json.loads((self.rundir / "dns.json").read_text())
        except (OSError, ValueError):
            config = {"networks": []}
        self.networks = {n["name"]: n for n in config["networks"] if n.get("dns", True)}
        wanted = {str(n["gateway"]): name for name, n in self.networks.items()}
        for table, kind in ((self.listeners, socket.SOCK_DGRAM), (self.tcp_listeners, 0)):
            for gateway in list(table):
                if gateway not in wanted:
                    table.pop(gateway)[0].close()
            for gateway, name in wanted.items():
                if gateway in table:
                    table[gateway] = (table[gateway][0], name)
                    continue
                s = _listen(gateway, kind or socket.SOCK_STREAM)
                if s is not None:
                    table[gateway] = (s, name)

    def servers(self, network: str) -> list[tuple[str, int]]:
        """Where a question that is not a container name goes: the network's own
        servers (``--dns``), else the host's."""
        own = self.networks.get(network, {}).get("servers") or []
        assert isinstance(own, list)
        return [(str(a), self.network_dns_port) for a in own] or self.upstream

    def tcp_accept(self, listener: socket.socket, network: str) -> None:
        try:
            conn, addr = listener.accept()
        except OSError:
            return
        if not self.tcp_clients.acquire(blocking=False):
            conn.close()  # too many at once: the client retries or falls back
            return
        threading.Thread(
            target=self._tcp_client, args=(conn, network, str(addr[0])), daemon=True
        ).start()

    def _tcp_client(self, conn: socket.socket, network: str, client: str) -> None:
        """Answer each message of one connection until the client closes or idles."""
        try:
            with conn:
                conn.settimeout(_TCP_IDLE)
                while True:
                    data = read_tcp_message(conn)
                    reply = self.resolve(data, network, client)
                    if reply is None:
                        q = dns.parse_query(data)
                        if q is None:
                            return
                        reply = self._forward_tcp(data, q, network)
                    conn.sendall(tcp_message(reply))
        except (OSError, ConnectionError, struct.error):
            pass
        finally:
            self.tcp_clients.release()

    def _forward_tcp(self, data: bytes, q: dns.Question, network: str) -> bytes:
        if self.maker is None:
            return dns.error(data, q, dns.SERVFAIL)
        for server, port in self.servers(network):
            family = socket.AF_INET6 if ":" in server else socket.AF_INET
            try:
                with self.maker.tcp(family) as out:
                    out.settimeout(_FORWARD_TIMEOUT)
                    out.connect((server, port))
                    out.sendall(tcp_message(data))
                    answer = read_tcp_message(out)
            except (OSError, ConnectionError, struct.error):
                continue
            if dns.message_id(answer) == q.id:
                return answer
        return dns.error(data, q, dns.SERVFAIL)

    def sockets(self) -> list[socket.socket]:
        out = [s for s, _ in self.listeners.values()] + [self.out4]
        return out + ([self.out6] if self.out6 else [])

    def query(self, sock: socket.socket, network: str) -> None:
        try:
            data, addr = sock.recvfrom(4096)
        except OSError:
            return
        q = dns.parse_query(data)
        if q is None:
            return
        reply = self.resolve(data, network, str(addr[0]))
        if reply is not None:
            with contextlib.suppress(OSError):
                sock.sendto(reply, addr)
            return
        self._forward(sock, addr, data, q.id, network)

    def resolve(self, data: bytes, network: str, client: str) -> bytes | None:
        """Our answer to a query (UDP or TCP); None: not ours, forward it."""
        q = dns.parse_query(data)
        if q is None:
            return None
        name = q.name
        for suffix in (".dns.hutch", ".dns.podman"):
            name = name.removesuffix(suffix)
        found = self.lookup(network, client, name)
        if found:
            return dns.answer(data, q, found)
        if self.networks.get(network, {}).get("internal"):
            return dns.error(data, q, dns.NXDOMAIN)
        return None

    def lookup(self, network: str, client: str, name: str) -> list[str]:
        """The name on any network the asking container is on (as aardvark-dns does):
        its resolver asks the first name server only, whatever network that is on."""
        members = self.networks.get(network, {}).get("members", {})
        assert isinstance(members, dict)
        asker = members.get(client)
        found: list[str] = []
        for net_name, net in self.networks.items():
            net_members = net.get("members", {})
            assert isinstance(net_members, dict)
            if net_name != network and (asker is None or asker not in net_members.values()):
                continue
            records = net.get("records", {})
            assert isinstance(records, dict)
            found += [a for a in records.get(name, []) if a not in found]
        return found

    def _forward(
        self, sock: socket.socket, addr: Any, data: bytes, ident: int, network: str = ""
    ) -> None:
        now = time.monotonic()
        for key in [k for k, v in self.pending.items() if v[3] < now]:
            del self.pending[key]
        new_id = self.next_id
        self.next_id = self.next_id % 65535 + 1
        self.pending[new_id] = (sock, addr, ident, now + _FORWARD_TIMEOUT)
        server, port = self.servers(network)[0]
        out = self.out6 if ":" in server and self.out6 else self.out4
        with contextlib.suppress(OSError):
            out.sendto(dns.with_id(data, new_id), (server, port))

    def reply(self, out: socket.socket) -> None:
        try:
            data, _ = out.recvfrom(65535)
        except OSError:
            return
        entry = self.pending.pop(dns.message_id(data), None)
        if entry is not None:
            sock, addr, ident, _ = entry
            with contextlib.suppress(OSError):
                sock.sendto(dns.with_id(data, ident), addr)


def _listen(gateway: str, kind: int) -> socket.socket | None:
    family = socket.AF_INET6 if ":" in gateway else socket.AF_INET
    s = socket.socket(family, kind)
    # the bridge (and its address) appears with the network's first container
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, IPV6_FREEBIND, 1)
    else:
        s.setsockopt(socket.SOL_IP, IP_FREEBIND, 1)
    if kind == socket.SOCK_STREAM:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind((gateway, 53))
        if kind == socket.SOCK_STREAM:
            s.listen(16)
    except OSError:
        s.close()
        return None
    return s


def _make_namespace() -> tuple[int, int]:
    """A new network namespace held by a child; returns (child pid, namespace fd)."""
    r, w = os.pipe()
    r2, w2 = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the short-lived child
        try:
            os.close(r)
            os.close(w2)
            sc.unshare(sc.CLONE_NEWNET)
            os.write(w, b"k")
            os.read(r2, 1)
        finally:
            os._exit(0)
    os.close(w)
    os.close(r2)
    if os.read(r, 1) != b"k":
        raise OSError("cannot create the rootless network namespace")
    os.close(r)
    fd = os.open(f"/proc/{pid}/ns/net", os.O_RDONLY)
    os.close(w2)  # the child may go: our descriptor keeps the namespace
    os.waitpid(pid, 0)
    return pid, fd


def _start_slirp(ns_fd: int, rundir: Path) -> tuple[int, int]:
    """slirp4netns on the namespace; returns (pid, the write end of its exit pipe)."""
    exit_r, exit_w = os.pipe2(os.O_CLOEXEC)
    ready_r, ready_w = os.pipe2(os.O_CLOEXEC)
    api = rundir / "slirp.sock"
    api.unlink(missing_ok=True)
    argv = [
        shutil.which("slirp4netns") or "slirp4netns",
        "--configure",
        "--mtu",
        "65520",
        "--exit-fd",
        str(exit_r),
        "--ready-fd",
        str(ready_w),
        "--api-socket",
        str(api),
        "--netns-type",
        "path",
        f"/proc/self/fd/{ns_fd}",
        TAP,
    ]
    keep = (ns_fd, exit_r, ready_w)
    for fd in keep:
        os.set_inheritable(fd, True)
    log = os.open(rundir / "slirp.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    pid = os.posix_spawn(
        argv[0],
        argv,
        dict(os.environ),
        file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, log, 1),
            (os.POSIX_SPAWN_DUP2, log, 2),
        ],
        setsigdef=(signal.SIGPIPE, signal.SIGTERM, signal.SIGINT, signal.SIGHUP),
    )
    os.close(log)
    for fd in keep:
        os.set_inheritable(fd, False)
    os.close(exit_r)
    os.close(ready_w)
    ready, _, _ = select.select([ready_r], [], [], 10.0)
    ok = bool(ready) and os.read(ready_r, 1) == b"1"
    os.close(ready_r)
    if not ok:
        raise OSError("slirp4netns did not start: " + (rundir / "slirp.log").read_text()[-300:])
    return pid, exit_w


def _run(argv: list[str], text: str = "") -> None:
    import subprocess

    done = subprocess.run(argv, input=text.encode(), check=False, capture_output=True)
    if done.returncode != 0:
        raise OSError(f"{argv[0]} failed: {done.stderr.decode(errors='replace').strip()}")


def _readable(readers: list[Any], timeout: float) -> list[Any]:
    """Those of ``readers`` (sockets, descriptors) ready to read: ``poll``, since a
    holder proxying many connections numbers its new sockets past select's 1024."""
    poller = select.poll()
    by_fd: dict[int, Any] = {}
    for r in readers:
        fd = r if isinstance(r, int) else r.fileno()
        by_fd[fd] = r
        poller.register(fd, select.POLLIN)
    return [by_fd[fd] for fd, _events in poller.poll(timeout * 1000)]


def _raise_descriptor_limit() -> None:
    """Up to the hard limit: each proxied connection holds six descriptors (two
    sockets, two pipes), and the soft limit is often 1024."""
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _route_replies() -> bool:
    """Rules that bring the container's answers to a transparent socket of the port
    proxy back here; without them (a kernel without nftables' socket match) the
    proxy connects from the gateway's address instead, as rootlessport does."""
    table = nftrules.PROXY_MARK
    try:
        _run(
            [find_tool("ip"), "-batch", "-"],
            f"rule add fwmark {table:#x} lookup {table}\n"
            f"route add local 0.0.0.0/0 dev lo table {table}\n",
        )
        _run([find_tool("nft"), "-f", "-"], nftrules.transparent_rules())
    except OSError as exc:
        sys.stderr.write(f"published ports will not show the client's address: {exc}\n")
        return False
    return True


def main(rundir: Path, ready_fd: int) -> None:
    rundir.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    upstream: list[tuple[str, int]] = parse_upstream(os.environ.get(UPSTREAM_ENV, ""))
    if not upstream:
        resolv = Path("/etc/resolv.conf")
        upstream = [
            (u, 53) for u in upstream_servers(resolv.read_text() if resolv.exists() else "")
        ]
    # its forwarding sockets, and the socket maker, stay in the host's namespace
    port = os.environ.get(NETWORK_DNS_PORT_ENV, "")
    responder = Responder(rundir, upstream, SocketMaker(), int(port) if port.isdigit() else 53)
    _child, ns_fd = _make_namespace()
    slirp_pid, _exit_w = _start_slirp(ns_fd, rundir)
    sc.setns(ns_fd, sc.CLONE_NEWNET)
    os.close(ns_fd)
    Path("/proc/sys/net/ipv4/ip_forward").write_text("1\n")
    _run([find_tool("ip"), "link", "set", "lo", "up"])
    _raise_descriptor_limit()
    portserver.PortProxy(rundir, transparent=_route_replies()).start()
    wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGHUP, lambda *_: None)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    responder.reload()
    os.write(ready_fd, f"{slirp_pid}\n".encode())
    os.close(ready_fd)
    while True:
        listeners = {s: name for s, name in responder.listeners.values()}
        tcp = {s: name for s, name in responder.tcp_listeners.values()}
        readers: list[Any] = [wake_r, *responder.sockets(), *tcp]
        try:
            ready = _readable(readers, 30.0)
        except InterruptedError:
            continue
        if wake_r in ready:
            with contextlib.suppress(BlockingIOError):
                os.read(wake_r, 512)
            done, _status = os.waitpid(slirp_pid, os.WNOHANG)
            assert responder.maker is not None
            with contextlib.suppress(ChildProcessError):
                os.waitpid(responder.maker.pid, os.WNOHANG)  # reaped, should it ever end
            if done:
                os._exit(1)  # no way out any more: let the next command start afresh
            responder.reload()
            continue
        for s in ready:
            if s in tcp:
                responder.tcp_accept(s, tcp[s])
            elif s in listeners:
                responder.query(s, listeners[s])
            elif isinstance(s, socket.socket):
                responder.reply(s)


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
