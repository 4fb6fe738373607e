"""``--network NAME:OPTIONS`` for real: the container's address, MAC and link name on
each of its user-defined networks, seen inside it (``ip``) and by ``inspect``, side by
side with Debian's podman 4.3.1 where both take the same command (issue 15)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from harness import Hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture

# subnets of their own, so the two tools hand out the same addresses
SUBNETS = {"optsa": "10.89.61.0/24", "optsb": "10.89.62.0/24"}
# one line per link: name, MAC and IPv4 address, whatever ip's layout
LINKS = (
    "for d in /sys/class/net/*; do n=${d##*/}; [ $n = lo ] && continue; "
    "echo $n $(cat $d/address) $(ip -o -4 addr show dev $n | awk '{print $4}'); done"
)


@pytest.fixture(name="nets")
def fixture_nets(hutch: Hutch, podman: Run) -> Iterator[None]:
    for name, subnet in SUBNETS.items():
        hutch("network", "create", "--subnet", subnet, name)
        assert podman("network", "create", "--subnet", subnet, name).returncode == 0
    yield
    for run in (hutch, podman):
        run("rm", "-af", "-t", "0")
        run("network", "rm", "-f", *SUBNETS)


def _links(run: Hutch | Run, image: str, *flags: str) -> list[str]:
    proc = run("run", "--rm", *flags, image, "sh", "-c", LINKS)
    assert proc.returncode == 0, proc.stderr
    return sorted(proc.stdout.splitlines())


def test_each_network_s_own_address_mac_and_link_name(
    hutch: Hutch, podman: Run, base_image: str, nets: None
) -> None:
    first = "optsa:ip=10.89.61.50,mac=44:33:22:11:00:99,interface_name=wan0,alias=web"
    second = "optsb:ip=10.89.62.50"
    for tool, run in (("hutch", hutch), ("podman", podman)):
        links = _links(run, base_image, "--network", first, "--network", second)
        assert links[1] == "wan0 44:33:22:11:00:99 10.89.61.50/24", (tool, links)
        # the second network's link is the first eth<N> free, with its own address and MAC
        name, mac, address = links[0].split()
        assert (name, address) == ("eth0", "10.89.62.50/24"), (tool, links)
        assert mac != "44:33:22:11:00:99"
    # the network's own ip= wins over --ip, in both
    argv = ("--network", "optsa:ip=10.89.61.61", "--ip", "10.89.61.62")
    ours, theirs = _links(hutch, base_image, *argv), _links(podman, base_image, *argv)
    assert [x.split()[2] for x in ours] == [x.split()[2] for x in theirs] == ["10.89.61.61/24"]
    # hutch's NET,NET in one value takes the options too
    (one,) = _links(hutch, base_image, "--network", "optsb,optsa:ip=10.89.61.63")[1:]
    assert one.split()[::2] == ["eth1", "10.89.61.63/24"]


def test_inspect_shows_each_network_s_settings(
    hutch: Hutch, podman: Run, base_image: str, nets: None
) -> None:
    argv = (
        "run",
        "-d",
        "--name",
        "opts",
        "--network",
        "optsa:ip=10.89.61.9,mac=44:33:22:11:00:98,alias=a1,alias=a2",
        "--network",
        "optsb:ip=10.89.62.9",
        base_image,
        "sleep",
        "100",
    )
    shown = {}
    for tool, run in (("hutch", hutch), ("podman", podman)):
        started = run(*argv)
        assert started.returncode == 0, started.stderr
        networks = json.loads(
            run("inspect", "--format", "{{json .NetworkSettings.Networks}}", "opts").stdout
        )
        shown[tool] = {
            name: (n["IPAddress"], n["IPPrefixLen"], n["Gateway"], n["MacAddress"])
            for name, n in networks.items()
        }
        # podman adds the short id to the aliases; the names given come first
        assert networks["optsa"]["Aliases"][:2] == ["a1", "a2"], tool
        mode = run("inspect", "--format", "{{.HostConfig.NetworkMode}}", "opts").stdout
        assert "ip=" not in mode, tool
    assert shown["hutch"]["optsa"] == ("10.89.61.9", 24, "10.89.61.1", "44:33:22:11:00:98")
    assert shown["hutch"]["optsa"] == shown["podman"]["optsa"]
    # optsb's MAC is each tool's own pick
    assert (
        shown["hutch"]["optsb"][:3]
        == shown["podman"]["optsb"][:3]
        == (
            "10.89.62.9",
            24,
            "10.89.62.1",
        )
    )
    # the alias answers on its network
    out = hutch("run", "--rm", "--network", "optsa", base_image, "nslookup", "a2").stdout
    assert "Address: 10.89.61.9" in out


@pytest.mark.parametrize(
    ("network", "message"),
    [
        ("optsa:foo=bar", "invalid option for network optsa: unknown bridge network option: foo"),
        ("optsa:ip=bad", 'invalid option for network optsa: invalid ip address "bad"'),
        ("optsa:mac=zz", "invalid option for network optsa: address zz: invalid MAC address"),
    ],
)
def test_bad_options_in_podman_s_words(
    hutch: Hutch, podman: Run, base_image: str, network: str, message: str
) -> None:
    argv = ("run", "--rm", "--network", network, base_image, "true")
    assert both(hutch, podman, *argv) == (125, "", f"Error: {message}\n")


def test_a_mode_beside_a_network_in_podman_s_words(
    hutch: Hutch, podman: Run, base_image: str
) -> None:
    argv = ("run", "--rm", "--network", "optsa", "--network", "host", base_image, "true")
    message = (
        "Error: can only set extra network names, selected mode host conflicts with bridge: "
        "invalid argument\n"
    )
    assert both(hutch, podman, *argv) == (125, "", message)
    argv = ("run", "--rm", "--network", "host", "--network", "optsa", base_image, "true")
    message = (
        "Error: cannot set multiple networks without bridge network mode, selected mode host: "
        "invalid argument\n"
    )
    assert both(hutch, podman, *argv) == (125, "", message)


def test_an_address_outside_the_subnet_is_refused_before_anything_is_made(
    hutch: Hutch, podman: Run, base_image: str, nets: None
) -> None:
    argv = ("run", "--rm", "--network", "optsa:ip=10.89.99.7", base_image, "true")
    theirs = podman(*argv)
    # podman finds it when it starts the container
    assert (theirs.returncode, theirs.stderr) == (
        126,
        "Error: requested static ip 10.89.99.7 not in any subnet on network optsa\n",
    )
    ours = hutch(*argv, check=False)
    assert ours.returncode == 125
    assert ours.stderr.startswith(
        "Error: requested static ip 10.89.99.7 is not a host address of optsa (10.89.61.0/24)"
    )
    assert hutch("ps", "-aq").stdout == ""


def test_options_on_the_private_network(hutch: Hutch, podman: Run, base_image: str) -> None:
    argv = ("run", "--rm", "--network", "slirp4netns:ip=10.0.2.50", base_image, "true")
    theirs, ours = podman(*argv), hutch(*argv, check=False)
    assert theirs.stderr == ours.stderr == 'Error: unknown option for slirp4netns: "ip=10.0.2.50"\n'
    assert (theirs.returncode, ours.returncode) == (126, 125)  # podman: when it starts
    # bridge is the private network here (podman's is its own bridge, which takes ip=)
    refused = hutch(
        "run", "--rm", "--network", "bridge:ip=10.88.0.50", base_image, "true", check=False
    )
    assert refused.returncode == 125
    assert refused.stderr.startswith(
        "Error: invalid config provided: networks and static ip/mac address can only be "
        "used with Bridge mode networking\n"
    )


def test_connect_takes_an_address_alias_and_mac(
    hutch: Hutch, podman: Run, base_image: str, nets: None
) -> None:
    for tool, run in (("hutch", hutch), ("podman", podman)):
        assert run("run", "-d", "--name", "joiner", "--network", "optsa", base_image,
                   "sleep", "100").returncode == 0  # fmt: skip
        connect = ("network", "connect", "--ip", "10.89.62.77", "--alias", "q",
                   "--mac-address", "44:33:22:11:00:77", "optsb", "joiner")  # fmt: skip
        assert run(*connect).returncode == 0, tool
        link = run("exec", "joiner", "sh", "-c", LINKS).stdout
        assert "eth1 44:33:22:11:00:77 10.89.62.77/24" in link.splitlines(), (tool, link)
        shown = json.loads(
            run("inspect", "--format", "{{json .NetworkSettings.Networks.optsb}}", "joiner").stdout
        )
        assert (shown["IPAddress"], shown["MacAddress"], shown["Aliases"][0]) == (
            "10.89.62.77",
            "44:33:22:11:00:77",
            "q",
        ), tool
    bad = ("network", "connect", "--mac-address", "zz", "optsa", "joiner")
    hutch("network", "disconnect", "optsa", "joiner")
    podman("network", "disconnect", "optsa", "joiner")
    assert both(hutch, podman, *bad) == (125, "", "Error: address zz: invalid MAC address\n")


def test_the_link_keeps_its_name_and_address_across_a_restart(
    hutch: Hutch, base_image: str, nets: None
) -> None:
    network = "optsb:interface_name=lan_1.x,ip=10.89.62.40,mac=44:33:22:11:00:40"
    hutch("run", "-d", "--name", "again", "--network", network, base_image, "sleep", "600")
    for _ in range(2):
        links = hutch("exec", "again", "sh", "-c", LINKS).stdout.splitlines()
        assert links == ["lan_1.x 44:33:22:11:00:40 10.89.62.40/24"]
        hutch("restart", "-t", "0", "again")
    # the address stays the container's: another asking for it is refused
    taken = hutch("run", "--rm", "--network", "optsb:ip=10.89.62.40", base_image, "true",
                  check=False)  # fmt: skip
    assert taken.returncode == 125
    assert "10.89.62.40 is already allocated" in taken.stderr


# each link's name, MAC and IPv4 address from ip alone (a pod member's /sys is not read)
IP_LINKS = "ip -o link; ip -o -4 addr"


def _pod_links(run: Hutch | Run, image: str, pod: str) -> list[str]:
    proc = run("run", "--rm", "--pod", pod, image, "sh", "-c", IP_LINKS)
    assert proc.returncode == 0, proc.stderr
    macs: dict[str, str] = {}
    addresses: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        words = line.split()
        name = words[1].rstrip(":").partition("@")[0]
        if "link/ether" in words:
            macs[name] = words[words.index("link/ether") + 1]
        elif "inet" in words and name != "lo":
            addresses[name] = words[words.index("inet") + 1]
    return sorted(f"{n} {macs.get(n, '')} {a}" for n, a in addresses.items())


def test_pod_create_takes_each_network_s_options_for_its_infra(
    hutch: Hutch, podman: Run, base_image: str, nets: None
) -> None:
    """pod create --network NAME:ip=...,mac=... (and several --network flags): the
    members share the infra's links, with the addresses and MAC given, as in podman."""
    flags = (
        "--network",
        "optsa:ip=10.89.61.70,mac=44:33:22:11:00:70",
        "--network",
        "optsb:ip=10.89.62.70",
    )
    for run in (hutch, podman):
        assert run("pod", "create", "--name", "optpod", *flags).returncode == 0
    ours, theirs = _pod_links(hutch, base_image, "optpod"), _pod_links(podman, base_image, "optpod")
    assert ours[0] == "eth0 44:33:22:11:00:70 10.89.61.70/24"
    assert ours[1].split()[::2] == ["eth1", "10.89.62.70/24"]
    # podman 4.3.1 names the interfaces in a Go map's order (stop 34's rehearsal met
    # optsb as its eth0): the links compared without their names, as a set
    links = [x.split(" ", 1)[1] for x in theirs]
    assert "44:33:22:11:00:70 10.89.61.70/24" in links, theirs
    assert sum(link.endswith(" 10.89.62.70/24") for link in links) == 1, theirs
    assert sorted(x.split()[0] for x in theirs) == ["eth0", "eth1"]
    fmt = ("--format", "{{.InfraConfig.Networks}}")
    # podman 4.3.1 fills the list from a Go map, so its order varies from run to run
    # (stop 32's CI met "[optsb optsa]"); hutch keeps the order given
    ours_n = hutch("pod", "inspect", *fmt, "optpod")
    theirs_n = podman("pod", "inspect", *fmt, "optpod")
    assert ours_n.stdout == "[optsa optsb]\n", ours_n.stderr
    assert sorted(theirs_n.stdout.strip("[]\n").split()) == ["optsa", "optsb"], theirs_n
    for run in (hutch, podman):
        run("pod", "rm", "-f", "optpod")
    # --mac-address: the first network's
    for run in (hutch, podman):
        made = run("pod", "create", "--name", "macpod", "--network", "optsb",
                   "--mac-address", "44:33:22:11:00:71")  # fmt: skip
        assert made.returncode == 0, made.stderr
    ours, theirs = _pod_links(hutch, base_image, "macpod"), _pod_links(podman, base_image, "macpod")
    assert [x.split()[:2] for x in ours] == [x.split()[:2] for x in theirs]
    assert ours[0].split()[:2] == ["eth0", "44:33:22:11:00:71"]
    for run in (hutch, podman):
        run("pod", "rm", "-f", "macpod")
    # bad options and a mode beside a network: podman's words, and no pod left behind
    for bad, message in (
        (("--network", "optsa:foo=1"), "invalid option for network optsa: unknown bridge "
         "network option: foo"),
        (("--network", "host", "--network", "optsa"), "cannot set multiple networks without "
         "bridge network mode, selected mode host: invalid argument"),
        (("--network", "optsa", "--network", "none"), "can only set extra network names, "
         "selected mode none conflicts with bridge: invalid argument"),
        (("--mac-address", "zz"), "address zz: invalid MAC address"),
        (("--infra=false", "--mac-address", "44:33:22:11:00:72"), "cannot set --mac without "
         "infra container: invalid argument"),
        # last: podman 4.3.1 leaves this pod behind (hutch removes what it made)
        (("--share", "ipc", "--mac-address", "44:33:22:11:00:72"), "invalid config provided: "
         "networks and static ip/mac address can only be used with Bridge mode networking"),
    ):  # fmt: skip
        got = both(hutch, podman, "pod", "create", "--name", "badpod", *bad)
        assert got == (125, "", f"Error: {message}\n")
    assert hutch("pod", "ls", "-q").stdout == ""
    podman("pod", "rm", "-f", "badpod")
