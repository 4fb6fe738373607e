"""The user networks' name server over TCP (and UDP forwarding), with a real client.

busybox's nslookup speaks UDP only, so the client is Python on the host,
run inside the rootless network namespace (``hutch unshare`` + ``nsenter``)
against the network's gateway. The upstream is a small DNS server of this
test on the host's loopback (``HUTCH_DNS_UPSTREAM``), answering every A
question with 192.0.2.77 over both UDP and TCP: it shows that forwarding
from the namespace reaches a loopback resolver on the host.
"""

from __future__ import annotations

import json
import socket
import struct
import sys
import threading
from collections.abc import Iterator

import pytest
from harness import Hutch

UPSTREAM_ANSWER = "192.0.2.77"

# run in the rootless namespace: argv = gateway, then names; prints "name type addresses"
CLIENT = r"""
import socket, struct, sys
gateway, names = sys.argv[1], sys.argv[2:]
def query(ident, name, qtype):
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + q + struct.pack("!HH", qtype, 1)
def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise SystemExit("closed early")
        data += chunk
    return data
def addresses(msg):
    ident, flags, qd, an = struct.unpack("!HHHH", msg[:8])
    pos = 12
    while msg[pos]:
        pos += msg[pos] + 1
    pos += 5
    out = []
    for _ in range(an):
        pos += 2  # a compression pointer to the question
        rtype, _cls, _ttl, size = struct.unpack("!HHIH", msg[pos:pos + 10])
        pos += 10
        family = socket.AF_INET if rtype == 1 else socket.AF_INET6
        out.append(socket.inet_ntop(family, msg[pos:pos + size]))
        pos += size
    return ident, flags & 0xF, out
s = socket.create_connection((gateway, 53), timeout=10)
# every question on one connection, the way a resolver reuses it
for i, name in enumerate(names):
    for qtype in (1, 28):
        msg = query(100 + i * 2 + qtype, name, qtype)
        s.sendall(struct.pack("!H", len(msg)) + msg)
        size, = struct.unpack("!H", recv_exact(s, 2))
        ident, rcode, found = addresses(recv_exact(s, size))
        assert ident == 100 + i * 2 + qtype, ident
        print(name, qtype, rcode, ",".join(found) or "-")
"""


def _answer(query: bytes) -> bytes:
    """The fake upstream's reply: the question, and an A record when it asked for A."""
    ident, _flags = struct.unpack("!HH", query[:4])
    pos = 12
    while query[pos]:
        pos += query[pos] + 1
    end = pos + 5
    qtype = struct.unpack("!H", query[pos + 1 : pos + 3])[0]
    records = b""
    if qtype == 1:
        rdata = socket.inet_aton(UPSTREAM_ANSWER)
        records = struct.pack("!HHHIH", 0xC00C, 1, 1, 30, 4) + rdata
    header = struct.pack("!HHHHHH", ident, 0x8180, 1, 1 if records else 0, 0, 0)
    return header + query[12:end] + records


@pytest.fixture
def upstream() -> Iterator[int]:
    """A DNS server on 127.0.0.1:PORT, UDP and TCP; yields PORT."""
    tcp = socket.create_server(("127.0.0.1", 0))
    port = tcp.getsockname()[1]
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", port))
    stop = threading.Event()

    def serve_udp() -> None:
        udp.settimeout(0.2)
        while not stop.is_set():
            try:
                data, peer = udp.recvfrom(4096)
            except TimeoutError:
                continue
            udp.sendto(_answer(data), peer)

    def serve_tcp() -> None:
        tcp.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = tcp.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                size = struct.unpack("!H", conn.recv(2))[0]
                data = b""
                while len(data) < size:
                    data += conn.recv(size - len(data))
                reply = _answer(data)
                conn.sendall(struct.pack("!H", len(reply)) + reply)

    threads = [threading.Thread(target=f, daemon=True) for f in (serve_udp, serve_tcp)]
    for t in threads:
        t.start()
    yield port
    stop.set()
    for t in threads:
        t.join(2)
    tcp.close()
    udp.close()


def _in_rootless_netns(hutch: Hutch, *argv: str) -> str:
    pid = (hutch.env.runtime_dir / "hutch" / "netns" / "rootless.pid").read_text().split()[0]
    return hutch("unshare", "nsenter", f"--net=/proc/{pid}/ns/net", *argv).stdout


def test_dns_over_tcp_answers_and_forwards(hutch: Hutch, base_image: str, upstream: int) -> None:
    env = {"HUTCH_DNS_UPSTREAM": f"127.0.0.1:{upstream}"}
    hutch("network", "create", "tcpdns")
    hutch(
        "run", "-d", "--name", "named", "--network", "tcpdns",
        "--network-alias", "other", base_image, "sleep", "60",
        env=env,
    )  # fmt: skip
    info = json.loads(hutch("network", "inspect", "tcpdns").stdout)[0]
    gateway = info["subnets"][0]["gateway"]
    address = json.loads(hutch("inspect", "named").stdout)[0]["NetworkSettings"]["IPAddress"]
    out = _in_rootless_netns(
        hutch, sys.executable, "-c", CLIENT, gateway, "named", "other", "elsewhere.test"
    )
    assert out.splitlines() == [
        f"named 1 0 {address}",
        "named 28 0 -",  # the name exists, with no IPv6 address: NODATA
        f"other 1 0 {address}",
        "other 28 0 -",
        f"elsewhere.test 1 0 {UPSTREAM_ANSWER}",  # forwarded over TCP to the host's loopback
        "elsewhere.test 28 0 -",
    ]
    # the same forward over UDP, from a container
    udp = hutch("run", "--rm", "--network", "tcpdns", base_image, "nslookup", "elsewhere.test")
    assert f"Address: {UPSTREAM_ANSWER}" in udp.stdout
