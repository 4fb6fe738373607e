"""Differential sweep of what scripts parse (issue 15): inspect templates (the id as
``{{.ID}}``, podman's rewritten names, ``table``, parse errors, ``PortBindings`` as a
map, an image's ``History``, the fields podman leaves out of JSON), ``Config.Cmd`` and
ps's COMMAND after an entrypoint, ``ps --sort``, ``RepoDigests`` and ``network ls``
with one filter key twice, through hutch and Debian's podman 4.3.1 on the same rootfs,
compared by exit code, stdout and stderr where 4.3.1 agrees with current podman."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Hutch
from module_hutch import module_hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture


@pytest.fixture(scope="module")
def hutch(tmp_path_factory: pytest.TempPathFactory, rootfs_tar: Path) -> Iterator[Hutch]:
    """One hutch for the module (the conftest's is per test): each test puts back what
    it changes, and the containers below are made once."""
    yield from module_hutch(tmp_path_factory, "peer-sweep2", rootfs_tar)


@pytest.fixture
def base_image() -> str:
    """The module's hutch imported it (the conftest's would copy a store over it)."""
    return "base"


@pytest.fixture(scope="module", name="pair")
def fixture_pair(
    hutch: Hutch, podman: Run, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, dict[str, str]]]:
    """In both: ``ep`` (created, --entrypoint /bin/sh, a published port, a bind mount),
    ``ex`` (exited 3 after ``sh -c 'exit 3'``), a volume ``sv``, a network ``sn``, a
    pod ``sp`` with ``ep2`` in it; each tool's full ids, by name."""
    base_image = "base"
    shared = tmp_path_factory.mktemp("sweep2") / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    ids: dict[str, dict[str, str]] = {}
    for tool, run in (("hutch", hutch), ("podman", podman)):
        steps = (
            ("create", "--name", "ep", "--entrypoint", "/bin/sh", "-p", "127.0.0.1:18395:80",
             "-v", f"{shared}:/shared:ro", base_image, "-c", "echo hi"),
            ("run", "--name", "ex", base_image, "sh", "-c", "exit 3"),
            ("volume", "create", "sv"),
            ("network", "create", "sn"),
            ("pod", "create", "--name", "sp", "--infra=false"),
            ("create", "--name", "ep2", "--pod", "sp", base_image, "true"),
        )  # fmt: skip
        for args in steps:
            got = run(*args) if run is podman else run(*args, check=False)
            assert got.returncode in (0, 3), (tool, args, got.stderr)
        ids[tool] = {
            name: run("inspect", "--format", "{{.Id}}", name).stdout.strip()
            for name in ("ep", "ex", "sp", "ep2")
        }
        ids[tool]["base"] = run(
            "image", "inspect", "--format", "{{.Id}}", base_image
        ).stdout.strip()
    yield ids
    for args in (
        ("rm", "-f", "-t", "0", "ep", "ex", "ep2"),
        ("pod", "rm", "-f", "sp"),
        ("volume", "rm", "-f", "sv"),
        ("network", "rm", "-f", "sn"),
    ):
        hutch(*args, check=False)
        podman(*args)


def test_cmd_is_what_follows_the_entrypoint(
    hutch: Hutch, podman: Run, pair: dict[str, dict[str, str]]
) -> None:
    template = "{{.Config.Cmd}} {{json .Config.Cmd}} {{.Path}} {{.Args}} {{.Config.Entrypoint}}"
    # (current podman's Entrypoint is a list, 4.3.1's a string: not compared)
    code, out, _ = both(hutch, podman, "inspect", "--format", template.rsplit(" ", 1)[0], "ep")
    assert (code, out) == (0, '[-c echo hi] ["-c","echo hi"] /bin/sh [-c echo hi]\n')
    # ps's COMMAND: the Cmd joined by blanks, unquoted; its JSON the Cmd as a list
    assert both(
        hutch, podman, "ps", "-a", "--sort", "names", "--filter", "name=^e", "--format",
        "{{.Names}} {{.Command}}",
    ) == (0, "ep -c echo hi\nep2 true\nex sh -c exit 3\n", "")  # fmt: skip
    for tool, run in (("hutch", hutch), ("podman", podman)):
        listed = json.loads(run("ps", "-a", "--filter", "name=^ex$", "--format", "json").stdout)
        assert listed[0]["Command"] == ["sh", "-c", "exit 3"], tool


def test_ps_sort_keys_as_podman(hutch: Hutch, podman: Run, pair: dict[str, dict[str, str]]) -> None:
    for key in ("command", "runningfor", "size", "names"):
        code, out, _ = both(hutch, podman, "ps", "-a", "--sort", key, "--format", "{{.Names}}")
        assert code == 0 and sorted(out.split()) == ["ep", "ep2", "ex"], key
    # hutch prints no "See 'podman ps --help'" line after a flag's error
    ours = hutch("ps", "--sort", "bogus", check=False)
    theirs = podman("ps", "--sort", "bogus")
    assert ours.returncode == theirs.returncode == 125
    assert (
        ours.stderr
        == theirs.stderr.splitlines(True)[0]
        == (
            'Error: invalid argument "bogus" for "--sort" flag: "bogus" is not a valid value.  '
            'Choose from: "command, created, id, image, names, runningfor, size, status"\n'
        )
    )


def test_inspect_rewrites_as_podmans(
    hutch: Hutch, podman: Run, pair: dict[str, dict[str, str]]
) -> None:
    for tool, run in (("hutch", hutch), ("podman", podman)):
        mine = pair[tool]
        image = run("inspect", "--format", "{{.Image}}", "ep").stdout
        cases = {
            # {{.Id}} alone is the Go field ID; .ImageID a container's .Image
            ("inspect", "--format", "{{.ID}} {{ .Id }}", "ep"): f"{mine['ep']} {mine['ep']}\n",
            ("container", "inspect", "--format", "{{.ImageID}}", "ep"): image,
            ("image", "inspect", "--format", "{{.ID}}", "base"): f"{mine['base']}\n",
            ("pod", "inspect", "--format", "{{.ID}} {{range .Containers}}{{.Id}}{{end}}", "sp"): (
                f"{mine['sp']} {mine['ep2']}\n"
            ),
        }
        for args, out in cases.items():
            got = run(*args)
            assert (got.returncode, got.stdout, got.stderr) == (0, out, ""), (tool, args)
    # a mount's docker-era names; "table" aligns, with no header row
    assert both(
        hutch, podman, "inspect", "--format", "{{range .Mounts}}{{.Dst}} {{.RW}}{{end}}", "ep"
    ) == (0, "/shared false\n", "")
    assert both(
        hutch, podman, "inspect", "--format", "table {{.Name}}\t{{.State.Status}}", "ep", "ex"
    ) == (0, "ep          created\nex          exited\n", "")


def test_a_format_that_does_not_parse_is_the_only_error(
    hutch: Hutch, podman: Run, pair: dict[str, dict[str, str]]
) -> None:
    # every inspecting verb in one test over one pair (a test each made the pair anew)
    for verb, name in (
        (("container", "inspect"), "ep"),
        (("image", "inspect"), "base"),
        (("volume", "inspect"), "sv"),
        (("network", "inspect"), "sn"),
        (("pod", "inspect"), "sp"),
        (("inspect",), "ep"),
    ):
        for fmt, words in (
            ("{{nosuch .}}", 'function "nosuch" not defined'),
            ("{{.Name}", "bad character U+007D '}'"),
        ):
            assert both(hutch, podman, *verb, "--format", fmt, name) == (
                125,
                "",
                f"Error: template: inspect:1: {words}\n",
            ), verb


def test_port_bindings_history_and_left_out_fields(
    hutch: Hutch, podman: Run, base_image: str, pair: dict[str, dict[str, str]]
) -> None:
    bindings = (
        "{{range $p, $c := .HostConfig.PortBindings}}{{$p}} {{(index $c 0).HostIP}}:"
        "{{(index $c 0).HostPort}}{{end}} {{.HostConfig.PortBindings}} "
        "{{len .HostConfig.PortBindings}}"
    )
    assert both(hutch, podman, "inspect", "--format", bindings, "ep") == (
        0,
        "80/tcp 127.0.0.1:18395 map[80/tcp:[{127.0.0.1 18395}]] 1\n",
        "",
    )
    assert both(hutch, podman, "inspect", "--format", "{{.HostConfig.PortBindings}}", "ex") == (
        0,
        "map[]\n",
        "",
    )
    # an image's history entries are structs with Go's field names
    history = "{{range .History}}{{.CreatedBy}}|{{.EmptyLayer}}|{{.Author}}|{{end}}"
    code, out, _ = both(hutch, podman, "image", "inspect", "--format", history, base_image)
    assert code == 0 and out.startswith("/bin/sh -c #(nop) ADD file:"), out
    # fields podman's JSON leaves out when empty are there for a template
    left_out = (
        "{{.HostConfig.Init}} {{.Config.Timezone}}|{{.Config.SystemdMode}} {{.Config.Secrets}} "
        "{{.Config.ChrootDirs}} {{.SizeRw}} {{.SizeRootFs}}"
    )
    assert both(hutch, podman, "inspect", "--format", left_out, "ex") == (
        0,
        "false |false [] [] <nil> 0\n",
        "",
    )
    assert both(hutch, podman, "inspect", "--format", "{{.Config.Healthcheck}}", "ex") == (
        0,
        "<nil>\n",
        "",
    )
    assert both(hutch, podman, "pod", "inspect", "--format", "{{.Namespace}}|", "sp") == (
        0,
        "|\n",
        "",
    )


def test_repo_digests_and_network_filters(
    hutch: Hutch, podman: Run, base_image: str, pair: dict[str, dict[str, str]]
) -> None:
    for run in (hutch, podman):
        assert run("tag", base_image, "localhost/base:sweep2").returncode == 0
    try:
        # two tags of one repository: one repository@digest
        assert both(
            hutch, podman, "image", "inspect", "--format", "{{len .RepoDigests}}", base_image
        ) == (0, "1\n", "")
        assert both(
            hutch, podman, "images", "--filter", "reference=localhost/base", "--format",
            "{{.Tag}} {{len .RepoDigests}}",
        ) == (0, "latest 1\nsweep2 1\n", "")  # fmt: skip
    finally:
        hutch("untag", base_image, "localhost/base:sweep2", check=False)
        podman("untag", base_image, "localhost/base:sweep2")
    # one key twice: either value
    assert both(
        hutch, podman, "network", "ls", "--filter", "name=^sn$", "--filter", "name=^podman$",
        "--format", "{{.Name}}",
    ) == (0, "podman\nsn\n", "")  # fmt: skip


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ("network", "create", "bad/net"),
            "network name bad/net invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: "
            "invalid argument",
        ),
        (
            ("network", "create", "--driver", "bogus", "nb"),
            "unsupported driver bogus: invalid argument",
        ),
        (("network", "create", "--subnet", "bogus", "nb"), "invalid CIDR address: bogus"),
        (
            ("volume", "create", "bad/vol"),
            "running volume create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: "
            "invalid argument",
        ),
        (
            ("volume", "create", "-o", "bogus=1", "vb"),
            "invalid mount option bogus for driver 'local': invalid argument",
        ),
        (
            ("volume", "ls", "--filter", "dangling=maybe"),
            '"maybe" is not a valid value for the "dangling" filter - must be true or false',
        ),
        (("pod", "ps", "--filter", "status=bogus"), "bogus is not a valid pod status"),
        (("volume", "export", "nosuch"), "no such volume nosuch"),
        (
            ("create", "--volumes-from", "nosuch", "base", "true"),
            'looking up container "nosuch" for volumes-from: no container with name or ID '
            '"nosuch" found: no such container',
        ),
        (
            ("pod", "create", "--name", "px", "--infra=false", "--share", "net"),
            "cannot set share(net) namespaces without an infra container",
        ),
    ],
    ids=" ".join,
)
def test_refusals_in_podmans_words(
    hutch: Hutch, podman: Run, base_image: str, args: tuple[str, ...], words: str
) -> None:
    assert both(hutch, podman, *args) == (125, "", f"Error: {words}\n")


def test_network_ls_no_trunc_template_has_the_whole_id(
    hutch: Hutch, podman: Run, pair: dict[str, dict[str, str]]
) -> None:
    for tool, run in (("hutch", hutch), ("podman", podman)):
        whole = run("network", "inspect", "--format", "{{.Id}}", "sn").stdout
        for flags, out in ((("--no-trunc",), whole), ((), whole[:12] + "\n")):
            got = run("network", "ls", *flags, "--filter", "name=^sn$", "--format", "{{.ID}}")
            assert (got.returncode, got.stdout) == (0, out), (tool, flags)


def test_a_container_has_its_images_labels(
    hutch: Hutch, podman: Run, base_image: str, rootfs_tar: Path
) -> None:
    """podman gives a container its image's labels under its own --label values:
    inspect's .Config.Labels, ps's .Labels and ps --filter label= see them."""
    for run in (hutch, podman):
        made = run(
            "import", "-q", "-c", "LABEL k=v", "-c", "LABEL own=image", str(rootfs_tar), "lbl"
        )
        assert made.returncode == 0, made.stderr
        assert run("create", "--name", "lb", "-l", "own=1", "lbl", "true").returncode == 0
    try:
        assert both(hutch, podman, "inspect", "--format", "{{json .Config.Labels}}", "lb") == (
            0,
            '{"k":"v","own":"1"}\n',
            "",
        )
        assert both(
            hutch, podman, "ps", "-a", "--filter", "label=k=v", "--format", "{{.Names}} {{.Labels}}"
        ) == (0, "lb map[k:v own:1]\n", "")
    finally:
        for run in (hutch, podman):
            run("rm", "-f", "lb")
            run("rmi", "-f", "lbl")


def test_ps_times_of_a_container_never_started(
    hutch: Hutch, podman: Run, pair: dict[str, dict[str, str]]
) -> None:
    """Go's zero time in Unix seconds, as podman's ExitedAt and StartedAt."""
    zero = -62135596800
    assert both(
        hutch,
        podman,
        "ps",
        "-a",
        "--filter",
        "name=^ep$",
        "--format",
        "{{.ExitedAt}} {{.StartedAt}}",
    ) == (0, f"{zero} {zero}\n", "")
    for tool, run in (("hutch", hutch), ("podman", podman)):
        (listed,) = json.loads(run("ps", "-a", "--filter", "name=^ep$", "--format", "json").stdout)
        assert (listed["ExitedAt"], listed["StartedAt"]) == (zero, zero), tool


def test_ps_size_as_podman(hutch: Hutch, podman: Run, pair: dict[str, dict[str, str]]) -> None:
    """--size: the writable layer, then the whole root filesystem ("virtual")."""
    assert both(
        hutch, podman, "ps", "-a", "-s", "--filter", "name=^ex$", "--format", "{{.Size}}"
    ) == (0, "12B (virtual 1.99MB)\n", "")
    for tool, run in (("hutch", hutch), ("podman", podman)):
        (listed,) = json.loads(
            run("ps", "-a", "-s", "--filter", "name=^ex$", "--format", "json").stdout
        )
        assert list(listed["Size"]) == ["rootFsSize", "rwSize"], tool
        assert listed["Size"]["rootFsSize"] > listed["Size"]["rwSize"] == 12, tool


def test_capabilities_by_name(hutch: Hutch, podman: Run, pair: dict[str, dict[str, str]]) -> None:
    """podman lists a container's capabilities in their names' order."""
    code, out, _ = both(
        hutch, podman, "inspect", "--format", "{{.EffectiveCaps}}|{{.BoundingCaps}}", "ex"
    )
    effective = out.strip().split("|")[0].strip("[]").split()
    assert code == 0 and effective == sorted(effective) and "CAP_CHOWN" in effective


def test_an_images_absent_commands_are_nil(hutch: Hutch, podman: Run, base_image: str) -> None:
    """An image without CMD, ENTRYPOINT or ENV: [] to a template, null to json."""
    template = (
        "{{json .Config.Cmd}} {{.Config.Cmd}} {{json .Config.Entrypoint}} {{len .Config.Env}}"
    )
    assert both(hutch, podman, "image", "inspect", "--format", template, base_image) == (
        0,
        "null [] null 0\n",
        "",
    )
