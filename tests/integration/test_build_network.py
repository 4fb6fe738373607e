"""``hutch build --network`` and ``RUN --network=none|host|default`` (issue 15): each
RUN step's network namespace, seen from inside the step (--userns:
test_build_userns.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from build_helpers import build, refused_before_any_step, write_context
from harness import Hutch
from host_server import fixture_host_server  # noqa: F401 - the fixture

# the interfaces a step sees, one line: "eth0 lo " (its network namespace's)
NAMES = "sed 1,2d /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort | tr '\\n' ' '"

PER_STEP = f"""\
FROM base
RUN {NAMES} > /default
RUN --network=none {NAMES} > /none
RUN --network=host {NAMES} > /host
RUN --network=default {NAMES} > /dflt
"""


def host_names() -> str:
    lines = Path("/proc/net/dev").read_text().splitlines()[2:]
    return "".join(f"{name} " for name in sorted(line.split(":")[0].strip() for line in lines))


def seen(hutch: Hutch, image: str) -> dict[str, str]:
    out = hutch("run", "--rm", image, "sh", "-c", "cat /default; echo; cat /none; echo; "
                "cat /host; echo; cat /dflt").stdout  # fmt: skip
    default, none, host, dflt = out.split("\n")[:4]
    return {"default": default, "none": none, "host": host, "dflt": dflt}


def test_run_network_per_step_on_the_default_and_on_none(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    """RUN --network=none has lo alone while the build's default (the host's network)
    sees the host's interfaces; with build --network none a step's --network=host
    still has the host's, and --network=default follows the build's."""
    host = host_names()
    assert host != "lo "  # the host has an interface besides lo, or nothing is shown
    context = write_context(tmp_path / "ctx", {}, containerfile=PER_STEP)
    build(hutch, context, "-t", "net-default")
    assert seen(hutch, "net-default") == {
        "default": host,
        "none": "lo ",
        "host": host,
        "dflt": host,
    }
    build(hutch, context, "--no-cache", "--network", "none", "-t", "net-none")
    got = seen(hutch, "net-none")
    assert got == {"default": "lo ", "none": "lo ", "host": host, "dflt": "lo "}


@pytest.mark.parametrize("backend", ["pasta", "slirp4netns"])
def test_build_network_private_reaches_the_hosts_loopback(
    hutch: Hutch, base_image: str, tmp_path: Path, host_server: tuple[str, int], backend: str
) -> None:
    """--network private (bridge: the same) gives each step run's private network: an
    interface of its own besides lo, the forwarder as name server, the host's
    loopback as host.containers.internal; RUN --network=none keeps lo alone."""
    containerfile = PER_STEP + (
        f"RUN wget -qO /got http://host.containers.internal:{host_server[1]}/\n"
        "RUN grep nameserver /etc/resolv.conf > /ns\n"
    )
    context = write_context(tmp_path / "ctx", {}, containerfile=containerfile)
    mode = "private" if backend == "pasta" else backend
    build(hutch, context, "--no-cache", "--network", mode, "-t", "net-private")
    got = seen(hutch, "net-private")
    names = got["default"].split()
    assert len(names) == 2 and "lo" in names and got["default"] != host_names()
    assert (got["none"], got["host"], got["dflt"]) == ("lo ", host_names(), got["default"])
    out = hutch("run", "--rm", "net-private", "cat", "/got", "/ns").stdout
    # the forwarder, then the host's servers the step can ask itself, as buildah's
    fields = [line.split() for line in Path("/etc/resolv.conf").read_text().splitlines()]
    host = [f[1] for f in fields if f[:1] == ["nameserver"] and not f[1].startswith("127.")]
    assert out == "from-host\n" + "".join(f"nameserver {s}\n" for s in ["10.0.2.3", *host])
    if backend == "pasta":  # podman's bridge is the private network, as run's is
        build(hutch, context, "--no-cache", "--network", "bridge", "-t", "net-bridge")
        assert seen(hutch, "net-bridge")["default"] == got["default"]


def test_build_network_ns_path_joins_a_running_containers_namespace(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    hutch("run", "-d", "--name", "netowner", "--network", "slirp4netns", base_image,
          "sleep", "300")  # fmt: skip
    try:
        pid = json.loads(hutch("inspect", "netowner").stdout)[0]["State"]["Pid"]
        theirs = hutch("exec", "netowner", "sh", "-c", NAMES).stdout
        assert theirs != host_names() and theirs != "lo "
        steps = f'FROM base\nRUN echo "[$({NAMES})]"\n'
        context = write_context(tmp_path / "ctx", {}, containerfile=steps)
        out = build(hutch, context, "--no-cache", "--network", f"ns:/proc/{pid}/ns/net").stdout
        assert f"[{theirs}]" in out.splitlines()
    finally:
        hutch("rm", "-f", "-t", "0", "netowner")


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (("--network", "mynet"), "cannot use networks as rootless"),
        (("--network", "container:x"), "--network container:x: a build's RUN steps take"),
    ],
)
def test_refused_modes_exit_125_before_any_step(
    hutch: Hutch, base_image: str, tmp_path: Path, flags: tuple[str, ...], message: str
) -> None:
    assert message in refused_before_any_step(hutch, tmp_path / "ctx", *flags)
