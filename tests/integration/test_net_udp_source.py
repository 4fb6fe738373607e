"""Published UDP ports and the client's address as the container sees it, for real.

The container runs ``net_udpecho.c`` (compiled static once per session and
bind-mounted: busybox has no UDP server), which answers every datagram with
"FROM <the source address it saw> <payload>". A "remote" client is this
host reaching its own non-loopback address (the one its default route uses):
to the network helper that is a connection from outside, like any other
machine's.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import pytest
from harness import Hutch
from ports import free_port
from test_net_private import HTTPD, get, host_address, use_backend

SOURCE = Path(__file__).resolve().parent / "net_udpecho.c"


@pytest.fixture(scope="session")
def udpecho(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("udpecho")
    work.chmod(0o755)
    out = work / "udpecho"
    subprocess.run(["gcc", "-static", "-O2", "-o", str(out), str(SOURCE)], check=True)
    return out


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("0.0.0.0", 0))
        return int(s.getsockname()[1])


def ask(address: str, port: int, payload: str, timeout: float = 10.0) -> str | None:
    """Send until an answer comes (the server may still be starting); None: no answer."""
    deadline = time.monotonic() + timeout
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.5)
        while time.monotonic() < deadline:
            s.sendto(payload.encode(), (address, port))
            try:
                data, peer = s.recvfrom(2048)
            except TimeoutError:
                continue
            assert peer == (address, port)
            return data.decode()
    return None


def start_echo(hutch: Hutch, image: str, udpecho: Path, port: int, *flags: str) -> None:
    hutch(
        "run",
        "-d",
        "--name",
        "echo",
        *flags,
        "-p",
        f"{port}:5353/udp",
        "-v",
        f"{udpecho}:/udpecho:ro",
        image,
        "/udpecho",
        "5353",
    )


def test_udp_round_trip_on_the_default_network(
    hutch: Hutch, base_image: str, udpecho: Path
) -> None:
    """No backend set: a datagram from the host's loopback and from its address come back."""
    port = free_udp_port()
    start_echo(hutch, base_image, udpecho, port)
    remote = host_address()
    # (with Debian 12's pasta, UDP ports make the container use slirp4netns, which
    # shows a loopback client as its gateway; a newer pasta keeps 127.0.0.1)
    assert ask("127.0.0.1", port, "one") in ("FROM 10.0.2.2 one", "FROM 127.0.0.1 one")
    assert ask(remote, port, "two") == f"FROM {remote} two"
    assert hutch("port", "echo").stdout == f"5353/udp -> 0.0.0.0:{port}\n"
    hutch("rm", "-f", "-t", "0", "echo")  # -t 0: udpecho, pid 1, ignores SIGTERM (10 s)
    assert ask("127.0.0.1", port, "gone", timeout=1.5) is None


@pytest.mark.parametrize("backend", ["pasta", "slirp4netns"])
def test_udp_round_trip_keeps_a_remote_client_address(
    hutch: Hutch, base_image: str, udpecho: Path, backend: str
) -> None:
    use_backend(hutch, backend)
    port = free_udp_port()
    start_echo(hutch, base_image, udpecho, port)
    remote = host_address()
    if backend == "slirp4netns":
        # (libslirp 4.7 drops loopback datagrams to a port once a remote client used it)
        assert ask("127.0.0.1", port, "lo") == "FROM 10.0.2.2 lo"
    assert ask(remote, port, "hi") == f"FROM {remote} hi"
    assert hutch("logs", "echo").stdout.splitlines()[-1] == f"FROM {remote} hi"


def test_udp_round_trip_on_a_user_network(hutch: Hutch, base_image: str, udpecho: Path) -> None:
    hutch("network", "create", "udpnet")
    port = free_udp_port()
    start_echo(hutch, base_image, udpecho, port, "--network", "udpnet")
    remote = host_address()
    assert ask("127.0.0.1", port, "near") == "FROM 10.0.2.2 near"
    assert ask(remote, port, "far") == f"FROM {remote} far"
    # a second run publishes again
    hutch("stop", "-t", "0", "echo")
    hutch("start", "echo")
    assert ask(remote, port, "again") == f"FROM {remote} again"


@pytest.mark.parametrize("backend", ["pasta", "slirp4netns"])
def test_tcp_remote_client_address_is_kept(hutch: Hutch, base_image: str, backend: str) -> None:
    use_backend(hutch, backend)
    port = free_port()
    hutch("run", "-d", "--name", "web", "-p", f"{port}:80", base_image, "sh", "-c", HTTPD)
    remote = host_address()
    seen = get(f"http://{remote}:{port}/cgi-bin/ip").strip().strip("[]")
    assert seen.removeprefix("::ffff:") == remote
    near = get(f"http://127.0.0.1:{port}/cgi-bin/ip").strip().strip("[]")
    assert near.removeprefix("::ffff:") == ("127.0.0.1" if backend == "pasta" else "10.0.2.2")
