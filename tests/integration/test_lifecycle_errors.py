"""Bad input to the life-cycle commands: one line on stderr, podman's exit codes,
and nothing created."""

from __future__ import annotations

import pytest
from harness import Hutch
from lifecycle_basics import (
    no_default_network,  # noqa: F401 - autouse fixture
    one_line_error,
)

UNKNOWN = [
    ("start", "nope"),
    ("start", "-a", "nope"),
    ("stop", "nope"),
    ("restart", "nope"),
    ("kill", "nope"),
    ("wait", "nope"),
    ("logs", "nope"),
    ("inspect", "nope"),
    ("container", "inspect", "nope"),
]


@pytest.mark.parametrize("argv", UNKNOWN, ids=[" ".join(a) for a in UNKNOWN])
def test_unknown_container_is_125_and_one_line(
    hutch: Hutch, base_image: str, argv: tuple[str, ...]
) -> None:
    result = hutch(*argv, check=False)
    assert result.returncode == 125, result.stderr
    assert "nope" in one_line_error(result.stderr)
    # podman's inspect prints what it found, an empty list here, before its error
    assert result.stdout == ("[]\n" if "inspect" in argv else "")


def test_rm_of_an_unknown_container_is_1(hutch: Hutch, base_image: str) -> None:
    """podman rm: 1 when a container does not exist and nothing else failed."""
    result = hutch("rm", "nope", check=False)
    assert result.returncode == 1
    assert "no such container" in one_line_error(result.stderr)
    assert hutch("rm", "-i", "nope").stdout == ""


def test_an_unknown_name_stops_the_verb_before_it_acts(hutch: Hutch, base_image: str) -> None:
    # podman resolves every name first: with one unknown, it stops none
    hutch("run", "-d", "--name", "real", base_image, "sleep", "1000")
    result = hutch("stop", "-t", "0", "nope", "real", check=False)
    assert result.returncode == 125
    assert result.stdout == ""
    assert "nope" in one_line_error(result.stderr)
    assert hutch("inspect", "-f", "{{.State.Status}}", "real").stdout == "running\n"


def test_start_attach_of_a_running_container(hutch: Hutch, base_image: str) -> None:
    # current podman's: attached to it, exit 0 when it ends (not its own status)
    hutch("run", "-d", "--name", "busy", base_image, "sh", "-c", "sleep 2; echo late; exit 3")
    result = hutch("start", "-a", "busy", check=False)
    assert (result.returncode, result.stdout, result.stderr) == (0, "late\n", "")
    # Without -a it is not an error: nothing to do, and no line for it (podman's).
    hutch("start", "busy")  # stopped by now: started again
    assert hutch("start", "busy").stdout == ""


def test_kill_of_a_stopped_container(hutch: Hutch, base_image: str) -> None:
    hutch("create", "--name", "idle", base_image, "true")
    result = hutch("kill", "idle", check=False)
    assert result.returncode == 125
    assert "container state improper" in one_line_error(result.stderr)


BAD_RUN = [
    (("--restart", "sometimes"), "restart policy"),
    (("--restart", "on-failure:x"), "restart policy"),
    (("--restart", "always:3"), "restart policy"),
    (("--stop-signal", "SIGNOPE"), "signal"),
    (("--stop-timeout", "abc"), "stop-timeout"),
    (("--name", "-bad"), ""),
    (("--name", "bad/name"), "name"),
    (("--network", "bridge-of-nowhere"), "network"),
    (("-d", "--rm", "--restart", "always"), "--restart"),
]


@pytest.mark.parametrize("verb", ["run", "create"])
@pytest.mark.parametrize("flags,needle", BAD_RUN, ids=[" ".join(f) for f, _ in BAD_RUN])
def test_bad_run_options_create_nothing(
    hutch: Hutch, base_image: str, verb: str, flags: tuple[str, ...], needle: str
) -> None:
    if verb == "create" and "-d" in flags:
        flags = tuple(f for f in flags if f != "-d")
    result = hutch(verb, *flags, base_image, "true", check=False)
    assert result.returncode == 125, result.stderr
    line = one_line_error(result.stderr)
    assert needle in line
    assert hutch("ps", "-aq").stdout == ""


BAD_TIMES = [
    ("logs", "--since", "5x"),
    ("logs", "--until", "yesterday"),
    ("stop", "-t", "1.5"),  # -1 waits for ever (current podman)
    ("stop", "-t", "soon"),
    ("wait", "--condition", "sleepy"),
    ("kill", "-s", "NOTASIGNAL"),
    ("kill", "-s", "99"),
    ("inspect", "--type", "volume"),
]


@pytest.mark.parametrize("argv", BAD_TIMES, ids=[" ".join(a) for a in BAD_TIMES])
def test_bad_values_are_125_and_one_line(
    hutch: Hutch, base_image: str, argv: tuple[str, ...]
) -> None:
    hutch("run", "-d", "--name", "target", base_image, "sleep", "1000")
    result = hutch(*argv, "target", check=False)
    assert result.returncode == 125, result.stderr
    one_line_error(result.stderr)
    assert hutch("inspect", "-f", "{{.State.Status}}", "target").stdout == "running\n"


def test_missing_names(hutch: Hutch, base_image: str) -> None:
    for verb in ("stop", "kill", "rm", "restart"):
        result = hutch(verb, check=False)
        assert result.returncode == 125
        # podman's words
        assert one_line_error(result.stderr) == "Error: you must provide at least one name or id"


def test_bad_template_is_one_line(hutch: Hutch, base_image: str) -> None:
    hutch("create", "--name", "c", base_image, "true")
    for argv in (("ps", "-a", "--format", "{{.Nope}}"), ("inspect", "-f", "{{.Nope}}", "c")):
        result = hutch(*argv, check=False)
        assert result.returncode == 125
        assert "Nope" in one_line_error(result.stderr)
