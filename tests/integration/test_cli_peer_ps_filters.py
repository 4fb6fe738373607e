"""Differential: ``ps --filter`` (the keys podman 4.3.1 shares with current podman,
``network=container:NAME`` among them),
``network rm`` of the default network and of a missing one, and ``volume inspect``'s
keys and ``MountCount``, through hutch and Debian's podman 4.3.1 on the same rootfs
(issue 15). ``command``, ``label!``, ``should-start-on-boot`` and ``health`` on a
container with a check are current podman's, which 4.3.1 has not: hutch's alone."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture

NAMES = ("--format", "{{.Names}}")


@pytest.fixture(name="three")
def fixture_three(hutch: Hutch, base_image: str, podman: Run) -> Iterator[None]:
    """c1 (labels a=1 b=2, created), c2 (label a=1, restart always, created) and c3
    (label b=2, exited 3) in both, each created a second after the one before."""
    for step, (name, args) in enumerate(
        (
            ("c1", ("-l", "a=1", "-l", "b=2", base_image, "true")),
            ("c2", ("-l", "a=1", "--restart", "always", base_image, "sleep", "100")),
            ("c3", ("-l", "b=2", base_image, "sh", "-c", "exit 3")),
        )
    ):
        if step:
            time.sleep(1.1)  # creation times a second apart: before/since/until see them
        for tool in (hutch, podman):
            assert tool("create", "--name", name, *args).returncode == 0
    assert hutch("start", "-a", "c3", check=False).returncode == 3
    assert podman("start", "-a", "c3").returncode == 3
    yield
    hutch("rm", "-f", "c1", "c2", "c3", check=False)
    podman("rm", "-f", "c1", "c2", "c3")


# (filters, the names both list); one test over the three containers: each case as a
# test of its own made them anew, 4 s a case (CI's time budget)
PS_CASES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("label=a=1",), "c1 c2"),
    (("label=a=1", "label=b=2"), "c1"),  # every label must match
    (("label=a", "label=b"), "c1"),
    (("since=c1",), "c2 c3"),
    (("before=c3",), "c1 c2"),
    (("since=c1", "before=c3"), "c2"),
    (("since=c1", "since=c2"), "c2 c3"),  # the earliest named
    (("before=c2", "before=c3"), "c1"),
    (("exited=3",), "c3"),
    (("exited=+3", "exited=0"), "c3"),
    (("status=stopped",), "c3"),
    (("status=exited",), "c3"),
    (("status=created",), "c1 c2"),
    (("status=initialized",), ""),
    (("restart-policy=always",), "c2"),
    (("name=c[12]",), "c1 c2"),
    (("name=c", "status=created"), "c1 c2"),
    (("until=1h",), ""),
    (("until=2099-01-01T00:00:00Z",), "c1 c2 c3"),
    (("until=2020-01-01",), ""),
    (("until=4102444800",), "c1 c2 c3"),
    (("ancestor=localhost/base:latest",), "c1 c2 c3"),
    (("health=healthy",), ""),
    (("volume=nosuch",), ""),
)


def test_ps_filters_as_podman(hutch: Hutch, podman: Run, three: None) -> None:
    wrong = []
    for filters, names in PS_CASES:
        flags = [part for f in filters for part in ("--filter", f)]
        ours = hutch("ps", "-a", *flags, *NAMES, check=False)
        theirs = podman("ps", "-a", *flags, *NAMES)
        got = [(r.returncode, r.stdout, r.stderr) for r in (ours, theirs)]
        if got[0] != got[1] or got[0][0] != 0 or ours.stdout.split() != names.split():
            wrong.append((filters, names, got))
    assert not wrong, wrong


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("bogus=1", "bogus is an invalid filter"),
        ("publish=80", "publish is an invalid filter"),
        ("expose=80", "expose is an invalid filter"),
        ("name", 'invalid filter "name"'),
        ("status=bogus", "unknown container state: bogus: invalid argument"),
        ("exited=x", "exited code out of range '\\x00': strconv.ParseInt: "
                     'parsing "x": invalid syntax'),
        ("until=bogus", 'failed to parse value as time or duration: "bogus"'),
        ("until=2099-13-01", 'parsing time "2099-13-01": month out of range'),
        ("since=nosuch", 'no container with name or ID "nosuch" found: no such container'),
        ("before=", "name or ID cannot be empty"),
        ("restart-policy=bogus", "bogus invalid restart policy"),
    ],
)  # fmt: skip
def test_bad_filters_in_podmans_words(hutch: Hutch, podman: Run, value: str, message: str) -> None:
    assert both(hutch, podman, "ps", "-a", "--filter", value) == (125, "", f"Error: {message}\n")


def test_an_explicit_no_is_kept_apart_from_none(hutch: Hutch, base_image: str, podman: Run) -> None:
    """podman records --restart no as "no", no flag (or --restart "") as "" (none)."""
    for tool in (hutch, podman):
        tool("create", "--name", "unset", base_image, "true")
        tool("create", "--name", "said-no", "--restart", "no", base_image, "true")
        tool("create", "--name", "empty", "--restart", "", base_image, "true")
    for value, names in (("none", "empty unset"), ("no", "said-no")):
        code, out, _ = both(
            hutch, podman, "ps", "-a", "--filter", f"restart-policy={value}", *NAMES
        )
        assert code == 0 and sorted(out.split()) == names.split()
    fmt = "{{.Name}} [{{.HostConfig.RestartPolicy.Name}}]"
    got = both(hutch, podman, "inspect", "--format", fmt, "unset", "said-no", "empty")
    assert got == (0, "unset []\nsaid-no [no]\nempty []\n", "")
    for tool in (hutch, podman):
        tool("rm", "unset", "said-no", "empty")


def test_until_takes_one_value(hutch: Hutch, podman: Run) -> None:
    got = both(hutch, podman, "ps", "--filter", "until=1h", "--filter", "until=2h")
    assert got == (125, "", "Error: specify exactly one timestamp for until\n")


def test_current_podmans_filters(hutch: Hutch, base_image: str) -> None:
    """command, label!, should-start-on-boot and health (4.3.1 refuses or lacks them)."""
    hutch("run", "-d", "--name", "checked", "--health-cmd", "true", base_image, "sleep", "60")
    boot = ("-l", "x=1", "--restart", "unless-stopped")
    hutch("create", "--name", "boot", *boot, base_image, "true")
    hutch("healthcheck", "run", "checked")

    def names(*filters: str) -> list[str]:
        flags = [part for f in filters for part in ("--filter", f)]
        return hutch("ps", "-a", *flags, *NAMES).stdout.split()

    assert names("health=healthy") == ["checked"]
    assert names("health=starting", "health=unhealthy") == []
    assert names("command=^sleep$") == ["checked"]
    assert names("command=true") == ["boot"]
    assert names("label!=x") == ["checked"]
    assert names("should-start-on-boot=true") == ["boot"]
    assert names("should-start-on-boot=false") == ["checked"]
    # the verbs that take ps's filters choose the same way
    hutch("stop", "-t", "0", "--filter", "health=healthy", "--filter", "command=sleep")
    assert hutch("ps", *NAMES).stdout == ""
    hutch("rm", "-f", "checked", "boot")


def test_network_rm_of_the_default_and_of_a_missing_network(hutch: Hutch, podman: Run) -> None:
    assert both(hutch, podman, "network", "rm", "podman") == (
        125,
        "",
        "Error: default network podman cannot be removed\n",
    )
    missing = "Error: unable to find network with name or ID nosuch: network not found\n"
    assert both(hutch, podman, "network", "rm", "nosuch") == (1, "", missing)
    # a missing one's exit code (1) wins over the default's (125), in either order
    default = "Error: default network podman cannot be removed\n"
    assert both(hutch, podman, "network", "rm", "nosuch", "podman") == (1, "", missing + default)
    assert both(hutch, podman, "network", "rm", "podman", "nosuch") == (1, "", default + missing)
    for tool in (hutch, podman):
        tool("network", "create", "h15net")
    assert both(hutch, podman, "network", "rm", "h15net", "podman") == (125, "h15net\n", default)
    # hutch's other names of its default network are refused the same way
    got = hutch("network", "rm", "bridge", check=False)
    refused = "Error: default network bridge cannot be removed\n"
    assert (got.returncode, got.stderr) == (125, refused)


def test_volume_inspect_keys_and_mount_count(hutch: Hutch, base_image: str, podman: Run) -> None:
    fmt = ("--format", "{{.MountCount}}")
    for tool in (hutch, podman):
        tool("volume", "create", "plain")
        tool("volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "tmp")
        tool("create", "--name", "user", "-v", "plain:/p", base_image, "true")
        mounts = ("-v", "plain:/p", "-v", "tmp:/t")
        tool("run", "-d", "--name", "runs", *mounts, base_image, "sleep", "60")
    # podman 4.3.1's keys in its order; current podman adds LockNumber at the end
    ours = json.loads(hutch("volume", "inspect", "plain", "tmp").stdout)
    theirs = json.loads(podman("volume", "inspect", "plain", "tmp").stdout)
    assert [list(v)[:-1] for v in ours] == [list(v) for v in theirs]
    assert [list(v)[-1] for v in ours] == ["LockNumber", "LockNumber"]
    # a plain volume holds no mount, however many use it; a tmpfs one, one per runner
    assert both(hutch, podman, "volume", "inspect", *fmt, "plain", "tmp") == (0, "0\n1\n", "")
    for tool in (hutch, podman):
        tool("rm", "-f", "-t", "0", "runs", "user")
    assert both(hutch, podman, "volume", "inspect", *fmt, "plain", "tmp") == (0, "0\n0\n", "")
    for tool in (hutch, podman):
        tool("volume", "rm", "plain", "tmp")


def test_network_container_as_podman(hutch: Hutch, base_image: str, podman: Run) -> None:
    """Docker's network=container:NAME: the containers in NAME's network namespace."""
    for tool in (hutch, podman):
        tool("create", "--name", "owner", base_image, "true")
        tool("create", "--name", "guest", "--network", "container:owner", base_image, "true")
        tool("create", "--name", "alone", base_image, "true")
    owner_id = hutch("inspect", "--format", "{{.Id}}", "owner").stdout.strip()
    for value, names in (
        ("container:owner", "guest"),
        ("container:nosuch", ""),  # no error, as podman's
        ("podman", ""),  # none of them joined the podman network
    ):
        got = both(hutch, podman, "ps", "-a", "--filter", f"network={value}", *NAMES)
        assert got == (0, names + "\n" if names else "", "")
    # hutch's own id of the owner names it as well as its name
    shown = hutch("ps", "-a", "--filter", f"network=container:{owner_id[:12]}", *NAMES)
    assert shown.stdout == "guest\n"
    for tool in (hutch, podman):
        tool("rm", "guest", "owner", "alone")


def test_ancestor_takes_the_images_built_on_it(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    """podman-ps(1)'s "image or descendant" (Docker's rule): the image named and those
    built on it; podman's code (4.3.1's, current) matches the named one only."""
    context = tmp_path / "ctx"
    context.mkdir()
    (context / "Containerfile").write_text(f"FROM {base_image}\nRUN echo hi > /f\n")
    hutch("build", "-q", "-t", "derived", str(context), timeout=120)
    hutch("create", "--name", "onbase", base_image, "true")
    hutch("create", "--name", "onderived", "derived", "true")

    def names(value: str) -> list[str]:
        return hutch("ps", "-a", "--filter", f"ancestor={value}", *NAMES).stdout.split()

    assert names(base_image) == ["onbase", "onderived"]
    assert names("derived") == ["onderived"]  # not what it was built on
    derived_id = hutch("image", "inspect", "--format", "{{.Id}}", "derived").stdout.strip()
    assert names(derived_id[:12]) == ["onderived"]
    hutch("rm", "onbase", "onderived")
    hutch("rmi", "derived")


def test_volume_mount_counts_as_podmans(hutch: Hutch, podman: Run) -> None:
    """volume mount in unshare holds a mount of a tmpfs volume until unmount (4.3.1's
    count, kept between commands); a plain volume's count stays 0."""
    store = podman("info", "--format", "{{.Store.GraphRoot}} {{.Store.RunRoot}}").stdout.split()
    inner = f"podman --root {store[0]} --runroot {store[1]}"
    for tool in (hutch, podman):
        tool("volume", "create", "plain")
        tool("volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "tmp")
    mount_twice = "$0 volume mount plain && $0 volume mount tmp && $0 volume mount tmp"
    hutch("unshare", "sh", "-c", mount_twice, str(hutch.binary))
    assert podman("unshare", "sh", "-c", mount_twice.replace("$0", inner)).returncode == 0
    fmt = ("volume", "inspect", "--format", "{{.Name}} {{.MountCount}}", "plain", "tmp")
    assert both(hutch, podman, *fmt) == (0, "plain 0\ntmp 2\n", "")
    for _ in range(3):  # one more unmount than mounts: no error, the count stays 0
        assert both(hutch, podman, "volume", "unmount", "tmp") == (0, "tmp\n", "")
    assert both(hutch, podman, "volume", "unmount", "plain") == (0, "plain\n", "")
    assert both(hutch, podman, *fmt) == (0, "plain 0\ntmp 0\n", "")
    for tool in (hutch, podman):
        tool("volume", "rm", "plain", "tmp")


def test_network_by_id_as_podman(hutch: Hutch, base_image: str, podman: Run) -> None:
    """network= takes a network's id (or a prefix of it) as well as its name."""
    for tool in (hutch, podman):
        assert tool("network", "create", "byid").returncode == 0
        tool("create", "--name", "onnet", "--network", "byid", base_image, "true")
        tool("create", "--name", "offnet", base_image, "true")
        net_id = tool("network", "inspect", "--format", "{{.ID}}", "byid").stdout.strip()
        for value in (net_id, net_id[:12], "byid"):
            shown = tool("ps", "-a", "--filter", f"network={value}", *NAMES)
            assert (shown.returncode, shown.stdout) == (0, "onnet\n"), (tool, value)
    assert both(hutch, podman, "ps", "-a", "--filter", "network=nosuch", *NAMES) == (0, "", "")
    for tool in (hutch, podman):
        tool("rm", "onnet", "offnet")
        tool("network", "rm", "byid")
