"""Published TCP ports through the rootless namespace's port proxy.

The proxy (``hutch.net.portproxy``) splices between a listening socket of the
host's namespace and a connection made from a transparent socket in the
rootless namespace (user networks), or from inside the container's own
namespace (``--network slirp4netns:port_handler=rootlesskit``, as podman's
rootlessport); these tests move real data through it both ways, check the
client addresses the container sees (against podman's for rootlesskit), and
that a port is free again as soon as its container stops, or its monitor is
killed.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import time
import urllib.request
from pathlib import Path

import pytest
from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture
from ports import free_port
from test_net_private import HTTPD, get, host_address
from test_net_udp_source import ask, free_udp_port, udpecho  # noqa: F401 - a fixture
from test_net_user_networks import _client

# A CGI that answers the MD5 of what was posted to it, and a 12 MiB file to fetch.
BULK = (
    "mkdir -p /www/cgi-bin && "
    "dd if=/dev/urandom of=/www/big bs=1M count=12 2>/dev/null && "
    "printf '#!/bin/sh\\necho Content-Type: text/plain\\necho\\n"
    "head -c $CONTENT_LENGTH | md5sum\\n' > /www/cgi-bin/sum && chmod +x /www/cgi-bin/sum && "
    "exec httpd -f -p 80 -h /www"
)


def _port_is_free(port: int, kind: int = socket.SOCK_STREAM) -> bool:
    with socket.socket(socket.AF_INET, kind) as s:
        if kind == socket.SOCK_STREAM:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True


def _holder_of(port: int, table: str) -> bytes:
    """The command line of the process whose socket is bound to ``port``
    (``/proc/net/tcp`` or ``udp``): the rootless namespace's holder when the proxy
    holds it, slirp4netns for a host forward."""
    inodes = set()
    for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].rsplit(":", 1)[1], 16) == port:
            inodes.add(fields[9])
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
            if any(link.removeprefix("socket:[").rstrip("]") in inodes for link in links):
                return Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
    return b""


def _wait_free(port: int, seconds: float = 10.0, kind: int = socket.SOCK_STREAM) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _port_is_free(port, kind):
            return True
        time.sleep(0.05)
    return False


def test_bulk_data_crosses_both_ways_intact(hutch: Hutch, base_image: str) -> None:
    hutch("network", "create", "bulknet")
    port = free_port()
    hutch("run", "-d", "--name", "bulk", "--network", "bulknet", "-p", f"{port}:80",
          base_image, "sh", "-c", BULK)  # fmt: skip
    get(f"http://127.0.0.1:{port}/cgi-bin/sum", timeout=20)  # up
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/big", timeout=30) as r:
        fetched = r.read()
    inside = hutch("exec", "bulk", "md5sum", "/www/big").stdout.split()[0]
    assert len(fetched) == 12 << 20
    assert hashlib.md5(fetched).hexdigest() == inside
    payload = os.urandom(20 << 20)
    request = urllib.request.Request(f"http://{host_address()}:{port}/cgi-bin/sum", payload)
    with urllib.request.urlopen(request, timeout=30) as r:
        answered = r.read().decode().split()[0]
    assert answered == hashlib.md5(payload).hexdigest()


def test_a_port_is_free_once_its_container_stops_or_its_monitor_dies(
    hutch: Hutch, base_image: str
) -> None:
    hutch("network", "create", "freenet")
    port = free_port()
    hutch("run", "-d", "--name", "holder", "--network", "freenet", "-p", f"{port}:80",
          base_image, "httpd", "-f", "-p", "80", "-h", "/")  # fmt: skip
    get(f"http://127.0.0.1:{port}/etc/hostname", timeout=20)
    assert not _port_is_free(port)
    hutch("stop", "-t", "0", "holder")
    assert _wait_free(port)  # the proxy saw the init exit
    hutch("start", "holder")
    get(f"http://127.0.0.1:{port}/etc/hostname", timeout=20)
    # a monitor killed outright cleans nothing up: the proxy sees its init exit
    monitor = json.loads(hutch("inspect", "holder").stdout)[0]["State"]["ConmonPid"]
    assert monitor > 0
    os.kill(monitor, signal.SIGKILL)
    assert _wait_free(port), "the port stayed taken after the container's monitor died"


def test_tcp_and_udp_ports_of_one_container(
    hutch: Hutch,
    base_image: str,
    udpecho: Path,  # noqa: F811 - the fixture imported above
) -> None:
    """TCP and UDP through the proxy: both keep the client's address, and the UDP
    answers reach each client from the published port."""
    hutch("network", "create", "mixnet")
    tcp, udp = free_port(), free_udp_port()
    script = (
        "/udpecho 5353 & mkdir -p /www/cgi-bin && printf '#!/bin/sh\\necho Content-Type: "
        "text/plain\\necho\\necho $REMOTE_ADDR\\n' > /www/cgi-bin/ip && chmod +x /www/cgi-bin/ip"
        " && exec httpd -f -p 80 -h /www"
    )
    hutch("run", "-d", "--name", "mixed", "--network", "mixnet", "-p", f"{tcp}:80",
          "-p", f"{udp}:5353/udp", "-v", f"{udpecho}:/udpecho:ro", base_image,
          "sh", "-c", script)  # fmt: skip
    remote = host_address()
    assert _client(get(f"http://{remote}:{tcp}/cgi-bin/ip", timeout=20)) == remote
    assert _client(get(f"http://127.0.0.1:{tcp}/cgi-bin/ip")) == "10.0.2.2"
    assert ask(remote, udp, "far") == f"FROM {remote} far"
    assert ask("127.0.0.1", udp, "near") == "FROM 10.0.2.2 near"
    # both held by the proxy in the namespace's holder, not by a slirp4netns forward
    assert b"hutch.net.rootlessd" in _holder_of(tcp, "tcp")
    assert b"hutch.net.rootlessd" in _holder_of(udp, "udp")
    assert hutch("port", "mixed").stdout.splitlines() == [
        f"80/tcp -> 0.0.0.0:{tcp}",
        f"5353/udp -> 0.0.0.0:{udp}",
    ]
    # a port published on the host's IPv6 loopback: its client is the host's loopback
    v6 = free_port()
    hutch("run", "-d", "--name", "six", "--network", "mixnet", "-p", f"[::1]:{v6}:80",
          base_image, "sh", "-c", HTTPD)  # fmt: skip
    assert _client(get(f"http://[::1]:{v6}/cgi-bin/ip", timeout=20)) == "10.0.2.2"
    hutch("stop", "-t", "0", "mixed")
    assert _wait_free(tcp)
    assert _wait_free(udp, kind=socket.SOCK_DGRAM)  # the UDP one too


def test_rootlesskit_port_handler_is_podmans(hutch: Hutch, base_image: str, podman: Run) -> None:
    """slirp4netns:port_handler=rootlesskit (podman's default with slirp4netns): the
    proxy connects from inside the container's namespace, so the container sees its
    own address as every client's, as podman 4.3.1 shows it; UDP stays slirp4netns's."""
    remote = host_address()
    seen: dict[str, list[str]] = {}
    for tool, net in (("hutch", "slirp4netns:port_handler=rootlesskit"), ("podman", "")):
        port = free_port()
        network = ("--network", net) if net else ()
        run = hutch if tool == "hutch" else podman
        done = run("run", "-d", "--name", "rk", *network, "-p", f"{port}:80", "base"
                   if tool == "podman" else base_image, "sh", "-c", HTTPD)  # fmt: skip
        assert done.returncode == 0, done.stderr
        try:
            seen[tool] = [
                _client(get(f"http://{host}:{port}/cgi-bin/ip", timeout=20))
                for host in ("127.0.0.1", remote)
            ]
            if tool == "hutch":
                with urllib.request.urlopen(f"http://{remote}:{port}/index.html") as r:
                    assert r.read() == b"hello\n"
                hutch("stop", "-t", "0", "rk")
                assert _wait_free(port)
        finally:
            run("rm", "-f", "-t", "0", "rk")
    assert seen["hutch"] == seen["podman"] == ["10.0.2.100", "10.0.2.100"]


@pytest.mark.parametrize("mode", ["fork", "exec"])
def test_the_attach_helper_runs_under_either_monitor(
    hutch: Hutch, base_image: str, mode: str
) -> None:
    """The monitor forks the attach helper (imported by name) whether it is the CLI
    forked or a new interpreter (HUTCH_MONITOR_EXEC): the modules it has differ."""
    env = {"HUTCH_MONITOR_EXEC": "1"} if mode == "exec" else {}
    hutch("network", "create", f"mon{mode}")
    port = free_port()
    hutch("run", "-d", "--name", f"att-{mode}", "--network", f"mon{mode}", "-p",
          f"{port}:80", base_image, "sh", "-c", HTTPD, env=env)  # fmt: skip
    assert _client(get(f"http://127.0.0.1:{port}/cgi-bin/ip", timeout=20)) == "10.0.2.2"
    hutch("stop", "-t", "0", f"att-{mode}")
    assert _wait_free(port)
