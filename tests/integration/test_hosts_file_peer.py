"""/etc/hosts from containers.conf's base_hosts_file and host_containers_internal_ip,
--add-host first (issue 15): hutch beside podman 4.3.1 where 4.3.1 writes what
current podman writes, and hutch alone on the networks 4.3.1 lays out otherwise.

podman 4.3.1 names the host ``host.containers.internal`` only; current podman (and
hutch) add ``host.docker.internal`` on the same line, which is taken out of
hutch's file before the two are compared.
"""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from harness import Hutch, HutchEnv, user_conf
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture

from hutch.linux.ifaddrs import local_ip

BASE = "10.1.1.1 alpha beta  # a comment\n\n# a line of comment\n127.0.0.1 localhost\n10.9.9.9\n"
NAMES = ("--name", "hosted", "--hostname", "boxname")


def _as_4_3_1(text: str) -> str:
    return text.replace(" host.docker.internal", "")


def _conf(tmp_path: Path, base: str, internal: str) -> Path:
    conf = tmp_path / "containers.conf"
    conf.write_text(
        f'[containers]\nbase_hosts_file = "{base}"\nhost_containers_internal_ip = "{internal}"\n'
    )
    return conf


def _both(
    hutch: Hutch,
    podman: Run,
    conf: Path,
    monkeypatch: pytest.MonkeyPatch,
    *flags: str,
    image: str = "base",
) -> tuple[str, str]:
    args = ("run", "--rm", *NAMES, *flags, image, "cat", "/etc/hosts")
    ours = hutch(*args, env={"CONTAINERS_CONF": str(conf)})
    monkeypatch.setenv("CONTAINERS_CONF", str(conf))  # the peer inherits the environment
    theirs = podman(*args)
    assert theirs.returncode == 0, theirs.stderr
    return _as_4_3_1(ours.stdout), theirs.stdout


@pytest.mark.parametrize(
    ("network", "add"),
    [("none", ()), ("none", ("--add-host", "first:192.0.2.8", "--add-host", "boxname:192.0.2.9")),
     ("host", ("--add-host", "localhost:192.0.2.10"))],
    ids=["none", "none-add-host", "host-add-host"],
)  # fmt: skip
def test_a_base_file_and_the_hosts_address_as_podman_writes_them(
    hutch: Hutch,
    base_image: str,
    podman: Run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    network: str,
    add: tuple[str, ...],
) -> None:
    (tmp_path / "hosts").write_text(BASE)
    conf = _conf(tmp_path, str(tmp_path / "hosts"), "192.0.2.77")
    ours, theirs = _both(hutch, podman, conf, monkeypatch, "--network", network, *add)
    assert ours == theirs
    assert "10.1.1.1\talpha beta\n127.0.0.1\tlocalhost\n" in ours  # comments gone
    assert "::1\tlocalhost" not in ours  # the base named localhost already
    assert "192.0.2.77\thost.containers.internal\n" in ours


def test_no_base_file_and_no_hosts_address(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours, theirs = _both(
        hutch, podman, _conf(tmp_path, "none", "none"), monkeypatch, "--network", "none"
    )
    assert ours == theirs == "127.0.0.1\tlocalhost\n::1\tlocalhost\n127.0.0.1\tboxname hosted\n"


def test_the_hosts_own_file_is_the_default_base(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours, theirs = _both(
        hutch, podman, _conf(tmp_path, "", "none"), monkeypatch, "--network", "host"
    )
    assert ours == theirs
    host = [line.split() for line in Path("/etc/hosts").read_text().splitlines()]
    host = [f for f in host if f and not f[0].startswith("#")]
    assert [line.split() for line in ours.splitlines()][: len(host)] == host


def test_the_images_own_file_as_the_base(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an image whose /etc/hosts is its own (COPY: a RUN step's /etc/hosts is a mount)
    context = tmp_path / "ctx"
    context.mkdir()
    (context / "hosts").write_text("10.3.3.3 imghost\n")
    (context / "Containerfile").write_text("FROM base\nCOPY hosts /etc/hosts\n")
    for tool in (hutch, podman):
        assert tool("build", "-q", "-t", "withhosts", str(context)).returncode == 0
    conf = _conf(tmp_path, "image", "none")
    ours, theirs = _both(hutch, podman, conf, monkeypatch, "--network", "none", image="withhosts")
    assert ours == theirs
    assert ours.startswith("10.3.3.3\timghost\n127.0.0.1\tlocalhost\n")
    # an image without the file: hutch says so (podman fails at start, naming the path)
    got = hutch("run", "--rm", "base", "true", env={"CONTAINERS_CONF": str(conf)}, check=False)
    assert got.returncode == 125
    assert 'base_hosts_file = "image", but the image has no /etc/hosts' in got.stderr


def test_private_and_user_networks_start_from_the_hosts_file(
    hutch: Hutch, hutch_env: HutchEnv, base_image: str
) -> None:
    user_conf(hutch_env, '[containers]\nhost_containers_internal_ip = "192.0.2.66"\n')
    host = Path("/etc/hosts").read_text().split("\n")[0].split()
    hutch("network", "create", "hostsnet")
    for network in ("private", "hostsnet"):
        out = hutch("run", "--rm", *NAMES, "--network", network, "--add-host", "gw:host-gateway",
                    "base", "cat", "/etc/hosts").stdout  # fmt: skip
        lines = out.splitlines()
        assert lines[0] == "192.0.2.66\tgw", out
        if host:
            assert lines[1].split() == host, out
        assert "192.0.2.66\thost.containers.internal host.docker.internal" in lines, out
        assert lines[-1].endswith("\tboxname hosted"), out


def _pod_lines(text: str) -> list[str]:
    """A pod's /etc/hosts without its infra's line (its id differs)."""
    return [line for line in _as_4_3_1(text).splitlines() if not line.endswith("-infra")]


def test_a_pods_files_are_written_anew_at_its_start_as_podmans(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The members share the pod's files (--add-host, the base file, their names): a
    member's start in the running pod appends its name and keeps what members wrote;
    the pod's restart writes both anew from the base file as it is then."""
    base = tmp_path / "hosts"
    base.write_text("10.4.4.4 podbase\n")
    conf = _conf(tmp_path, str(base), "none")
    monkeypatch.setenv("CONTAINERS_CONF", str(conf))  # the peer inherits the environment
    tools = {"hutch": partial(hutch, env={"CONTAINERS_CONF": str(conf)}), "podman": podman}
    # sleep as pid 1 ignores SIGTERM: the restart would wait out 10 s in each tool
    member = ("run", "-d", "--pod", "hp", "--stop-timeout", "1", "base", "sleep", "600")
    edit = "echo 192.0.2.1 added >> /etc/hosts; echo nameserver 192.0.2.53 >> /etc/resolv.conf"
    read = ("exec", "m1", "cat", "/etc/hosts", "/etc/resolv.conf")
    seen: dict[str, list[list[str]]] = {label: [] for label in tools}
    for tool in tools.values():
        assert tool("pod", "create", "--name", "hp", "--add-host", "extra:10.5.5.5").returncode == 0
        assert tool(*member[:4], "--name", "m1", *member[4:]).returncode == 0
        assert tool("exec", "m1", "sh", "-c", edit).returncode == 0
    base.write_text("10.4.4.5 podbase2\n")
    for label, tool in tools.items():
        assert tool(*member[:4], "--name", "m2", *member[4:]).returncode == 0
        seen[label].append(_pod_lines(tool(*read).stdout))
        assert tool("pod", "restart", "hp").returncode == 0
        seen[label].append(_pod_lines(tool(*read).stdout))
        tool("pod", "rm", "-f", "-t", "0", "hp")
    ours, theirs = seen["hutch"], seen["podman"]
    start = ["10.5.5.5\textra", "10.4.4.4\tpodbase", "127.0.0.1\tlocalhost", "::1\tlocalhost"]
    assert (
        ours[0][:7]
        == theirs[0][:7]
        == [*start, "127.0.0.1\tm1", "192.0.2.1 added", "127.0.0.1\tm2"]
    )
    assert "nameserver 192.0.2.53" in ours[0] and "nameserver 192.0.2.53" in theirs[0]
    # the members start again in the order podman keeps them in a Go map: as sets
    assert ours[1][:4] == theirs[1][:4] == ["10.5.5.5\textra", "10.4.4.5\tpodbase2", *start[2:]]
    assert set(ours[1][4:6]) == set(theirs[1][4:6]) == {"127.0.0.1\tm1", "127.0.0.1\tm2"}
    assert not any("192.0.2" in line for line in ours[1] + theirs[1])


def test_a_relative_base_file_is_refused(
    hutch: Hutch, hutch_env: HutchEnv, base_image: str
) -> None:
    user_conf(hutch_env, '[containers]\nbase_hosts_file = "etc/hosts"\n')
    got = hutch("run", "--rm", "base", "true", check=False)
    assert got.returncode == 125
    assert "base_hosts_file 'etc/hosts': use an absolute path" in got.stderr
    # the other commands still run (the value counts where /etc/hosts is written)
    assert hutch("ps", "-a").returncode == 0


def test_one_line_per_network_kept_up_by_connect_and_disconnect(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A container on two networks is named at each address (4.3.1 and current
    podman); connect and disconnect of the running container add and take out its
    line, and a restart keeps them. podman's order of the lines follows a Go map."""
    conf = _conf(tmp_path, "none", "none")
    monkeypatch.setenv("CONTAINERS_CONF", str(conf))  # the peer inherits the environment
    for n in (1, 2, 3):
        for tool in (hutch, podman):
            made = tool("network", "create", "--subnet", f"10.231.{n}.0/24", f"hfn{n}")
            assert made.returncode == 0, made
    run = ("run", "-d", "--name", "hfm", "--hostname", "hfbox", "--network", "hfn1,hfn2",
           "base", "sleep", "600")  # fmt: skip
    assert hutch(*run, env={"CONTAINERS_CONF": str(conf)}).returncode == 0
    assert podman(*run).returncode == 0, "podman run"

    def lines() -> tuple[list[str], list[str]]:
        ours = hutch("exec", "hfm", "cat", "/etc/hosts").stdout
        theirs = podman("exec", "hfm", "cat", "/etc/hosts").stdout
        return sorted(ours.splitlines()), sorted(theirs.splitlines())

    ours, theirs = lines()
    assert ours == theirs
    assert "10.231.1.2\thfbox hfm" in ours and "10.231.2.2\thfbox hfm" in ours
    for verb, net in (("connect", "hfn3"), ("disconnect", "hfn1")):
        for tool in (hutch, podman):
            done = tool("network", verb, net, "hfm")
            assert done.returncode == 0, done
        ours, theirs = lines()
        assert ours == theirs, verb
    assert [line for line in ours if "hfm" in line] == [
        "10.231.2.2\thfbox hfm",
        "10.231.3.2\thfbox hfm",
    ]
    # a restart writes the file anew (from containers.conf as it is then, in podman too)
    assert hutch("restart", "-t", "0", "hfm", env={"CONTAINERS_CONF": str(conf)}).returncode == 0
    assert podman("restart", "-t", "0", "hfm").returncode == 0
    assert lines()[0] == ours  # hutch keeps its addresses (podman may take new ones)
    for tool in (hutch, podman):
        tool("rm", "-f", "-t", "0", "hfm")
        tool("network", "rm", "hfn1", "hfn2", "hfn3")


@pytest.mark.parametrize("case", [("host", "restart"), ("host", "stop-start"), ("none", "restart")])
def test_hosts_and_resolv_conf_are_written_anew_at_each_start(
    hutch: Hutch,
    base_image: str,
    podman: Run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: tuple[str, str],
) -> None:
    """podman (4.3.1 and current) writes /etc/hosts and /etc/resolv.conf at every start
    of a container with a network: what the container wrote into them is gone and the
    base file is read again. Without one (--network none) it keeps them as they are;
    /etc/hostname always keeps what the container wrote."""
    network, how = case
    base = tmp_path / "hosts"
    base.write_text("10.1.1.1 alpha\n")
    conf = _conf(tmp_path, str(base), "none")
    monkeypatch.setenv("CONTAINERS_CONF", str(conf))  # the peer inherits the environment
    tools = {"hutch": partial(hutch, env={"CONTAINERS_CONF": str(conf)}), "podman": podman}
    edit = (
        "echo 192.0.2.1 added >> /etc/hosts; echo nameserver 192.0.2.53 >> /etc/resolv.conf;"
        " echo edited > /etc/hostname"
    )
    resolv = ("exec", "hre", "cat", "/etc/resolv.conf")
    first: dict[str, str] = {}
    for label, tool in tools.items():
        made = tool("run", "-d", "--name", "hre", "--hostname", "hrbox", "--network", network,
                    "base", "sleep", "600")  # fmt: skip
        assert made.returncode == 0, made
        first[label] = tool(*resolv).stdout
        assert tool("exec", "hre", "sh", "-c", edit).returncode == 0
        assert "192.0.2.53" in tool(*resolv).stdout
    base.write_text("10.1.1.2 gamma\n")
    for tool in tools.values():
        if how == "restart":
            done = tool("restart", "-t", "0", "hre")
        else:
            assert tool("stop", "-t", "0", "hre").returncode == 0
            done = tool("start", "hre")
        assert done.returncode == 0, done
    files = ("exec", "hre", "cat", "/etc/hosts", "/etc/hostname")
    ours, theirs = tools["hutch"](*files).stdout, podman(*files).stdout
    assert _as_4_3_1(ours) == theirs
    assert ours.endswith("\nedited\n")
    if network == "none":
        assert ours.startswith("10.1.1.1\talpha\n") and "192.0.2.1 added\n" in ours
    else:
        assert ours.startswith("10.1.1.2\tgamma\n") and "added" not in ours
    for label, tool in tools.items():
        after = tool(*resolv).stdout
        assert (after == first[label]) == (network != "none"), label
        tool("rm", "-f", "-t", "0", "hre")


def test_a_restart_of_the_policys_writes_them_anew_too(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The restart policy's runs get the files written anew, as podman's (4.3.1): the
    line the first run added is gone when the second adds its, and the base file is
    read again."""
    base = tmp_path / "hosts"
    base.write_text("10.1.1.1 alpha\n")
    conf = _conf(tmp_path, str(base), "none")
    monkeypatch.setenv("CONTAINERS_CONF", str(conf))  # the peer inherits the environment
    script = (
        "echo 192.0.2.1 added >> /etc/hosts; [ -e /again ] && { touch /sig/second; exec sleep"
        " 600; }; touch /again; until [ -e /sig/go ]; do sleep 0.05; done; exit 1"
    )
    tools = {"hutch": partial(hutch, env={"CONTAINERS_CONF": str(conf)}), "podman": podman}
    texts = []
    for label, tool in tools.items():
        sig = tmp_path / f"sig-{label}"
        sig.mkdir()
        ran = tool("run", "-d", "--name", "hrp", "--network", "host", "--restart",
                   "on-failure:2", "-v", f"{sig}:/sig", "base", "sh", "-c", script)  # fmt: skip
        assert ran.returncode == 0, ran
        base.write_text("10.1.1.2 gamma\n")  # before the first run ends
        (sig / "go").touch()
        for _ in range(200):  # the second run has added its line
            if (sig / "second").exists():
                break
            time.sleep(0.05)
        texts.append(tool("exec", "hrp", "cat", "/etc/hosts").stdout)
        tool("rm", "-f", "-t", "0", "hrp")
        base.write_text("10.1.1.1 alpha\n")
    assert _as_4_3_1(texts[0]) == texts[1]
    assert texts[1].startswith("10.1.1.2\tgamma\n") and texts[1].count("added") == 1


READ_BOTH = ("sh", "-c", "cat /etc/hosts; echo --; cat /etc/resolv.conf")


def _read_both(tool: Any, *args: str) -> str:
    """``run --rm ARGS base READ_BOTH``'s output. podman 4.3.1 on a loaded machine at
    times loses a short container's whole output (exit 0, nothing printed: its attach
    came late): that run is made again, twice at most."""
    for _ in range(3):
        ran = tool("run", "--rm", *args, "base", *READ_BOTH)
        assert ran.returncode == 0, ran
        if ran.stdout:
            break
    return str(ran.stdout)


@pytest.mark.parametrize("backend", ["pasta", "slirp4netns"])
def test_the_private_networks_host_line_and_name_servers_as_podmans(
    hutch: Hutch,
    base_image: str,
    podman: Run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    backend: str,
) -> None:
    """A plain container and a pod member on the default private network, beside
    podman 4.3.1's (slirp4netns; current podman writes the same there):
    host.containers.internal at the host's own address (not the gateway 10.0.2.2),
    and the forwarder 10.0.2.3 followed by the host's servers in resolv.conf.
    hutch's pasta writes what its slirp4netns does: its layout is slirp4netns's
    (current podman's pasta would name 169.254.1.2, pasta's --map-guest-addr)."""
    config = hutch.env.config_home / "hutch"
    config.mkdir(parents=True, exist_ok=True)
    (config / "hutch.toml").write_text(f'[network]\nbackend = "{backend}"\n')
    conf = _conf(tmp_path, "", "")  # the host's file, the host's address by podman's rule
    monkeypatch.setenv("CONTAINERS_CONF", str(conf))  # the peer inherits the environment
    tools = {"hutch": partial(hutch, env={"CONTAINERS_CONF": str(conf)}), "podman": podman}
    plain: dict[str, str] = {}
    member: dict[str, list[str]] = {}
    for label, tool in tools.items():
        plain[label] = _as_4_3_1(_read_both(tool, *NAMES))
        assert tool("pod", "create", "--name", "hpn").returncode == 0
        member[label] = _pod_lines(_read_both(tool, "--pod", "hpn", "--name", "hpm"))
        tool("pod", "rm", "-f", "-t", "0", "hpn")
    assert plain["hutch"] == plain["podman"]
    assert member["hutch"] == member["podman"]
    hosts, resolv = plain["hutch"].split("--\n")
    assert f"{local_ip()}\thost.containers.internal\n" in hosts
    assert "10.0.2.100\tboxname hosted\n" in hosts
    servers = [line.split()[1] for line in resolv.splitlines() if line.startswith("nameserver")]
    host = [line.split()[1] for line in Path("/etc/resolv.conf").read_text().splitlines()
            if line.startswith("nameserver")]  # fmt: skip
    assert servers == ["10.0.2.3", *(s for s in host if not s.startswith("127."))]


def test_a_user_networks_host_line_and_search_domain_as_podmans(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a user-defined network: the host at its own address and podman's search
    domain dns.podman, as 4.3.1 and current podman write them; the network's name
    server alone (current podman with aardvark-dns: 4.3.1 added the host's after it)."""
    conf = _conf(tmp_path, "", "")
    monkeypatch.setenv("CONTAINERS_CONF", str(conf))  # the peer inherits the environment
    tools = {"hutch": partial(hutch, env={"CONTAINERS_CONF": str(conf)}), "podman": podman}
    seen: dict[str, tuple[str, list[str]]] = {}
    for label, tool in tools.items():
        made = tool("network", "create", "--subnet", "10.231.9.0/24", "hpnet")
        assert made.returncode == 0, made
        hosts, resolv = _as_4_3_1(_read_both(tool, *NAMES, "--network", "hpnet")).split("--\n")
        seen[label] = hosts, resolv.splitlines()
        tool("network", "rm", "hpnet")
    assert seen["hutch"][0] == seen["podman"][0]
    assert f"{local_ip()}\thost.containers.internal\n" in seen["hutch"][0]
    assert "10.231.9.2\tboxname hosted\n" in seen["hutch"][0]
    ours, theirs = seen["hutch"][1], seen["podman"][1]
    assert ours[:2] == theirs[:2] == ["search dns.podman", "nameserver 10.231.9.1"]
    assert [line for line in ours if line.startswith("nameserver")] == ["nameserver 10.231.9.1"]
