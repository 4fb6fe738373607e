from __future__ import annotations

import socket
import struct
import threading
from pathlib import Path

from hutch.net import dns
from hutch.net.rootlessd import Responder, parse_upstream, read_tcp_message, tcp_message


def _query(name: str, qtype: int = dns.TYPE_A) -> bytes:
    body = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", 9, 0x0100, 1, 0, 0, 0) + body + struct.pack("!HH", qtype, 1)


def test_upstream_override_is_parsed() -> None:
    assert parse_upstream("127.0.0.1:5353, 10.0.0.1") == [("127.0.0.1", 5353), ("10.0.0.1", 53)]
    assert parse_upstream("[fd00::1]:54,fd00::2") == [("fd00::1", 54), ("fd00::2", 53)]
    assert parse_upstream("") == []


def test_tcp_messages_carry_a_length() -> None:
    a, b = socket.socketpair()
    with a, b:
        a.sendall(tcp_message(b"x" * 300) + tcp_message(b"yz"))
        assert read_tcp_message(b) == b"x" * 300
        assert read_tcp_message(b) == b"yz"


def _responder(tmp_path: Path) -> Responder:
    r = Responder(tmp_path, ["127.0.0.1"])
    r.networks = {
        "one": {"records": {"web": ["10.89.0.2", "fd10::2"]}, "members": {}},
        "shut": {"records": {}, "members": {}, "internal": True},
    }
    return r


def test_resolve_answers_ours_and_leaves_the_rest(tmp_path: Path) -> None:
    r = _responder(tmp_path)
    a = r.resolve(_query("web"), "one", "10.89.0.3")
    aaaa = r.resolve(_query("web.dns.hutch", dns.TYPE_AAAA), "one", "10.89.0.3")
    assert a is not None and a.endswith(socket.inet_aton("10.89.0.2"))
    assert aaaa is not None and aaaa.endswith(socket.inet_pton(socket.AF_INET6, "fd10::2"))
    assert r.resolve(_query("example.org"), "one", "10.89.0.3") is None  # forwarded
    shut = r.resolve(_query("example.org"), "shut", "10.89.1.3")
    assert shut is not None and shut[3] & 0xF == dns.NXDOMAIN


def test_a_tcp_client_gets_answers_on_one_connection(tmp_path: Path) -> None:
    r = _responder(tmp_path)
    server, client = socket.socketpair()
    r.tcp_clients.acquire()
    worker = threading.Thread(target=r._tcp_client, args=(server, "one", "10.89.0.3"))
    worker.start()
    with client:
        for qtype in (dns.TYPE_A, dns.TYPE_AAAA):
            client.sendall(tcp_message(_query("web", qtype)))
            assert dns.message_id(read_tcp_message(client)) == 9
        # not ours and no socket maker: SERVFAIL rather than silence
        client.sendall(tcp_message(_query("example.org")))
        assert read_tcp_message(client)[3] & 0xF == dns.SERVFAIL
    worker.join(5)
    assert not worker.is_alive()
