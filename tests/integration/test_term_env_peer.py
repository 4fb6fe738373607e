"""Differential, through hutch and Debian's podman 4.3.1 (issue 15): TERM=xterm is in
every container's environment, with a terminal or not, in ``run`` and in ``exec``
(podman's containers.conf default environment); --unsetenv removes it; commit leaves it
out of the image (podman 4.3.1 keeps it there: a documented difference)."""

from __future__ import annotations

import pytest
from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture

TERM = ("sh", "-c", "echo ${TERM-unset}")


@pytest.mark.parametrize(
    # (not --unsetenv-all: podman's container then has no PATH to find sh by)
    "flags",
    [(), ("-e", "TERM=dumb"), ("--unsetenv", "TERM")],
    ids=str,
)
def test_run_has_term_as_podman(
    hutch: Hutch, base_image: str, podman: Run, flags: tuple[str, ...]
) -> None:
    mine = hutch("run", "--rm", *flags, base_image, *TERM)
    theirs = podman("run", "--rm", *flags, "base", *TERM)
    assert mine.stdout == theirs.stdout
    assert mine.stdout == {(): "xterm\n", ("-e", "TERM=dumb"): "dumb\n"}.get(flags, "unset\n")


def test_exec_has_term_and_commit_leaves_it_out(hutch: Hutch, base_image: str, podman: Run) -> None:
    hutch("run", "-d", "--name", "termy", base_image, "sleep", "60")
    podman("run", "-d", "--name", "termy", "base", "sleep", "60")
    try:
        assert hutch("exec", "termy", *TERM).stdout == podman("exec", "termy", *TERM).stdout
        assert hutch("exec", "termy", *TERM).stdout == "xterm\n"
        hutch("commit", "-q", "termy", "termy-image")
        env = hutch("image", "inspect", "--format", "{{.Config.Env}}", "termy-image").stdout
        assert "TERM" not in env
    finally:
        hutch("rm", "-f", "-t", "0", "termy")
        hutch("rmi", "termy-image", check=False)
        podman("rm", "-f", "-t", "0", "termy")
