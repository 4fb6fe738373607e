"""DNS messages, just enough for the user networks' name server (RFC 1035).

The responder answers A/AAAA questions for the names of a network's
containers and forwards everything else; it never needs more than the
header, the first question and a few answer records.
"""

from __future__ import annotations

import ipaddress
import struct
from dataclasses import dataclass

TYPE_A = 1
TYPE_AAAA = 28
CLASS_IN = 1
NOERROR, SERVFAIL, NXDOMAIN, REFUSED = 0, 2, 3, 5
TTL = 60


@dataclass(frozen=True)
class Question:
    id: int
    flags: int
    name: str  # lower case, without the final dot
    qtype: int
    qclass: int
    end: int  # offset just after the question


def parse_query(data: bytes) -> Question | None:
    """The first question of a query, or None for anything malformed or not a query."""
    if len(data) < 12:
        return None
    ident, flags, qdcount = struct.unpack("!HHH", data[:6])
    if flags & 0x8000 or qdcount < 1:
        return None
    labels = []
    pos = 12
    while True:
        if pos >= len(data):
            return None
        length = data[pos]
        pos += 1
        if length == 0:
            break
        if length & 0xC0 or pos + length > len(data):
            return None  # no compression in a question we accept
        labels.append(data[pos : pos + length].decode("ascii", "replace").lower())
        pos += length
    if pos + 4 > len(data):
        return None
    qtype, qclass = struct.unpack("!HH", data[pos : pos + 4])
    return Question(ident, flags, ".".join(labels), qtype, qclass, pos + 4)


def _header(q: Question, rcode: int, ancount: int) -> bytes:
    # QR, the query's opcode and RD, AA (we are the authority for our names), RA
    flags = 0x8000 | (q.flags & 0x7900) | 0x0400 | 0x0080 | rcode
    return struct.pack("!HHHHHH", q.id, flags, 1, ancount, 0, 0)


def answer(query: bytes, q: Question, addresses: list[str]) -> bytes:
    """A response with the addresses of the question's type (none: NODATA)."""
    records = b""
    count = 0
    for text in addresses:
        ip = ipaddress.ip_address(text)
        if (q.qtype, ip.version) not in ((TYPE_A, 4), (TYPE_AAAA, 6)):
            continue
        rdata = ip.packed
        records += struct.pack("!HHHIH", 0xC00C, q.qtype, CLASS_IN, TTL, len(rdata)) + rdata
        count += 1
    return _header(q, NOERROR, count) + query[12 : q.end] + records


def error(query: bytes, q: Question, rcode: int) -> bytes:
    return _header(q, rcode, 0) + query[12 : q.end]


def with_id(message: bytes, ident: int) -> bytes:
    return struct.pack("!H", ident) + message[2:]


def message_id(message: bytes) -> int:
    return int(struct.unpack("!H", message[:2])[0]) if len(message) >= 2 else -1
