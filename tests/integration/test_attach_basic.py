"""``hutch attach``: output of a running container, input, detach keys, exit code."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import partial

from harness import Hutch
from lifecycle_helpers import remove_containers, run_in_pty
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture

__all__ = ["remove_containers"]


def _status(hutch: Hutch, ctr: str) -> str:
    return hutch("inspect", "--format", "{{.State.Status}}", ctr).stdout.strip()


def test_attach_relays_output_and_returns_the_exit_code(hutch: Hutch, base_image: str) -> None:
    hutch(
        "run",
        "-d",
        "--name",
        "a",
        base_image,
        "sh",
        "-c",
        # 3 s: time enough for the attach to come while it runs
        "i=0; while [ $i -lt 12 ]; do echo tick; sleep 0.25; i=$((i+1)); done; exit 7",
    )
    result = hutch("attach", "a", check=False)
    assert "tick\n" in result.stdout  # output of the running container
    assert set(result.stdout.split()) == {"tick"}
    assert result.returncode == 7


def test_detach_keys_leave_the_container_running(hutch: Hutch, base_image: str) -> None:
    hutch("run", "-d", "-it", "--name", "sh", base_image, "sh")
    code, out = run_in_pty(
        hutch,
        ["attach", "sh"],
        steps=((b"", b"echo attached-$((20+3))\n"), (b"attached-23", b"\x10\x11")),
    )
    assert "attached-23" in out
    assert code == 0, out
    assert _status(hutch, "sh") == "running"
    # custom keys; the default sequence now passes through as input
    code, out = run_in_pty(
        hutch,
        ["attach", "--detach-keys", "ctrl-a,x", "sh"],
        steps=((b"", b"echo again-$((1+1))\n"), (b"again-2", b"\x01x")),
    )
    assert code == 0 and "again-2" in out
    assert _status(hutch, "sh") == "running"
    code, out = run_in_pty(hutch, ["attach", "sh"], steps=((b"", b"exit 4\n"),))
    assert code == 4, out
    assert _status(hutch, "sh") == "exited"


def test_attach_errors(hutch: Hutch, base_image: str) -> None:
    hutch("create", "--name", "idle", base_image, "true")
    stopped = hutch("attach", "idle", check=False)
    assert stopped.returncode == 125 and stopped.stderr.count("\n") == 1
    hutch("run", "-d", "--name", "r", base_image, "sleep", "300")
    bad = hutch("attach", "--detach-keys", "ctrl-1", "r", check=False)
    assert bad.returncode == 125 and "detach" in bad.stderr


def test_attach_exits_with_the_containers_code_where_podman_exits_0(
    hutch: Hutch, base_image: str, podman: Run
) -> None:
    """podman(1)'s EXIT CODES (the contained command's code) and Docker's attach: hutch
    exits with the status of a container that ends while attached. podman's own attach
    (4.3.1 and current, podman-attach(1) says nothing of it) exits 0 and prints an empty
    line after the output: pinned here, so that a change of the peer shows. ``start
    -a`` of a running container attaches to it and exits 0 when it ends, in both (that
    one is podman's: current podman's ContainerStart reports 0 for a running one)."""
    script = "sleep 2; echo out; exit 3"
    for tool in (hutch, podman):
        assert tool("run", "-d", "--name", "ax", "base", "sh", "-c", script).returncode == 0
    # Both attach at once: one after the other, podman's container (started a moment
    # after hutch's) had often ended before podman's attach came ("you can only
    # attach to running containers").
    with ThreadPoolExecutor(2) as pool:
        ours_later = pool.submit(hutch, "attach", "--no-stdin", "ax", check=False)
        theirs = podman("attach", "--no-stdin", "ax")
        ours = ours_later.result()
    assert (ours.returncode, ours.stdout) == (3, "out\n")
    assert (theirs.returncode, theirs.stdout) == (0, "out\n\n"), theirs
    started = {}
    for name, tool in (("hutch", partial(hutch, check=False)), ("podman", podman)):
        assert tool("start", "ax").returncode == 0
        done = tool("start", "-a", "ax")
        started[name] = (done.returncode, done.stdout, done.stderr)
    assert started["hutch"] == started["podman"] == (0, "out\n", ""), started
    podman("rm", "-f", "ax")
