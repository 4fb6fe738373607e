"""Differential: the error cases a podman user meets (a container in the wrong state,
a taken name, conflicting flags, missing objects), through hutch and Debian's podman
4.3.1 on the same rootfs, compared by exit code, stdout and stderr (issue 15)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from harness import Hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture


@pytest.fixture(name="created")
def fixture_created(hutch: Hutch, base_image: str, podman: Run) -> Iterator[tuple[str, str]]:
    """A created container ``made`` and a running one ``up`` in both; their ids."""
    ids = []
    for run in (hutch, podman):
        made = run("create", "--name", "made", base_image, "sleep", "100").stdout.strip()
        run("run", "-d", "--name", "up", base_image, "sleep", "100")
        ids.append(made)
    yield ids[0], ids[1]
    hutch("rm", "-f", "-t", "0", "made", "up", check=False)
    podman("rm", "-f", "-t", "0", "made", "up")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("attach", "made"), "Error: you can only attach to running containers\n"),
        (("top", "made"), "Error: top can only be used on running containers\n"),
        (
            ("pause", "made"),
            'Error: "created" is not running, can\'t pause: container state improper\n',
        ),
    ],
    ids=lambda a: " ".join(a) if isinstance(a, tuple) else "",
)
def test_a_container_in_the_wrong_state(
    hutch: Hutch, podman: Run, created: tuple[str, str], args: tuple[str, ...], message: str
) -> None:
    assert both(hutch, podman, *args) == (125, "", message)


def test_kill_and_rename_name_the_full_id(
    hutch: Hutch, podman: Run, created: tuple[str, str]
) -> None:
    runs = {"hutch": hutch("kill", "made", check=False), "podman": podman("kill", "made")}
    for (tool, killed), cid in zip(runs.items(), created, strict=True):
        assert (killed.returncode, killed.stderr) == (
            125,
            f"Error: can only kill running containers. {cid} is in state created: "
            "container state improper\n",
        ), tool
    ids = (
        hutch("inspect", "--format", "{{.Id}}", "up").stdout.strip(),
        podman("inspect", "--format", "{{.Id}}", "up").stdout.strip(),
    )
    runs = {
        "hutch": hutch("rename", "up", "made", check=False),
        "podman": podman("rename", "up", "made"),
    }
    for (tool, renamed), cid in zip(runs.items(), ids, strict=True):
        assert (renamed.returncode, renamed.stderr) == (
            125,
            f"Error: renaming container {cid}: name made already in use, cannot rename "
            f"container {cid}: container already exists\n",
        ), tool


@pytest.mark.parametrize("policy", ["always", "on-failure:3", "bogus"])
def test_rm_conflicts_with_a_restart_policy(
    hutch: Hutch, base_image: str, podman: Run, policy: str
) -> None:
    message = (
        'Error: the --rm option conflicts with --restart, when the restartPolicy is not "" '
        'and "no"\n'
    )
    argv = ("run", "--rm", f"--restart={policy}", base_image, "true")
    assert both(hutch, podman, *argv) == (125, "", message)
    for allowed in ("no", "on-failure"):  # podman's check lets a bare on-failure by
        argv = ("run", "--rm", f"--restart={allowed}", base_image, "true")
        assert both(hutch, podman, *argv)[0] == 0


def test_missing_objects(hutch: Hutch, podman: Run) -> None:
    # volume rm -f passes over a missing volume; commit and healthcheck say nothing else
    assert both(hutch, podman, "volume", "rm", "-f", "nosuch") == (0, "", "")
    missing = 'no container with name or ID "nosuch" found: no such container'
    assert both(hutch, podman, "commit", "nosuch", "img") == (125, "", f"Error: {missing}\n")
    assert both(hutch, podman, "healthcheck", "run", "nosuch") == (
        125,
        "",
        f"Error: unable to look up nosuch to perform a health check: {missing}\n",
    )
