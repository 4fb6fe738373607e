"""Kubernetes httpGet and tcpSocket probes, run by the monitor itself.

podman turns them into ``curl -f URL`` and ``nc -z HOST PORT`` health
commands, which fail in an image without curl or nc (most minimal ones).
hutch keeps those commands for inspect and ``kube generate`` (podman's
words), but the monitor runs the probe from a child that joins only the
container's network namespace: an HTTP GET that passes on a status from
200 to 399 (Kubernetes' rule; curl -f fails from 400 on), or a TCP connect.
Standard library only, imported by the monitor when a probe is due.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

SCHEMES = ("http", "https", "tcp")


@dataclass(frozen=True)
class Target:
    scheme: str  # http, https or tcp
    host: str
    port: int
    path: str = "/"  # http(s) only, with its query


def parse(text: str) -> Target:
    """``http://HOST:PORT/PATH``, ``https://...`` or ``tcp://HOST:PORT``."""
    parts = urlsplit(text)
    if parts.scheme not in SCHEMES or not parts.hostname or parts.port is None:
        raise ValueError(f"not a probe target: {text!r}")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, parts.hostname, parts.port, path)


def run(target: Target, timeout: float) -> tuple[int, str]:
    """(exit code, output) of one probe, as a health command's would be."""
    if target.scheme == "tcp":
        try:
            with socket.create_connection((target.host, target.port), timeout=timeout):
                return 0, f"{target.host}:{target.port} open\n"
        except OSError as exc:
            return 1, f"{target.host}:{target.port}: {exc.strerror or exc}\n"
    import http.client

    connection: http.client.HTTPConnection
    if target.scheme == "https":
        import ssl

        # Kubernetes does not verify a probe's certificate either
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection(
            target.host, target.port, timeout=timeout, context=context
        )
    else:
        connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout)
    try:
        connection.request("GET", target.path, headers={"User-Agent": "hutch-probe"})
        response = connection.getresponse()
        status = response.status
        response.read(4096)
    except (OSError, http.client.HTTPException) as exc:
        return 1, f"GET {target.path}: {exc}\n"
    finally:
        connection.close()
    code = 0 if 200 <= status < 400 else 1
    return code, f"GET {target.path}: {status} {response.reason}\n"
