"""Differential: the image commands (images, history, untag, rmi, save, load, import,
image diff) through hutch and Debian's podman 4.3.1, each with its own store and the
busybox rootfs imported as ``base``. Where the output holds an image id (each tool
makes its own), each tool is compared with itself; the rest must agree byte for byte."""

from __future__ import annotations

import io
import re
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Hutch
from module_hutch import module_hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture

NAMES = ("--format", "{{.Repository}}:{{.Tag}}")


def _tiny_tar(path: Path) -> Path:
    """A one-file rootfs, far smaller than busybox's (for --sort size)."""
    with tarfile.open(path, "w") as tar:
        info = tarfile.TarInfo("hello")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"hi\n"))
    return path


@pytest.fixture(scope="module", name="module_hutch")
def fixture_module_hutch(
    tmp_path_factory: pytest.TempPathFactory, rootfs_tar: Path
) -> Iterator[Hutch]:
    yield from module_hutch(tmp_path_factory, "peer-images", rootfs_tar)


@pytest.fixture(scope="module", name="tools")
def fixture_tools(
    module_hutch: Hutch, podman: Run, tmp_path_factory: pytest.TempPathFactory, rootfs_tar: Path
) -> Iterator[tuple[Hutch, Run]]:
    """In both, once for the module (each test puts back what it changes): base, tiny
    (small), lab:v1 (labelled a=b), c1 a container of base, ml an empty manifest list."""
    hutch = module_hutch
    tiny = _tiny_tar(tmp_path_factory.mktemp("peer-images-tiny") / "tiny.tar")
    for argv in (
        ("import", "-q", str(tiny), "tiny"),
        ("import", "-q", "--change", "LABEL a=b", str(rootfs_tar), "lab:v1"),
        ("create", "--name", "c1", "base", "true"),
        ("manifest", "create", "ml"),
    ):
        hutch(*argv)
        assert podman(*argv).returncode == 0, argv
    yield hutch, podman
    for tool in (hutch, podman):
        tool("rm", "-f", "c1")
        tool("rmi", "-f", "tiny", "lab:v1")
        tool("manifest", "rm", "ml")


@pytest.mark.parametrize(
    "args",
    [
        ("images", "--sort", "size", *NAMES),  # podman: the smallest first
        ("images", "--filter", "label=a=b", *NAMES),
        ("images", "--filter", "label!=a", "--sort", "repository", *NAMES),
        ("images", "--filter", "containers=true", *NAMES),
        ("images", "--filter", "containers=false", "--sort", "repository", *NAMES),
        ("images", "--filter", "readonly=true"),
        ("images", "--filter", "manifest=true", *NAMES),
        ("images", "--filter", "manifest=false", "--sort", "repository", *NAMES),
        ("images", "--filter", "readonly=false", "--sort", "repository", *NAMES),
        ("images", "--filter", "dangling=0", "--sort", "repository", *NAMES),
        ("images", "--filter", "until=2000-01-01T00:00:00Z"),
        ("images", "--filter", "until=2999-01-01T00:00:00Z", "--sort", "repository", *NAMES),
    ],
    ids=" ".join,
)
def test_listing_agrees(tools: tuple[Hutch, Run], args: tuple[str, ...]) -> None:
    hutch, podman = tools
    code, out, _err = both(hutch, podman, *args)
    assert code == 0 and out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("images", "--filter", "dangling=bogus"), 'non-boolean value "dangling"'),
        (("images", "--filter", "readonly=maybe"), 'non-boolean value "readonly"'),
        (("images", "--filter", "before=nosuch"), 'filter filter "before"="nosuch"'),
        (("images", "--filter", "since=nosuch"), 'filter filter "since"="nosuch"'),
        (("images", "--filter", "until=bogus"), "failed to parse value as time or duration"),
        (("images", "--filter", "containers=bogus"), 'unsupported value "bogus"'),
        (("image", "prune", "-f", "--filter", "until=bogus"), "failed to parse value as time"),
        (("untag", "base", "nosuch:1"), "localhost/nosuch:1: tag not known"),
        (("rmi", "-a", "base"), "you may not pass any images names or IDs"),
        (("image", "diff", "nosuch"), "nosuch not found: nosuch: image not known"),
        (("load", "-i", "nosuch.tar"), "stat nosuch.tar: no such file or directory"),
        (("save", "--format", "bogus", "-o", "x.tar", "base"), "format value must be one of"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else "",
)
def test_refusals_agree(tools: tuple[Hutch, Run], args: tuple[str, ...], message: str) -> None:
    hutch, podman = tools
    code, out, err = both(hutch, podman, *args)
    assert code == 125 and out == "" and message in err


def test_sort_refusal(tools: tuple[Hutch, Run]) -> None:
    """podman lists the fields in its map's order, which changes from run to run."""
    hutch, podman = tools
    ours, theirs = (
        hutch("images", "--sort", "bogus", check=False),
        podman("images", "--sort", "bogus"),
    )
    assert ours.returncode == theirs.returncode == 125
    words = []
    for err in (ours.stderr, theirs.stderr):
        head, _, fields = err.partition(" Choose from: ")
        assert head == 'Error: "bogus" is not a valid field for sorting.'
        words.append(sorted(fields.strip().split(", ")))
    assert words[0] == words[1] == ["created", "id", "repository", "size", "tag"]


def test_rmi_reports_unknown_names_first(tools: tuple[Hutch, Run]) -> None:
    """podman looks every name up before it removes any: in use (exit 2) and unknown."""
    hutch, podman = tools
    for args in (("rmi", "base", "nosuch"), ("rmi", "nosuch", "base")):
        ours = hutch(*args, check=False)
        theirs = podman(*args)
        assert ours.returncode == theirs.returncode == 2
        strip = re.compile(r"image used by [0-9a-f]{64}")
        assert strip.sub("ID", ours.stderr) == strip.sub("ID", theirs.stderr)
        assert theirs.stderr.splitlines()[1] == "\t* nosuch: image not known"


def test_load_and_import_quiet_still_print(tools: tuple[Hutch, Run], tmp_path: Path) -> None:
    """-q silences progress only: load's names and import's sha256 id are printed."""
    hutch, podman = tools
    for name, tool in (("hutch", hutch), ("podman", podman)):
        archive = tmp_path / f"{name}.tar"
        assert tool("save", "-o", str(archive), "tiny").returncode == 0
        assert tool("rmi", "tiny").returncode == 0
        loaded = tool("load", "-q", "-i", str(archive))
        assert (loaded.returncode, loaded.stdout) == (0, "Loaded image: localhost/tiny:latest\n")
        imported = tool("import", "-q", str(archive), "again")
        assert re.fullmatch(r"sha256:[0-9a-f]{64}\n", imported.stdout), (name, imported)
        tool("rmi", "again")


def test_history_as_podman(tools: tuple[Hutch, Run], rootfs_tar: Path) -> None:
    """An image on base's one layer shows base's id on that layer (podman's layer
    tree); --human=false times are RFC 3339 in .Created and .CreatedSince; .Tags is
    an empty list; JSON is one line."""
    hutch, podman = tools
    fields = "{{.CreatedBy}}|{{.Size}}|{{.Comment}}|{{.Tags}}"
    code, out, _err = both(hutch, podman, "history", "--format", fields, "lab:v1")
    assert code == 0 and out.endswith("|2.14 MB|imported from tarball|[]\n")
    stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
    for tool in (hutch, podman):
        base_id = tool("images", "--format", "{{.ID}}", "base").stdout.strip()
        # lab:v1 is newer than base, on the same layer: base's id shows
        assert tool("history", "-q", "lab:v1").stdout == f"{base_id}\n"
        times = tool(
            "history", "--human=false", "--format", "{{.Created}}|{{.CreatedSince}}", "lab:v1"
        )
        created, since = times.stdout.strip().split("|")
        assert stamp.fullmatch(created) and since == created
        listing = tool("history", "--format", "json", "base").stdout
        assert listing.count("\n") == 1 and listing.startswith('[{"id":"')
    # current podman's .CreatedAt (4.3.1 printed Go's time.String)
    assert stamp.fullmatch(hutch("history", "--format", "{{.CreatedAt}}", "base").stdout.strip())


def test_search_flags_as_podman(tools: tuple[Hutch, Run], tmp_path: Path) -> None:
    """search against a loopback registry: --no-trunc, --limit and --list-tags with
    --limit, --filter refused with --list-tags; the same stdout, stderr and exit code."""
    from registry_helpers import running_registry

    hutch, podman = tools
    with running_registry(tmp_path / "registry") as registry:
        for name in ("alpha/app:1", "alpha/app:2", "alpha/app:3", "tools/alphabet:v1"):
            hutch("push", "-q", "--tls-verify=false", "base", registry.ref(name))
        insecure = "--tls-verify=false"
        for args in (
            ("--no-trunc", registry.ref("alpha")),
            ("--limit", "1", registry.ref("alpha")),
            ("--list-tags", "--limit", "2", registry.ref("alpha/app")),
            ("--list-tags", "--no-trunc", registry.ref("alpha/app")),
            ("--list-tags", "--filter", "stars=1", registry.ref("alpha/app")),
            ("--filter", "stars=x", registry.ref("alpha")),
        ):
            code, out, err = both(hutch, podman, "search", insecure, *args)
            assert (code == 0 and out) or (code == 125 and err), args


@pytest.mark.parametrize("change", ["bogus", "FROM=x"])
def test_import_change_refusals(tools: tuple[Hutch, Run], rootfs_tar: Path, change: str) -> None:
    hutch, podman = tools
    code, out, err = both(hutch, podman, "import", "--change", change, str(rootfs_tar), "chg")
    assert code == 125 and out == "" and f'invalid change "{change}" - ' in err


def test_image_tree_names_the_owners_oldest_first(tools: tuple[Hutch, Run]) -> None:
    hutch, podman = tools
    ours, theirs = (tool("image", "tree", "lab:v1").stdout.splitlines() for tool in (hutch, podman))
    assert ours[1] == theirs[1] == "Tags:     [localhost/lab:v1]"
    owners = " Top Layer of: [localhost/base:latest localhost/lab:v1]"
    assert ours[4].endswith(owners) and theirs[4].endswith(owners), (ours, theirs)
