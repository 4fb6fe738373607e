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


def test_attach_to_an_exited_or_missing_container(
    hutch: Hutch, base_image: str, podman: Run
) -> None:
    for run in (hutch, podman):
        run("run", "--name", "done", base_image, "true")
    try:
        refused = "Error: you can only attach to running containers\n"
        assert both(hutch, podman, "attach", "done") == (125, "", refused)
        missing = 'Error: no container with name or ID "nosuch" found: no such container\n'
        assert both(hutch, podman, "attach", "nosuch") == (125, "", missing)
    finally:
        hutch("rm", "-f", "done", check=False)
        podman("rm", "-f", "done")


def test_attach_to_a_paused_container_is_refused(hutch: Hutch, created: tuple[str, str]) -> None:
    # podman refuses every state but running (podman 4.3.1 cannot pause a rootless
    # container on this cgroup v1 host, so hutch alone is run); it used to wait
    hutch("pause", "up")
    try:
        attached = hutch("attach", "up", check=False, timeout=20)
        assert (attached.returncode, attached.stderr) == (
            125,
            "Error: you can only attach to running containers\n",
        )
    finally:
        hutch("unpause", "up")


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


def test_quiet_with_a_format(hutch: Hutch, podman: Run, created: tuple[str, str]) -> None:
    # ps: the format wins; volume ls and pod ps refuse the pair, each in its words
    assert both(hutch, podman, "ps", "-aq", "--sort", "names", "--format", "{{.Names}}") == (
        0,
        "made\nup\n",
        "",
    )
    assert both(hutch, podman, "volume", "ls", "-q", "--format", "{{.Name}}")[0] == 125
    assert both(hutch, podman, "pod", "ps", "-q", "--format", "{{.Name}}")[0] == 125


def test_exec_into_a_stopped_container(hutch: Hutch, podman: Run, created: tuple[str, str]) -> None:
    ours, theirs = hutch("exec", "made", "true", check=False), podman("exec", "made", "true")
    assert (
        ours.stderr
        == theirs.stderr
        == (
            "Error: can only create exec sessions on running containers: container state improper\n"
        )
    )
    # podman 4.3.1 exits 255 there; its man page (and current podman) say 125
    assert (ours.returncode, theirs.returncode) == (125, 255)


def test_a_bad_pull_policy(hutch: Hutch, base_image: str, podman: Run) -> None:
    argv = ("run", "--rm", "--pull=sometimes", base_image, "true")
    assert both(hutch, podman, *argv) == (125, "", 'Error: unsupported pull policy "sometimes"\n')
    assert both(hutch, podman, "run", "--rm", "--pull=IfNotPresent", base_image, "true")[0] == 0


def test_network_names_and_filters(hutch: Hutch, podman: Run) -> None:
    for mode in ("bridge", "host", "none"):
        assert both(hutch, podman, "network", "create", mode) == (
            125,
            "",
            f'Error: cannot create network with name "{mode}" because it conflicts with a '
            "valid network mode\n",
        )
    # a bad filter is refused even with no network of the user's to match
    assert both(hutch, podman, "network", "ls", "--filter", "bogus=1") == (
        125,
        "",
        'Error: invalid filter "bogus"\n',
    )


def test_rm_force_passes_over_a_missing_container(hutch: Hutch, podman: Run) -> None:
    assert both(hutch, podman, "rm", "-f", "nosuch") == (0, "", "")
    assert both(hutch, podman, "rm", "nosuch")[0] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ps", "-a"), "bogus is an invalid filter"),
        (("pod", "ps"), "bogus is an invalid filter"),
        (("container", "prune", "-f"), "bogus is an invalid filter"),
        (("images",), 'unsupported image filter "bogus"'),
        (("image", "prune", "-f"), 'unsupported image filter "bogus"'),
        (("volume", "ls"), '"bogus" is an invalid volume filter'),
        (("volume", "prune", "-f"), '"bogus" is an invalid volume filter'),
    ],
    ids=lambda a: " ".join(a) if isinstance(a, tuple) else "",
)
def test_an_unknown_filter_key(
    hutch: Hutch, podman: Run, args: tuple[str, ...], message: str
) -> None:
    assert both(hutch, podman, *args, "--filter", "bogus=1") == (125, "", f"Error: {message}\n")


def test_a_bad_name(hutch: Hutch, base_image: str, podman: Run) -> None:
    rule = "names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument"
    argv = ("run", "--rm", "--name", "bad/name", base_image, "true")
    assert both(hutch, podman, *argv) == (
        125,
        "",
        f"Error: running container create option: {rule}\n",
    )
    assert both(hutch, podman, "pod", "create", "--name", "bad/name") == (
        125,
        "",
        f"Error: running pod create option: {rule}\n",
    )


def test_bad_environment_flags(hutch: Hutch, base_image: str, podman: Run) -> None:
    argv = ("run", "--rm", "-e", "=x", base_image, "true")
    assert both(hutch, podman, *argv) == (125, "", 'Error: invalid environment variable: "=x"\n')
    argv = ("run", "--rm", "--env-file", "/nonexistent", base_image, "true")
    assert both(hutch, podman, *argv) == (
        125,
        "",
        'Error: parsing env file "/nonexistent": open /nonexistent: no such file or directory\n',
    )


@pytest.mark.parametrize("flag", ["--since", "--until"])
def test_logs_with_a_bad_time(
    hutch: Hutch, podman: Run, created: tuple[str, str], flag: str
) -> None:
    assert both(hutch, podman, "logs", flag, "bogus", "made") == (
        125,
        "",
        f'Error: parsing {flag} "bogus": unable to interpret time value\n',
    )
