"""Differential: --health-cmd as podman records it (inspect's .Config.Healthcheck) and
runs it (issue 15): a plain string is ["CMD-SHELL", STRING] run by /bin/sh -c, a
JSON array of two or more words is ["CMD", ...], one word ["CMD-SHELL", WORD].

podman 4.3.1 records a JSON array that starts with CMD or NONE as the one string it
was typed as (and then runs nothing); hutch keeps the array, as current podman's man
page reads: that form is checked in hutch alone."""

from __future__ import annotations

import json
from functools import partial

import pytest
from harness import Hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture

SHAPE = ("inspect", "--format", "{{json .Config.Healthcheck}}", "hcp")


@pytest.mark.parametrize(
    "flags",
    [("--health-cmd", "true"),
     ("--health-cmd", 'echo $0 "$@"'),
     ("--health-cmd", '["/bin/true"]'),
     ("--health-cmd", '["/bin/sh", "-c", "exit 0"]'),
     ("--health-cmd", '["CMD-SHELL", "echo hi; true"]'),
     ("--health-cmd", "CMD /bin/true x"),
     ("--health-cmd", "[oops"),
     ("--health-cmd", "none", "--health-interval", "5s", "--health-retries", "7"),
     ("--no-healthcheck",)],
    ids=["plain", "shell-words", "one-word-array", "array", "cmd-shell-array", "cmd-words",
         "not-json", "none", "no-healthcheck"],
)  # fmt: skip
def test_the_recorded_check_is_podmans(
    hutch: Hutch, base_image: str, podman: Run, flags: tuple[str, ...]
) -> None:
    for tool in (partial(hutch, check=False), podman):
        made = tool("create", "--name", "hcp", *flags, "base", "sleep", "60")
        assert made.returncode == 0, made
    try:
        both(hutch, podman, *SHAPE)
    finally:
        for tool in (hutch, podman):
            tool("rm", "-f", "hcp")


def test_an_empty_array_is_refused_in_podmans_words(
    hutch: Hutch, base_image: str, podman: Run
) -> None:
    refused = both(hutch, podman, "create", "--health-cmd", "[]", "base", "true")
    assert refused[::2] == (125, "Error: must define a healthcheck command for all healthchecks\n")


def test_the_shell_form_runs_through_bin_sh(hutch: Hutch, base_image: str, podman: Run) -> None:
    """healthcheck run of ["CMD-SHELL", ...]: /bin/sh -c, $0 is /bin/sh (4.3.1)."""
    for tool in (hutch, podman):
        ran = tool("run", "-d", "--name", "hcp", "--health-cmd", "echo $0 > /tmp/zero",
                   "--health-interval", "0", "base", "sleep", "60")  # fmt: skip
        assert ran.returncode == 0, ran
    try:
        both(hutch, podman, "healthcheck", "run", "hcp")
        both(hutch, podman, "exec", "hcp", "cat", "/tmp/zero")
        assert hutch("exec", "hcp", "cat", "/tmp/zero").stdout == "/bin/sh\n"
    finally:
        for tool in (hutch, podman):
            tool("rm", "-f", "-t", "0", "hcp")


def test_a_cmd_array_is_kept_and_run_as_an_argv(hutch: Hutch, base_image: str) -> None:
    """["CMD", ...] as typed (hutch alone: 4.3.1 records it as one string)."""
    hutch("run", "-d", "--name", "hcp", "--health-cmd", '["CMD", "sh", "-c", "echo $0 > /z"]',
          "--health-interval", "0", "base", "sleep", "60")  # fmt: skip
    shape = json.loads(hutch(*SHAPE).stdout)
    assert shape["Test"] == ["CMD", "sh", "-c", "echo $0 > /z"]
    assert hutch("healthcheck", "run", "hcp").returncode == 0  # healthy (as podman: no word)
    assert hutch("exec", "hcp", "cat", "/z").stdout == "sh\n"  # no /bin/sh -c around it
    hutch("rm", "-f", "-t", "0", "hcp")
