"""Differential: a verb on many containers (or pods) given a missing name among existing
ones, through hutch and Debian's podman 4.3.1. podman resolves every name first: with
one missing it acts on none and prints only the first missing name's error. Both
must agree on exit code, stdout and stderr, and leave the existing objects as they were
(each tool compared with itself: the two print states in their own words)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Hutch
from module_hutch import module_hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture

STATE = ("inspect", "--format", "{{.State.Status}} {{.State.StartedAt}}")


def _three(hutch: Hutch, podman: Run) -> Iterator[tuple[Hutch, Run]]:
    """In both: c1 created, r1 running, x1 exited."""
    # podman's store is the module's: the module-wide three (their tests come first in
    # the file) go before a test of its own makes them anew
    assert podman("rm", "-a", "-f", "-t0").returncode == 0
    for argv in (
        ("create", "--name", "c1", "base", "sleep", "1000"),
        ("run", "-d", "--name", "r1", "base", "sleep", "1000"),
        ("run", "--name", "x1", "base", "true"),
    ):
        hutch(*argv)
        assert podman(*argv).returncode == 0, argv
    yield hutch, podman
    # not compared: podman's rm -f prints the names in the order its removals end
    hutch("rm", "-a", "-f", "-t0")
    assert podman("rm", "-a", "-f", "-t0").returncode == 0


@pytest.fixture(name="tools")
def fixture_tools(hutch: Hutch, base_image: str, podman: Run) -> Iterator[tuple[Hutch, Run]]:
    """The three containers, for a test that changes them."""
    yield from _three(hutch, podman)


@pytest.fixture(scope="module", name="shared_tools")
def fixture_shared_tools(
    tmp_path_factory: pytest.TempPathFactory, rootfs_tar: Path, podman: Run
) -> Iterator[tuple[Hutch, Run]]:
    """The three containers once for the tests that assert they leave them as they were."""
    for hutch in module_hutch(tmp_path_factory, "peer-names", rootfs_tar):
        yield from _three(hutch, podman)


def _states(hutch: Hutch, podman: Run, *names: str) -> tuple[str, str]:
    ours = hutch(*STATE, *names).stdout
    theirs = podman(*STATE, *names)
    assert theirs.returncode == 0, theirs.stderr
    return ours, theirs.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("rm", "c1", "nosuch"),
        ("rm", "nosuch1", "nosuch2"),
        ("start", "c1", "nosuch"),
        ("start", "nosuch1", "c1", "nosuch2"),
        ("stop", "-t0", "r1", "nosuch"),
        ("stop", "nosuch1", "nosuch2"),
        ("kill", "r1", "nosuch"),
        ("restart", "-t0", "r1", "nosuch"),
        ("pause", "r1", "nosuch"),
        ("wait", "x1", "nosuch"),
        ("wait", "nosuch", "x1"),
        ("init", "c1", "nosuch"),
        ("container", "rm", "x1", "nosuch"),
    ],
    ids=" ".join,
)
def test_a_missing_name_acts_on_none(
    shared_tools: tuple[Hutch, Run], args: tuple[str, ...]
) -> None:
    hutch, podman = shared_tools
    before = _states(hutch, podman, "c1", "r1", "x1")
    code, out, err = both(hutch, podman, *args)
    assert code != 0 and out == ""
    assert err.count("Error:") == 1 and "no such container" in err
    assert _states(hutch, podman, "c1", "r1", "x1") == before


@pytest.mark.parametrize(
    ("args", "out"),
    [
        (("rm", "-i", "x1", "nosuch"), "x1\n"),
        (("stop", "-i", "-t0", "r1", "nosuch"), "r1\n"),
        (("rm", "--ignore", "nosuch1", "nosuch2"), ""),
        # podman: --force drops a missing name's error; a name given still stops it all
        (("rm", "-f", "x1", "nosuch"), ""),
        (("rm", "-f", "nosuch"), ""),
    ],
    ids=lambda a: " ".join(a) if isinstance(a, tuple) else None,
)
def test_ignore_skips_the_missing_names_and_acts_on_the_others(
    tools: tuple[Hutch, Run], args: tuple[str, ...], out: str
) -> None:
    hutch, podman = tools
    assert both(hutch, podman, *args) == (0, out, "")
    if "-f" in args:
        assert _states(hutch, podman, "x1")[0].startswith("exited")


# -- pods --------------------------------------------------------------------------

POD_STATE = ("pod", "inspect", "--format", "{{.State}}")
FULL_ID = re.compile(r"[0-9a-f]{64}\n")


@pytest.fixture(name="pod_tools")
def fixture_pod_tools(hutch: Hutch, podman: Run) -> Iterator[tuple[Hutch, Run]]:
    """In both: pod p1, created, with no members but its infra."""
    hutch("pod", "create", "--name", "p1")
    assert podman("pod", "create", "--name", "p1").returncode == 0
    yield hutch, podman
    hutch("pod", "rm", "-f", "-i", "p1")
    podman("pod", "rm", "-f", "-i", "p1")


def _pod_states(hutch: Hutch, podman: Run) -> tuple[str, str]:
    theirs = podman(*POD_STATE, "p1")
    assert theirs.returncode == 0, theirs.stderr
    return hutch(*POD_STATE, "p1").stdout, theirs.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("pod", "rm", "p1", "nosuch"),
        ("pod", "rm", "nosuch1", "nosuch2"),
        ("pod", "start", "p1", "nosuch"),
        ("pod", "stop", "-t0", "p1", "nosuch"),
        ("pod", "kill", "p1", "nosuch"),
        ("pod", "restart", "p1", "nosuch"),
        ("pod", "pause", "p1", "nosuch"),
        ("pod", "unpause", "p1", "nosuch"),
    ],
    ids=" ".join,
)
def test_a_missing_pod_acts_on_none(pod_tools: tuple[Hutch, Run], args: tuple[str, ...]) -> None:
    hutch, podman = pod_tools
    before = _pod_states(hutch, podman)
    code, out, err = both(hutch, podman, *args)
    assert code != 0 and out == ""
    assert err.count("Error:") == 1 and "no such pod" in err
    assert _pod_states(hutch, podman) == before


def test_pod_rm_force_with_a_missing_name_removes_none(pod_tools: tuple[Hutch, Run]) -> None:
    hutch, podman = pod_tools
    assert both(hutch, podman, "pod", "rm", "-f", "p1", "nosuch") == (0, "", "")
    assert hutch("pod", "exists", "p1", check=False).returncode == 0
    assert podman("pod", "exists", "p1").returncode == 0


def test_pod_rm_ignore_removes_the_others(pod_tools: tuple[Hutch, Run]) -> None:
    hutch, podman = pod_tools
    ours = hutch("pod", "rm", "-i", "p1", "nosuch")
    theirs = podman("pod", "rm", "-i", "p1", "nosuch")
    # each prints the full id of its own pod
    assert (ours.returncode, ours.stderr) == (theirs.returncode, theirs.stderr) == (0, "")
    assert FULL_ID.fullmatch(ours.stdout) and FULL_ID.fullmatch(theirs.stdout)
    assert hutch("pod", "exists", "p1", check=False).returncode == 1
    assert podman("pod", "exists", "p1").returncode == 1


# -- stdout before stderr on one pipe ----------------------------------------------


def test_volume_rm_prints_the_removed_name_before_the_error(hutch: Hutch, podman: Run) -> None:
    """Both streams on one pipe: podman writes v1 before the error for v2."""
    hutch("volume", "create", "v1")
    assert podman("volume", "create", "v1").returncode == 0
    theirs = podman("volume", "rm", "v1", "v2")
    assert theirs.returncode == 1 and theirs.stdout == "v1\n"
    merged = subprocess.run(
        [str(hutch.binary), "volume", "rm", "v1", "v2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        env=hutch.env.environ(),
        timeout=60,
        check=False,
    )
    assert (merged.returncode, merged.stdout) == (1, theirs.stdout + theirs.stderr)


def test_pod_create_takes_its_name_as_an_argument(hutch: Hutch, podman: Run) -> None:
    """podman's ``pod create [options] [NAME]``; with --name too, or two names, refused."""
    for tool in (hutch, podman):
        assert tool("pod", "create", "--infra=false", "byarg").returncode == 0
    assert both(hutch, podman, "pod", "ps", "--format", "{{.Name}}")[1] == "byarg\n"
    assert both(hutch, podman, "pod", "create", "--name", "a", "b")[0] == 125
    assert both(hutch, podman, "pod", "create", "a", "b")[0] == 125
    for tool in (hutch, podman):
        tool("pod", "rm", "byarg")
