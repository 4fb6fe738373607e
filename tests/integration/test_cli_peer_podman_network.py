"""Differential: podman's default network ``podman``, always there, through hutch and
Debian's podman 4.3.1 (issue 15): ls (table, -q, --format), exists, inspect,
create of its name, and prune, which leaves it."""

from __future__ import annotations

import json

from harness import Hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture


def test_ls_exists_and_inspect_of_the_default_network(hutch: Hutch, podman: Run) -> None:
    assert (
        both(hutch, podman, "network", "ls")[1].splitlines()[1].startswith("2f259bab93aa  podman")
    )
    assert both(hutch, podman, "network", "ls", "-q")[1] == "podman\n"
    assert both(hutch, podman, "network", "ls", "--noheading")[0] == 0
    assert both(hutch, podman, "network", "ls", "--format", "{{.Name}} {{.Driver}}")[1] == (
        "podman bridge\n"
    )
    both(hutch, podman, "network", "ls", "--format", "{{.ID}} {{.Name}} {{.Labels}}")
    both(hutch, podman, "network", "ls", "--filter", "driver=bridge", "-q")
    assert both(hutch, podman, "network", "exists", "podman") == (0, "", "")
    assert both(hutch, podman, "network", "exists", "2f259bab93aa") == (0, "", "")
    ours, theirs = (
        json.loads(tool("network", "inspect", "podman").stdout)[0] for tool in (hutch, podman)
    )
    for shown in (ours, theirs):
        shown.pop("created")  # the time the network was read (podman) or made (hutch)
    assert ours.pop("containers") == {}  # current podman's key, which 4.3.1 has not
    assert ours == theirs


def test_create_of_its_name_and_prune(hutch: Hutch, podman: Run) -> None:
    taken = "Error: network name podman already used: network already exists\n"
    assert both(hutch, podman, "network", "create", "podman") == (125, "", taken)
    # --ignore is current podman's (4.3.1 has not): the existing network, its name
    ignored = hutch("network", "create", "--ignore", "podman")
    assert (ignored.returncode, ignored.stdout) == (0, "podman\n")
    for tool in (hutch, podman):
        assert tool("network", "create", "h15prune").returncode == 0
    assert both(hutch, podman, "network", "prune", "-f") == (0, "h15prune\n", "")
    assert both(hutch, podman, "network", "prune", "-f") == (0, "", "")
    assert both(hutch, podman, "network", "ls", "-q") == (0, "podman\n", "")


def test_a_subnet_in_use_is_refused_in_podmans_words(hutch: Hutch, podman: Run) -> None:
    """The default network's 10.88.0.0/16, another network's subnet, the host's
    loopback: podman's "already used" and exit 125, before anything is recorded."""
    for tool in (hutch, podman):
        assert tool("network", "create", "--subnet", "10.90.0.0/24", "h15used").returncode == 0
    for subnets in (
        ("10.88.0.0/16",),
        ("10.88.5.0/24",),
        ("10.0.0.0/8",),
        ("10.90.0.0/25",),
        ("10.92.0.0/24", "10.90.0.128/25"),
        ("127.0.0.0/24",),
    ):
        flags = [part for s in subnets for part in ("--subnet", s)]
        used = f"Error: subnet {subnets[-1]} is already used on the host or by another config\n"
        assert both(hutch, podman, "network", "create", *flags, "h15over") == (125, "", used)
    assert both(hutch, podman, "network", "ls", "-q") == (0, "h15used\npodman\n", "")
    for tool in (hutch, podman):
        tool("network", "rm", "h15used")


def test_ls_filter_dangling(hutch: Hutch, podman: Run, base_image: str) -> None:
    """``--filter dangling=BOOL``: networks no container is attached to (true) or those
    in use (false); a bad value and a second one refused in podman's words."""
    for tool in (hutch, podman):
        assert tool("network", "create", "dangle-a").returncode == 0
        assert tool("network", "create", "dangle-b").returncode == 0
    image = {hutch: base_image, podman: "base"}
    for tool in (hutch, podman):
        ran = tool("run", "-d", "--name", "dangler", "--network", "dangle-a", image[tool],
                   "sleep", "100")  # fmt: skip
        assert ran.returncode == 0, ran.stderr
    try:
        ours = ("--filter", "name=dangle-", "-q")
        assert both(hutch, podman, "network", "ls", *ours, "--filter", "dangling=true") == (
            0, "dangle-b\n", ""
        )  # fmt: skip
        assert both(hutch, podman, "network", "ls", *ours, "--filter", "dangling=0") == (
            0, "dangle-a\n", ""
        )  # fmt: skip
        bad = both(hutch, podman, "network", "ls", "--filter", "dangling=maybe")
        assert bad == (125, "", 'Error: invalid dangling filter value "maybe"\n')
        two = both(hutch, podman, "network", "ls", "-f", "dangling=1", "-f", "dangling=0")
        assert two == (125, "", 'Error: got more than one value for filter key "dangling"\n')
    finally:
        for tool in (hutch, podman):
            tool("rm", "-f", "-t", "0", "dangler")
            tool("network", "rm", "dangle-a", "dangle-b")
