"""Published ports: ``-p [IP:][HOSTPORT:]CTRPORT[/tcp|/udp]``, ranges, random host ports."""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import re
from collections.abc import Iterable, Sequence

from hutch.api.errors import InvalidArgument, PortInUse
from hutch.runtime.spec_network import PortMapping

PROTOCOLS = ("tcp", "udp")
# Host ports (port, protocol) that a container about to be removed holds: a new
# container taking them over is not refused for them (pod clone --destroy makes the
# clone while the original runs, then removes the original, as podman does).
Released = frozenset[tuple[int, str]]


_GO_INT = re.compile(r"[+-]?[0-9]+")


def _port(text: str) -> int:
    """One port as podman's parseAndValidatePort reads it (Go's Atoi, then 1-65535)."""
    if not _GO_INT.fullmatch(text):
        raise ValueError(f'invalid port number: strconv.Atoi: parsing "{text}": invalid syntax')
    number = int(text)
    if abs(number) >= 2**63:
        raise ValueError(f'invalid port number: strconv.Atoi: parsing "{text}": value out of range')
    if not 0 < number < 65536:
        raise ValueError(f"port numbers must be between 1 and 65535 (inclusive), got {number}")
    return number


def _range(text: str, which: str) -> tuple[int, int]:
    """``PORT[-END]`` as (start, end); podman's words, naming the host or container side."""
    parts = text.split("-")
    try:
        if len(parts) > 2:
            raise ValueError(
                "invalid port format - port ranges are formatted as startPort-stopPort"
            )
        if not parts[0]:
            raise ValueError("port numbers cannot be negative")
        start = _port(parts[0])
        if len(parts) == 1:
            return start, start
        if not parts[1]:
            raise ValueError("must provide ending number for port range")
        end = _port(parts[1])
        if end <= start:
            raise ValueError(
                "the end port of a range must be higher than the start port - "
                f"{end} is not higher than {start}"
            )
    except ValueError as exc:
        raise InvalidArgument(f"parsing {which} port: {exc}") from None
    return start, end


def _split(body: str) -> tuple[str | None, str | None, str]:
    """``[IP:][HOSTPORT:]CTRPORT`` (IPv6 in brackets) as podman splits it: (ip,
    host port, container port), None for a part not given; podman's words."""
    ip: str | None = None
    bracketed = body.split("]")
    if len(bracketed) > 2:
        raise InvalidArgument(
            "invalid port format - at most one IPv6 address can be specified in a --publish"
        )
    if len(bracketed) == 2:
        if not bracketed[0].startswith("["):
            raise InvalidArgument("invalid port format - IPv6 addresses must be enclosed by []")
        if not bracketed[1].startswith(":"):
            raise InvalidArgument(
                "invalid port format - IPv6 address must be followed by a colon (':')"
            )
        ip, body = bracketed[0][1:], bracketed[1][1:]
    parts = body.split(":")
    if len(parts) == 1 and ip is not None:
        raise InvalidArgument(
            "invalid port format - must provide host and destination port if specifying an IP"
        )
    if len(parts) == 3 and ip is not None:
        raise InvalidArgument(
            "invalid port format - when v6 address specified, must be [ipv6]:hostPort:ctrPort"
        )
    if len(parts) > 3:
        raise InvalidArgument("invalid port format - format is [[hostIP:]hostPort:]containerPort")
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    if len(parts) == 2:
        return ip, parts[0], parts[1]
    return ip, None, parts[0]


def parse_publish(spec: str) -> list[PortMapping]:
    """One ``-p`` value; host port 0 means "pick a free one" (done by :func:`allocate`).
    Refused in podman's words and order (its CreatePortBindings)."""
    body, *protos = spec.split("/")
    if len(protos) > 1:
        raise InvalidArgument("invalid port format - protocol can only be specified once")
    ip, host_text, ctr_text = _split(body)
    if not ctr_text:
        raise InvalidArgument("must provide a non-empty container port to publish")
    ctr = _range(ctr_text, "container")
    if protos and not protos[0]:
        raise InvalidArgument("must provide a non-empty protocol to publish")
    if ip == "":
        raise InvalidArgument("must provide a non-empty container host IP to publish")
    if ip is not None and ip != "0.0.0.0":
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            raise InvalidArgument(f'cannot parse "{ip}" as an IP address') from None
    count = ctr[1] - ctr[0] + 1
    host = (0, 0) if not host_text else _range(host_text, "host")
    if host_text and host[1] - host[0] + 1 != count:
        raise InvalidArgument(
            "host and container port ranges have different lengths: "
            f"{host[1] - host[0] + 1} vs {count}"
        )
    proto = protos[0].lower() if protos else "tcp"
    if proto == "sctp":  # podman's, which hutch's forwarder does not carry
        raise InvalidArgument(f"-p {spec}: hutch publishes tcp and udp ports only, not sctp")
    if proto not in PROTOCOLS:
        raise InvalidArgument(f'unrecognized protocol "{protos[0]}" in port mapping')
    first = host[0]
    return [PortMapping(ip or "", first and first + i, ctr[0] + i, proto) for i in range(count)]


def parse_expose(item: str) -> list[str]:
    """``--expose PORT[-END][/PROTO]`` as the keys it exposes ("80/tcp"), podman's checks.

    podman 4.3.1's words: Docker's port range parse first (its strconv errors),
    then the range rules, then the protocol (tcp or udp, any case; empty is tcp).
    """
    ports, *protos = item.split("/")
    if len(protos) > 1:
        raise InvalidArgument("invalid expose format - protocol can only be specified once")
    first, sep, last = ports.partition("-")
    start = _uint16(first, ports)
    end = _uint16(last, ports) if sep else start
    if end < start:
        raise InvalidArgument(
            f"invalid range format for --expose: {ports}: Invalid range specified for the Port: "
            f"{ports}"
        )
    if start == 0:
        raise InvalidArgument("port numbers must be between 1 and 65535 (inclusive), got 0")
    if sep and end == start:
        raise InvalidArgument(
            "the end port of a range must be higher than the start port - "
            f"{end} is not higher than {start}"
        )
    proto = (protos[0] if protos else "").lower() or "tcp"
    if proto not in PROTOCOLS:
        reason = (
            "protocol SCTP is not allowed for exposed ports"
            if proto == "sctp"
            else f'unrecognized protocol "{protos[0]}" in port mapping'
        )
        raise InvalidArgument(f"validating protocols for exposed port {start}: {reason}")
    return [f"{port}/{proto}" for port in range(start, end + 1)]


def _uint16(text: str, ports: str) -> int:
    """Go's strconv.ParseUint(text, 10, 16), with its errors."""
    if not (text.isascii() and text.isdigit()):
        problem = "invalid syntax"
    elif int(text) > 65535:
        problem = "value out of range"
    else:
        return int(text)
    raise InvalidArgument(
        f'invalid range format for --expose: {ports}: strconv.ParseUint: parsing "{text}": '
        f"{problem}"
    )


def exposed_keys(image_ports: Iterable[str], expose: Iterable[str]) -> list[str]:
    """The image's exposed ports and those of ``--expose``, as "80/tcp" keys, once each."""
    keys = []
    for item in image_ports:
        port, _, proto = item.partition("/")
        keys.append(f"{port}/{proto or 'tcp'}")
    for item in expose:
        keys += parse_expose(item)
    return list(dict.fromkeys(keys))


def exposed(image_ports: Iterable[str]) -> list[PortMapping]:
    """``-P``: every port the image exposes ("80/tcp"), on a random host port."""
    out = []
    for item in image_ports:
        port, _, proto = item.partition("/")
        with contextlib.suppress(InvalidArgument):
            out += parse_publish(f"{port}/{proto or 'tcp'}")
    return out


def _probe(ip: str, port: int, proto: str) -> int:
    """Bind (and let go of) the host port; return the port bound."""
    import socket  # (2 ms) only where a port is published, not on every create's path

    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    with socket.socket(family, kind) as s:
        if proto == "tcp":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((ip or ("::" if family == socket.AF_INET6 else "0.0.0.0"), port))
        return int(s.getsockname()[1])


def check_free(mappings: Sequence[PortMapping], released: Released = frozenset()) -> None:
    """Refuse a host port already in use, before anything starts."""
    seen: set[tuple[int, str]] = set()
    for m in mappings:
        key = (m.host_port, m.protocol)
        if key in seen:
            raise InvalidArgument(f"host port {m.host_port}/{m.protocol} is published twice")
        seen.add(key)
        if key in released:
            continue
        try:
            _probe(m.host_ip, m.host_port, m.protocol)
        except OSError as exc:
            raise PortInUse(_podman_bind_error(m, exc), hint=_bind_hint(m, exc)) from exc


def _podman_bind_error(m: PortMapping, exc: OSError) -> str:
    """podman's first line (its rootless port forwarder's Go error), for scripts."""
    ip = m.host_ip or "0.0.0.0"
    host = f"[{ip}]" if ":" in ip else ip
    reason = (exc.strerror or str(exc)).lower()  # Go spells errno text in lower case
    listen = f"listen {m.protocol} {host}:{m.host_port}: bind: {reason}"
    start = unprivileged_port_start()
    if exc.errno == errno.EACCES and m.host_port < start:
        # podman's words, with the sysctl that lets an unprivileged user bind it
        return (
            f"rootlessport cannot expose privileged port {m.host_port}, you can add "
            f"'net.ipv4.ip_unprivileged_port_start={m.host_port}' to /etc/sysctl.conf "
            f"(currently {start}), or choose a larger port number (>= {start}): {listen}"
        )
    return f"rootlessport {listen}"


def unprivileged_port_start() -> int:
    """The first port an unprivileged user may bind (the kernel's default: 1024)."""
    try:
        with open("/proc/sys/net/ipv4/ip_unprivileged_port_start") as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return 1024


def _bind_hint(m: PortMapping, exc: OSError) -> str | None:
    if exc.errno == errno.EACCES and m.host_port < unprivileged_port_start():
        return None  # the message says it all
    where = f"{m.host_ip}:" if m.host_ip else ""
    return (
        f"cannot publish {where}{m.host_port}/{m.protocol}: the host port is in use or not "
        f"allowed ({exc.strerror}); choose another host port, or free this one"
    )


def allocate(
    mappings: Sequence[PortMapping], released: Released = frozenset()
) -> tuple[PortMapping, ...]:
    """Give every random (0) host port a free one, then check them all."""
    out = []
    for m in mappings:
        if m.host_port == 0:
            try:
                port = _probe(m.host_ip, 0, m.protocol)
            except OSError as exc:
                raise InvalidArgument(
                    f"cannot find a free host port for {m.container_port}/{m.protocol}: "
                    f"{exc.strerror}"
                ) from exc
            m = PortMapping(m.host_ip, port, m.container_port, m.protocol)
        out.append(m)
    check_free(out, released)
    return tuple(out)
