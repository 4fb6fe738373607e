"""User-defined networks for real: bridges in the rootless namespace, names, isolation."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from harness import Hutch
from ports import free_port
from test_net_private import HTTPD, get, host_address


def _httpd(hutch: Hutch, image: str, name: str, *flags: str) -> None:
    hutch("run", "-d", "--name", name, *flags, image, "sh", "-c", HTTPD)


def _client(text: str) -> str:
    """The REMOTE_ADDR the CGI printed, without the IPv4-mapped IPv6 dress."""
    return text.strip().removeprefix("[").removesuffix("]").removeprefix("::ffff:")


def _fetch(hutch: Hutch, image: str, network: str, url: str) -> str:
    # the server may still be starting: try for a few seconds
    script = f"for i in $(seq 50); do wget -qO- {url} && exit 0; sleep 0.1; done; exit 1"
    return hutch("run", "--rm", "--network", network, image, "sh", "-c", script).stdout


def test_names_and_aliases_resolve_and_answer(hutch: Hutch, base_image: str) -> None:
    hutch("network", "create", "front")
    _httpd(hutch, base_image, "web", "--network", "front", "--network-alias", "www")
    address = json.loads(hutch("inspect", "web").stdout)[0]["NetworkSettings"]["Networks"]["front"][
        "IPAddress"
    ]
    for name in ("web", "www"):
        out = hutch("run", "--rm", "--network", "front", base_image, "nslookup", name).stdout
        assert f"Address: {address}" in out
        assert _fetch(hutch, base_image, "front", f"http://{name}/") == "hello\n"
    ping = hutch(
        "run",
        "--rm",
        "--cap-add",
        "NET_RAW",
        "--network",
        "front",
        base_image,
        "ping",
        "-c1",
        "-W3",
        "www",
    )
    assert "1 packets received" in ping.stdout


def test_a_removed_container_s_name_stops_resolving(hutch: Hutch, base_image: str) -> None:
    """rm refreshes the names a network serves (engine/netrun.py decides whether it
    loads the network code for it)."""
    hutch("network", "create", "fleeting")
    hutch("run", "-d", "--network", "fleeting", "--name", "gone", base_image, "sleep", "100")
    look = ("run", "--rm", "--network", "fleeting", base_image, "nslookup", "gone")
    assert "Address:" in hutch(*look).stdout.split("gone", 1)[-1]
    hutch("rm", "-f", "-t", "0", "gone")
    after = hutch(*look, check=False)
    assert after.returncode != 0 or "Address:" not in after.stdout.split("gone", 1)[-1]


def test_networks_are_isolated(hutch: Hutch, base_image: str) -> None:
    hutch("network", "create", "red")
    hutch("network", "create", "blue")
    _httpd(hutch, base_image, "redweb", "--network", "red")
    address = json.loads(hutch("inspect", "redweb").stdout)[0]["NetworkSettings"]["IPAddress"]
    assert _fetch(hutch, base_image, "red", f"http://{address}/") == "hello\n"
    out = hutch("run", "--rm", "--network", "blue", base_image, "nslookup", "redweb", check=False)
    assert address not in out.stdout
    cross = hutch(
        "run",
        "--rm",
        "--network",
        "blue",
        base_image,
        "sh",
        "-c",
        f"nc -w 2 {address} 80 </dev/null && echo reached",
        check=False,
    )
    assert "reached" not in cross.stdout


def test_internal_network_has_no_way_out(hutch: Hutch, base_image: str) -> None:
    hutch("network", "create", "--internal", "sealed")
    out = hutch(
        "run",
        "--rm",
        "--network",
        "sealed",
        base_image,
        "sh",
        "-c",
        "ip route; nc -w 2 10.0.2.2 1 </dev/null; echo rc=$?",
    ).stdout
    assert "default" not in out
    assert "rc=0" not in out
    inspected = json.loads(hutch("network", "inspect", "sealed").stdout)[0]
    assert inspected["internal"] is True


def test_outbound_from_a_user_network(hutch: Hutch, base_image: str) -> None:
    hutch("network", "create", "out")
    out = hutch("run", "--rm", "--network", "out", base_image, "ip", "route").stdout
    assert out.startswith("default via 10.89.")
    # the host's loopback through the rootless namespace's slirp4netns (its gateway;
    # host.containers.internal is the host's own address, as podman names it)
    port = free_port()
    srv = hutch("run", "-d", "-p", f"127.0.0.1:{port}:80", base_image, "sh", "-c", HTTPD)
    assert srv.returncode == 0
    got = _fetch(hutch, base_image, "out", f"http://10.0.2.2:{port}/")
    assert got == "hello\n"


def test_a_start_that_fails_during_the_attach_says_why(hutch: Hutch, base_image: str) -> None:
    """The init sets up its mounts and its user while the monitor attaches the network
    (runtime/container.py): when the init fails first, its error is the run's, not
    the attach's to a namespace that went with it."""
    hutch("network", "create", "early")
    for _ in range(3):
        failed = hutch("run", "--rm", "--network", "early", "--user", "nosuch", base_image,
                       "true", check=False)  # fmt: skip
        assert failed.returncode == 126, failed.stderr
        assert failed.stderr.splitlines() == [
            "Error: unable to find user nosuch: no matching entries in passwd file"
        ]
    missing = hutch("run", "--rm", "--network", "early", base_image, "/nonexistent", check=False)
    assert missing.returncode == 127, missing.stderr
    assert hutch("ps", "-aq").stdout == ""
    ran = hutch("run", "--rm", "--network", "early", base_image, "sh", "-c",
                "ls /sys/class/net; ip -4 -o addr show eth0")  # fmt: skip
    lines = ran.stdout.splitlines()
    assert lines[:2] == ["eth0", "lo"] and " 10.89." in lines[2], ran.stdout


def test_rm_of_a_network_in_use_is_refused(hutch: Hutch, base_image: str) -> None:
    hutch("network", "create", "busy")
    hutch("create", "--name", "user", "--network", "busy", base_image, "true")
    refused = hutch("network", "rm", "busy", check=False)
    assert refused.returncode == 2  # podman's code and words
    assert refused.stderr.splitlines()[0] == (
        'Error: "busy" has associated containers with it. Use -f to forcibly delete '
        "containers and pods: network is being used"
    )
    assert hutch("network", "rm", "nosuch", check=False).returncode == 1
    assert hutch("network", "exists", "busy", check=False).returncode == 0
    hutch("network", "rm", "-f", "busy")
    assert hutch("network", "exists", "busy", check=False).returncode == 1
    assert hutch("ps", "-aq").stdout == ""


def test_connect_and_disconnect_a_running_container(hutch: Hutch, base_image: str) -> None:
    hutch("network", "create", "one")
    hutch("network", "create", "two")
    _httpd(hutch, base_image, "srv", "--network", "two")
    hutch("run", "-d", "--name", "mover", "--network", "one", base_image, "sleep", "600")
    hutch("network", "connect", "--alias", "mv", "two", "mover")
    links = hutch("exec", "mover", "ip", "-o", "-4", "addr").stdout
    assert " eth1 " in links
    assert "hello" in hutch("exec", "mover", "wget", "-qO-", "http://srv/").stdout
    members = json.loads(hutch("network", "inspect", "two").stdout)[0]["containers"]
    assert any(m["name"] == "mover" and m["aliases"] == ["mv"] for m in members.values())
    # ps: --filter network= and .Networks (podman's names joined by commas)
    on_two = ("ps", "--filter", "network=two", "--format", "{{.Names}}")
    assert sorted(hutch(*on_two).stdout.split()) == ["mover", "srv"]
    networks = hutch("ps", "--filter", "name=mover", "--format", "{{.Networks}}").stdout
    assert networks == "one,two\n"
    listed = json.loads(hutch("ps", "--filter", "name=mover", "--format", "json").stdout)
    assert listed[0]["Networks"] == ["one", "two"]
    hutch("network", "disconnect", "two", "mover")
    assert " eth1 " not in hutch("exec", "mover", "ip", "-o", "-4", "addr").stdout
    assert hutch(*on_two).stdout == "srv\n"
    assert "mover" not in hutch("network", "inspect", "two").stdout
    # bridge, the default network, cannot be added to a container on user networks
    added = hutch("network", "connect", "bridge", "mover", check=False)
    assert added.returncode == 125
    assert 'the default network "bridge" cannot be added' in added.stderr
    # a container on the private default: podman's words, whatever the network
    hutch("create", "--name", "loner", base_image, "true")
    for network in ("two", "bridge"):
        refused = hutch("network", "connect", network, "loner", check=False)
        assert refused.returncode == 125
        first = refused.stderr.splitlines()[0]
        if network == "bridge":
            assert first.endswith(
                'is already connected to network "bridge": network is already connected'
            )
        else:
            assert first.endswith('" is not supported: invalid network mode'), refused.stderr


def test_concurrent_runs_get_distinct_addresses(hutch: Hutch, base_image: str) -> None:
    hutch("network", "create", "crowd")

    def one(i: int) -> str:
        out = hutch(
            "run",
            "--name",
            f"c{i}",
            "--network",
            "crowd",
            base_image,
            "sh",
            "-c",
            "ip -o -4 addr show eth0",
            timeout=120,
        ).stdout
        return out.split()[3]

    with ThreadPoolExecutor(8) as pool:
        addresses = list(pool.map(one, range(8)))
    assert len(set(addresses)) == 8, addresses
    assert all(a.startswith("10.89.") for a in addresses)


def test_published_port_on_a_user_network(hutch: Hutch, base_image: str) -> None:
    hutch("network", "create", "pub")
    port = free_port()
    _httpd(hutch, base_image, "pubweb", "--network", "pub", "-p", f"{port}:80")
    assert get(f"http://127.0.0.1:{port}/") == "hello\n"
    # slirp4netns shows a loopback client as its gateway and keeps a remote client's
    # address; the DNAT in the rootless namespace changes neither
    assert _client(get(f"http://127.0.0.1:{port}/cgi-bin/ip")) == "10.0.2.2"
    remote = host_address()
    assert _client(get(f"http://{remote}:{port}/cgi-bin/ip")) == remote
    assert hutch("port", "pubweb").stdout == f"80/tcp -> 0.0.0.0:{port}\n"
    assert hutch("port", "pubweb", "80/tcp").stdout == f"0.0.0.0:{port}\n"
    hutch("stop", "-t", "0", "pubweb")
    hutch("start", "pubweb")  # a second run publishes again
    assert get(f"http://127.0.0.1:{port}/") == "hello\n"


def test_port_and_inspect_ports_on_the_default_network(hutch: Hutch, base_image: str) -> None:
    port = free_port()
    hutch("run", "-d", "--name", "p", "-p", f"{port}:80", "-p", "53/udp", base_image, "sleep", "60")
    lines = hutch("port", "p").stdout.splitlines()
    assert lines[0] == f"80/tcp -> 0.0.0.0:{port}"
    assert lines[1].startswith("53/udp -> 0.0.0.0:")
    everything = hutch("port", "-a").stdout
    assert everything.startswith(json.loads(hutch("inspect", "p").stdout)[0]["Id"][:12] + "\t")
    ports = json.loads(hutch("inspect", "p").stdout)[0]["NetworkSettings"]["Ports"]
    assert ports["80/tcp"] == [{"HostIp": "", "HostPort": str(port)}]
    missing = hutch("port", "p", "81", check=False)
    assert missing.returncode == 125


def test_container_network_is_shared(hutch: Hutch, base_image: str) -> None:
    _httpd(hutch, base_image, "owner")
    out = hutch(
        "run",
        "--rm",
        "--network",
        "container:owner",
        base_image,
        "sh",
        "-c",
        "for i in $(seq 50); do wget -qO- http://127.0.0.1/ && exit; sleep 0.1; done",
    ).stdout
    assert out == "hello\n"
    mine = hutch(
        "run", "--rm", "--network", "container:owner", base_image, "ip", "-o", "-4", "addr"
    )
    assert "10.0.2.100" in mine.stdout
    hutch("stop", "-t", "0", "owner")
    gone = hutch("run", "--rm", "--network", "container:owner", base_image, "true", check=False)
    assert gone.returncode == 125
    assert "not running" in gone.stderr


def test_bad_input_is_refused_and_nothing_is_made(hutch: Hutch, base_image: str) -> None:
    hutch("network", "create", "--subnet", "10.91.0.0/24", "taken")
    for args in (
        ("--subnet", "10.91.0.300/24"),
        ("--subnet", "10.91.0.5/24"),
        ("--subnet", "10.91.0.0/16"),  # overlaps "taken"
        ("--subnet", "10.92.0.0/24", "--gateway", "10.93.0.1"),
        ("--subnet", "10.92.0.0/24", "--ip-range", "10.94.0.0/28"),
        (
            "-d",
            "macvlan",
        ),
        ("-o", "nonsense=1"),
    ):
        result = hutch("network", "create", *args, "bad", check=False)
        assert result.returncode == 125, args
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert hutch("network", "exists", "bad", check=False).returncode == 1
    for network in ("nosuch", "taken,nosuch"):
        result = hutch("run", "--rm", "--network", network, base_image, "true", check=False)
        assert result.returncode == 125
        assert "nosuch" in result.stderr
    bad_ip = hutch(
        "run", "--rm", "--network", "taken", "--ip", "10.99.0.5", base_image, "true", check=False
    )
    assert bad_ip.returncode == 125
    assert hutch("ps", "-aq").stdout == ""
    assert json.loads(hutch("network", "inspect", "taken").stdout)[0]["containers"] == {}


def test_ip_and_ls_filters(hutch: Hutch, base_image: str) -> None:
    hutch("network", "create", "--subnet", "10.95.0.0/24", "--label", "team=a", "fixed")
    hutch("network", "create", "other")
    out = hutch(
        "run",
        "--rm",
        "--network",
        "fixed",
        "--ip",
        "10.95.0.77",
        "--mac-address",
        "92:D0:C6:0A:29:33",
        base_image,
        "sh",
        "-c",
        "ip -o -4 addr show eth0; cat /sys/class/net/eth0/address",
    ).stdout
    assert "10.95.0.77/24" in out
    assert out.endswith("\n92:d0:c6:0a:29:33\n")  # --mac-address (issue 15)
    assert hutch("network", "ls", "-q", "--filter", "label=team=a").stdout == "fixed\n"
    assert hutch("network", "ls", "--format", "{{.Name}}", "--filter", "name=^oth").stdout == (
        "other\n"
    )
    assert hutch("network", "prune", "-f").stdout.split() == ["fixed", "other"]


def test_unshare_rootless_netns_reaches_a_containers_address(hutch: Hutch, base_image: str) -> None:
    # podman's unshare --rootless-netns: the namespace of the networks' bridges,
    # from which a container's address on a user-defined network answers
    hutch("network", "create", "reach")
    _httpd(hutch, base_image, "reachweb", "--network", "reach")
    inspect = json.loads(hutch("network", "inspect", "reach").stdout)[0]
    bridge = inspect["network_interface"]
    address = json.loads(hutch("inspect", "reachweb").stdout)[0]["NetworkSettings"]["IPAddress"]
    outside = hutch("unshare", "ip", "-o", "link").stdout
    inside = hutch("unshare", "--rootless-netns", "ip", "-o", "link").stdout
    assert f" {bridge}:" not in outside and f" {bridge}:" in inside
    fetch = (
        "import time, urllib.request\n"
        "for _ in range(50):\n"
        "    try:\n"
        f"        print(urllib.request.urlopen('http://{address}/', timeout=2).read().decode())\n"
        "        break\n"
        "    except OSError:\n"
        "        time.sleep(0.1)\n"
    )
    done = hutch("unshare", "--rootless-netns", "python3", "-c", fetch)
    assert done.stdout.strip() == "hello"


def test_containers_on_podmans_network_reach_each_other_by_address(
    hutch: Hutch, base_image: str
) -> None:
    """``--network podman``: a bridge on podman's subnet in the rootless namespace, made
    without a ``network create``; no name server (dns_enabled false), addresses work."""
    _httpd(hutch, base_image, "pweb", "--network", "podman")
    networks = json.loads(hutch("inspect", "pweb").stdout)[0]["NetworkSettings"]["Networks"]
    assert list(networks) == ["podman"]
    address = networks["podman"]["IPAddress"]
    assert address.startswith("10.88."), address
    assert networks["podman"]["Gateway"] == "10.88.0.1"
    assert _fetch(hutch, base_image, "podman", f"http://{address}/") == "hello\n"
    members = json.loads(hutch("network", "inspect", "podman").stdout)[0]["containers"]
    assert [m["name"] for m in members.values()] == ["pweb"]
    # a container of hutch's default (private) network is not on it
    hutch("run", "-d", "--name", "private", base_image, "sleep", "100")
    assert "private" not in hutch("network", "inspect", "podman").stdout
    refused = hutch("network", "rm", "podman", check=False)
    assert (refused.returncode, refused.stderr) == (
        125,
        "Error: default network podman cannot be removed\n",
    )


def test_a_renamed_container_answers_to_its_new_name(hutch: Hutch, base_image: str) -> None:
    """rename publishes the names (a start no longer does unless they changed)."""
    hutch("network", "create", "renames")
    hutch("run", "-d", "--network", "renames", "--name", "before", base_image, "sleep", "100")
    hutch("rename", "before", "after")
    look = ("run", "--rm", "--network", "renames", base_image, "nslookup")
    assert "Address:" in hutch(*look, "after").stdout.split("after", 1)[-1]
    gone = hutch(*look, "before", check=False)
    assert "Address:" not in gone.stdout.split("before", 1)[-1]
    # stopped, renamed, started: the new name still
    hutch("stop", "-t", "0", "after")
    hutch("rename", "after", "again")
    hutch("start", "again")
    assert "Address:" in hutch(*look, "again").stdout.split("again", 1)[-1]
