"""Differential: the layout of ``--format json`` (and ``{{json .}}``) of the listings
and the inspect verbs, against Debian's podman 4.3.1 where it writes them as current
podman does (issue 15). Values differ between two stores (ids, times, paths), so
what is compared is the text with each value replaced: the indentation, the keys in
their order, and null, [], {} where they are; the keys current podman added since
4.3.1 (ps's Restarts, a volume's LockNumber, a network's containers) are dropped from
hutch's text first, and 4.3.1's empty map on three lines (json-iterator's) is
"{}" as current podman writes it."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator

import pytest
from harness import Hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture

# a JSON string, and whether a colon follows it (a key), or a number outside strings
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"(\s*:)?|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?')
# current podman's keys that 4.3.1 has not, on a line of their own in hutch's text
# (amid an object's keys, or its last one, whose comma goes with it)
_NEWER = re.compile(r'^\s*"(?:Restarts|LockNumber)": \d+,\n|,\n\s*"LockNumber": \d+(?=\n)', re.M)
# 4.3.1's json-iterator writes an empty map on three lines; current podman's "{}"
_EMPTY_MAP = re.compile(r"\{\n\s*\n\s*\}")


def skeleton(text: str) -> str:
    """``text`` with every string value "S" and every number 0 (keys kept)."""

    def one(m: re.Match[str]) -> str:
        if m.group(0).startswith('"'):
            return m.group(0) if m.group(1) else '"S"'
        return "0"

    return _TOKEN.sub(one, text)


def _without_members(text: str) -> str:
    """hutch's network JSON without current podman's ``containers`` (inspect's)."""
    data = json.loads(text)
    assert all(net.pop("containers") == {} for net in data)
    return json.dumps(data, indent=5) + "\n"


@pytest.fixture(name="objects")
def fixture_objects(hutch: Hutch, base_image: str, podman: Run) -> Iterator[None]:
    """In both: a network, a labelled volume (4.3.1 writes an empty map oddly), a
    secret, a pod, and a created container with a label."""
    for tool in (hutch, podman):
        assert tool("network", "create", "jnet").returncode == 0
        assert tool("volume", "create", "-l", "k=v", "jvol").returncode == 0
        assert tool("secret", "create", "jsec", "-", input="s").returncode == 0
        assert tool("pod", "create", "--name", "jpod", "--infra=false").returncode == 0
        created = tool("create", "--name", "jctr", "-l", "a=b&c", base_image, "true")
        assert created.returncode == 0
    yield
    for args in (
        ("rm", "-f", "jctr"),
        ("pod", "rm", "-f", "jpod"),
        ("secret", "rm", "jsec"),
        ("volume", "rm", "-f", "jvol"),
        ("network", "rm", "-f", "jnet"),
    ):
        hutch(*args, check=False)
        podman(*args)


def _layout_differs(hutch: Hutch, podman: Run, *args: str) -> str | None:
    """None when hutch's output is laid out as podman's, else both outputs."""
    ours = hutch(*args, check=False)
    theirs = podman(*args)
    if (ours.returncode, theirs.returncode) != (0, 0):
        return f"{args}: exit {ours.returncode} {ours.stderr!r} / {theirs.returncode}"
    mine = skeleton(_NEWER.sub("", ours.stdout)).splitlines()
    peer = skeleton(_EMPTY_MAP.sub("{}", theirs.stdout)).splitlines()
    if mine == peer:
        return None
    return "\n".join([str(args), *difflib.unified_diff(peer, mine, "podman", "hutch", n=1)])


LISTINGS = (
    ("ps", "-a", "--filter", "name=jctr"),  # two spaces
    ("volume", "ls"),  # two spaces
    ("network", "ls", "--filter", "name=jnet"),  # two spaces, no "containers"
    ("images",),  # four, once per name, RepoTags null
    ("pod", "ps"),  # two, Labels {}
    ("secret", "ls"),  # no JSON of its own: "json" is a template, {{json .}} a line
    ("history", "base"),  # one line
)
INSPECTS = (
    ("volume", "inspect", "jvol"),  # json.Encoder's five spaces, for every inspect verb
    ("inspect", "--type", "volume", "jvol"),
    ("volume", "inspect", "--format", "json", "jvol"),
)


def test_json_is_laid_out_as_podmans(hutch: Hutch, podman: Run, objects: None) -> None:
    differ = [
        _layout_differs(hutch, podman, *verb, "--format", fmt)
        for verb in LISTINGS
        for fmt in ("json", "{{json .}}")
    ]
    differ += [_layout_differs(hutch, podman, *verb) for verb in INSPECTS]
    found = [d for d in differ if d]
    assert not found, "\n".join(found)
    listed = hutch("network", "ls", "--filter", "name=jnet", "--format", "json").stdout
    assert "containers" not in json.loads(listed)[0]


def test_network_inspect_json_as_podmans(hutch: Hutch, podman: Run, objects: None) -> None:
    ours = hutch("network", "inspect", "jnet").stdout
    theirs = podman("network", "inspect", "jnet").stdout
    assert skeleton(_without_members(ours)) == skeleton(_EMPTY_MAP.sub("{}", theirs))


def test_container_inspect_starts_as_podmans_and_keeps_html(
    hutch: Hutch, podman: Run, objects: None
) -> None:
    """The first lines (their indentation) as podman's, and a label's ``&`` as written
    (podman's inspect turns HTML escaping off; its ps keeps it)."""
    ours, theirs = hutch("inspect", "jctr").stdout, podman("inspect", "jctr").stdout
    head = 4  # [, {, "Id", "Created"
    assert skeleton(ours).splitlines()[:head] == skeleton(theirs).splitlines()[:head]
    assert '"a": "b&c"' in ours and '"a": "b&c"' in theirs
    ps = ("ps", "-a", "--filter", "name=jctr", "--format", "json")
    assert '"a": "b\\u0026c"' in hutch(*ps).stdout
    assert '"a": "b\\u0026c"' in podman(*ps).stdout


EMPTY = (
    ("ps", "-a", "--filter", "name=nosuch"),
    ("volume", "ls", "--filter", "name=nosuch"),
    ("network", "ls", "--filter", "name=nosuch"),
    ("images", "--filter", "reference=nosuch"),
    ("pod", "ps", "--filter", "name=nosuch"),
    ("secret", "ls", "--filter", "name=nosuch"),
)


def test_an_empty_listing_as_podmans(hutch: Hutch, podman: Run, objects: None) -> None:
    """``[]`` (never null) for the listings with JSON; nothing for secret ls."""
    for verb in EMPTY:
        ours = hutch(*verb, "--format", "json", check=False)
        theirs = podman(*verb, "--format", "json")
        assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout), verb


def test_network_inspect_templates_reach_podmans_go_fields(
    hutch: Hutch, podman: Run, objects: None
) -> None:
    """{{.Name}}, {{.ID}}, ... (types.Network's fields), not the JSON's keys."""
    fmt = (
        "{{.Name}} {{len .ID}} {{.Driver}} {{.DNSEnabled}} {{.Internal}} {{.IPv6Enabled}} "
        "{{.IPAMOptions}} {{.Labels}} {{.Options}} {{range .Subnets}}{{.Gateway}}{{end}}"
    )
    got = both(hutch, podman, "network", "inspect", "--format", fmt, "jnet")
    assert got == (0, "jnet 64 bridge true false false map[driver:host-local] map[] map[] "
                   "10.89.0.1\n", "")  # fmt: skip
    assert hutch("network", "inspect", "--format", "{{.NetworkInterface}}", "jnet").stdout
