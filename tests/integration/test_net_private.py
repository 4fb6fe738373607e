"""The default private network (pasta, or slirp4netns) and published ports, for real."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from harness import Hutch
from host_server import fixture_host_address_server, fixture_host_server  # noqa: F401
from ports import free_port

from hutch.linux.ifaddrs import local_ip

BACKENDS = ("pasta", "slirp4netns")

# busybox httpd with a CGI script that prints the client's address as it sees it
HTTPD = (
    "mkdir -p /www/cgi-bin && echo hello > /www/index.html && "
    "printf '#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho $REMOTE_ADDR\\n' "
    "> /www/cgi-bin/ip && chmod +x /www/cgi-bin/ip && exec httpd -f -p 80 -h /www"
)


def use_backend(hutch: Hutch, backend: str) -> None:
    cfg = hutch.env.config_home / "hutch"
    cfg.mkdir(parents=True, exist_ok=True)
    (cfg / "hutch.toml").write_text(f'[network]\nbackend = "{backend}"\n')


def host_address() -> str:
    """A non-loopback address of this host (the one its default route uses)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("192.0.2.1", 9))  # no packet is sent for a UDP connect
        return str(s.getsockname()[0])


def get(url: str, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=3) as r:
                return str(r.read().decode())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.mark.parametrize("backend", BACKENDS)
def test_private_network_layout(hutch: Hutch, base_image: str, backend: str) -> None:
    use_backend(hutch, backend)
    out = hutch(
        "run",
        "--rm",
        base_image,
        "sh",
        "-c",
        "ip -o -4 addr show; ip route; cat /etc/resolv.conf /etc/hosts",
    ).stdout
    assert "10.0.2.100/24" in out
    assert "default via 10.0.2.2" in out
    assert "nameserver 10.0.2.3" in out
    # the host at its own address, as podman names it (engine/etctext.py)
    assert f"{local_ip()}\thost.containers.internal host.docker.internal" in out
    assert backend in hutch("info").stdout


@pytest.mark.parametrize("helper", BACKENDS)
def test_network_names_the_helper_whatever_the_setting(
    hutch: Hutch, base_image: str, helper: str
) -> None:
    """podman's --network slirp4netns / pasta: that helper serves the container."""
    use_backend(hutch, "pasta" if helper == "slirp4netns" else "slirp4netns")
    name = f"via-{helper}"
    hutch("run", "-d", "--name", name, "--network", helper, base_image, "sleep", "60")
    try:
        fmt = "{{.State.ConmonPid}} {{.HostConfig.NetworkMode}}"
        monitor, mode = hutch("inspect", "-f", fmt, name).stdout.split()
        assert mode == helper
        children = Path(f"/proc/{monitor}/task/{monitor}/children").read_text().split()
        comms = {Path(f"/proc/{p}/comm").read_text().strip() for p in children}
        # Debian's pasta is passt.avx2 (or passt) once running
        wanted = ("slirp4netns",) if helper == "slirp4netns" else ("pasta", "passt")
        assert any(c.startswith(wanted) for c in comms), comms
    finally:
        hutch("rm", "-f", "-t", "0", name)


def test_none_has_only_loopback(hutch: Hutch, base_image: str) -> None:
    out = hutch("run", "--rm", "--network", "none", base_image, "ip", "-o", "link").stdout
    names = [line.split(":")[1].strip() for line in out.splitlines()]
    assert names == ["lo"]
    # up, as podman's: a server and its client in the container talk over 127.0.0.1
    script = "httpd -p 127.0.0.1:81 -h /etc && wget -qO- http://127.0.0.1:81/hostname"
    got = hutch("run", "--rm", "--network", "none", "--hostname", "solo", base_image,
                "sh", "-c", script)  # fmt: skip
    assert got.stdout.strip() == "solo"


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_host_through_host_containers_internal_and_its_loopback_through_the_gateway(
    hutch: Hutch,
    base_image: str,
    backend: str,
    host_server: tuple[str, int],
    host_address_server: tuple[str, int],
) -> None:
    """host.containers.internal is the host's own address (podman's): it reaches what
    the host serves there, not what only its loopback serves; the gateway 10.0.2.2
    still leads to the host's loopback."""
    use_backend(hutch, backend)
    _, port = host_address_server
    for name in ("host.containers.internal", "host.docker.internal"):
        out = hutch("run", "--rm", base_image, "wget", "-qO-", f"http://{name}:{port}/").stdout
        assert out == "from-host\n"
    _, loopback_port = host_server
    fetch = f"http://10.0.2.2:{loopback_port}/"
    assert hutch("run", "--rm", base_image, "wget", "-qO-", fetch).stdout == "from-host\n"
    # the loopback-only server is out of reach under the name, as with podman
    fetch = f"http://host.containers.internal:{loopback_port}/"
    missed = hutch("run", "--rm", base_image, "wget", "-T", "3", "-qO-", fetch, check=False)
    assert missed.returncode != 0


def test_outbound_tcp_to_a_host_address(hutch: Hutch, base_image: str) -> None:
    with socket.socket() as listener:
        listener.bind(("0.0.0.0", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        got: list[bytes] = []

        def serve() -> None:
            conn, _ = listener.accept()
            with conn:
                got.append(conn.recv(100))

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        hutch("run", "--rm", base_image, "sh", "-c", f"echo out | nc {host_address()} {port}")
        thread.join(10)
    assert got == [b"out\n"]


def test_dns_follows_the_host_resolver(hutch: Hutch, base_image: str) -> None:
    name = "deb.debian.org"
    host_ips = {a[4][0] for a in socket.getaddrinfo(name, 80, socket.AF_INET)}
    out = hutch("run", "--rm", base_image, "nslookup", "-type=a", name).stdout
    assert any(ip in out for ip in host_ips), out


def test_dns_flags_write_resolv_conf_and_hosts(hutch: Hutch, base_image: str) -> None:
    out = hutch(
        "run",
        "--rm",
        "--dns",
        "192.0.2.53",
        "--dns-search",
        "example.test",
        "--dns-option",
        "ndots:3",
        "--add-host",
        "db.local:192.0.2.9",
        base_image,
        "cat",
        "/etc/resolv.conf",
        "/etc/hosts",
    ).stdout
    assert "search example.test\nnameserver 192.0.2.53\noptions ndots:3\n" in out
    assert "192.0.2.9\tdb.local" in out


@pytest.mark.parametrize("backend", BACKENDS)
def test_published_httpd_answers_and_sees_the_client(
    hutch: Hutch, base_image: str, backend: str
) -> None:
    use_backend(hutch, backend)
    port = free_port()
    hutch("run", "-d", "--name", "web", "-p", f"{port}:80", base_image, "sh", "-c", HTTPD)
    assert get(f"http://127.0.0.1:{port}/") == "hello\n"
    if backend == "pasta":
        # pasta splices a loopback client into the container's loopback
        assert get(f"http://127.0.0.1:{port}/cgi-bin/ip").strip().strip("[]").endswith(":127.0.0.1")
    else:
        # slirp4netns keeps a non-loopback client's address
        addr = host_address()
        seen = get(f"http://{addr}:{port}/cgi-bin/ip").strip().strip("[]")
        assert seen.endswith(f":{addr}"), seen
    hutch("rm", "-f", "-t", "0", "web")  # -t 0: httpd, pid 1, ignores SIGTERM (10 s)
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)


def test_port_in_use_is_refused_before_anything_is_made(hutch: Hutch, base_image: str) -> None:
    with socket.socket() as busy:
        busy.bind(("0.0.0.0", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = hutch("run", "--rm", "-p", f"{port}:80", base_image, "true", check=False)
    assert result.returncode == 126  # podman's code (test_format_podman compares its line)
    first, hint = result.stderr.strip().splitlines()
    assert first.endswith(f"0.0.0.0:{port}: bind: address already in use")
    assert hint.startswith("Hint: ") and f"{port}/tcp" in hint
    assert hutch("ps", "-a", "-q").stdout == ""


@pytest.mark.parametrize(
    "spec", ["80x", "1.2.3:80:80", "99999:80", "80/sctp", "8000-8001:80", "1:2:3:4", ""]
)
def test_malformed_publish_specs(hutch: Hutch, base_image: str, spec: str) -> None:
    result = hutch("create", "-p", spec, base_image, "true", check=False)
    assert result.returncode == 125
    # one line: podman's words for each (test_cli_peer_flag_words.py compares them)
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert hutch("ps", "-a", "-q").stdout == ""


def test_publishing_without_the_private_network_is_discarded(hutch: Hutch, base_image: str) -> None:
    """podman warns that it drops the ports and runs the container (it refused before)."""
    result = hutch("run", "--rm", "--network", "none", "-p", "80", base_image, "true", check=False)
    assert result.returncode == 0
    assert result.stderr == (
        "Port mappings have been discarded as one of the Host, Container, Pod, and None "
        "network modes are in use\n"
    )


def test_restart_attaches_a_fresh_network_each_time(hutch: Hutch, base_image: str) -> None:
    hutch(
        "run",
        "-d",
        "--name",
        "again",
        "--restart",
        "on-failure:2",
        base_image,
        "sh",
        "-c",
        "ip -o -4 addr show | grep -c 10.0.2.100; exit 3",
    )
    assert hutch("wait", "again", timeout=60).stdout.strip() == "3"
    deadline = time.monotonic() + 10
    while hutch("logs", "again").stdout.split() != ["1", "1", "1"]:
        assert time.monotonic() < deadline, hutch("logs", "again").stdout
        time.sleep(0.1)


def test_ps_shows_the_published_ports(hutch: Hutch, base_image: str) -> None:
    tcp, udp = free_port(), free_port()
    hutch("run", "-d", "--name", "pub", "-p", f"{tcp}:80", "-p", f"127.0.0.1:{udp}:53/udp",
          base_image, "sleep", "60")  # fmt: skip
    hutch("run", "-d", "--name", "plain", base_image, "sleep", "60")
    rows = hutch("ps", "--format", "{{.Names}} {{.Ports}}").stdout.splitlines()
    assert f"pub 0.0.0.0:{tcp}->80/tcp, 127.0.0.1:{udp}->53/udp" in rows
    assert "plain " in [row[: len("plain ")] for row in rows]
    listed = {c["Names"][0]: c["Ports"] for c in json.loads(hutch("ps", "--format", "json").stdout)}
    assert listed["plain"] is None
    seen = {
        (p["host_ip"], p["host_port"], p["container_port"], p["protocol"]) for p in listed["pub"]
    }
    assert seen == {("", tcp, 80, "tcp"), ("127.0.0.1", udp, 53, "udp")}
    hutch("rm", "-f", "-t", "0", "pub", "plain")


def _helpers_of(hutch: Hutch) -> list[str]:
    """The pasta processes of this test's store (their pid file lies in its bundles, or
    in its runtime directory for one started ahead of its container; slirp4netns's
    command line names nothing of the store)."""
    found = []
    ours = (str(hutch.env.data_home).encode(), str(hutch.env.runtime_dir).encode())
    for proc in Path("/proc").iterdir():
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"pasta") and any(d in b" ".join(argv) for d in ours):
            found.append(proc.name)
    return found


@pytest.mark.parametrize("backend", BACKENDS)
def test_published_port_is_free_when_run_returns(
    hutch: Hutch, base_image: str, backend: str
) -> None:
    # The monitor reaps a helper that holds no host port after it let run go (its
    # exit, the kernel's removal of the tap device, is off run's path); one that
    # publishes a port is gone before run returns.
    use_backend(hutch, backend)
    port = free_port()
    users = [("-p", f"{port}:80")]
    if backend == "pasta":
        users.append(("--network", f"pasta:-t,{port}:80"))
    for flags in users:
        hutch("run", "--rm", *flags, base_image, "true")
        with socket.socket() as again:
            again.bind(("0.0.0.0", port))  # no SO_REUSEADDR: nothing holds it
    hutch("run", "--rm", base_image, "true")
    deadline = time.monotonic() + 10
    while _helpers_of(hutch):
        assert time.monotonic() < deadline, "a helper outlived its container"
        time.sleep(0.05)
    assert hutch("ps", "-a", "-q").stdout == ""
    assert hutch("system", "check").returncode == 0
