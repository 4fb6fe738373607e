"""run's and start -a's own session: detach keys and --sig-proxy."""

from __future__ import annotations

import signal
import subprocess

from harness import Hutch
from lifecycle_basics import eventually
from lifecycle_helpers import remove_containers, run_in_pty

__all__ = ["remove_containers"]


def _status(hutch: Hutch, ctr: str) -> str:
    return hutch("inspect", "--format", "{{.State.Status}}", ctr).stdout.strip()


def test_run_it_detaches_and_the_container_runs_on(hutch: Hutch, base_image: str) -> None:
    code, out = run_in_pty(
        hutch,
        ["run", "-it", "--name", "dk", base_image, "sh"],
        steps=((b"# ", b"echo typed-$((40+2))\n"), (b"typed-42", b"\x10\x11")),
    )
    assert code == 0, out
    assert "dk" not in out and "Error" not in out  # podman prints nothing on detach
    assert _status(hutch, "dk") == "running"
    # the session is still there: attach finds the shell and ends it
    code, out = run_in_pty(hutch, ["attach", "dk"], steps=((b"", b"exit 5\n"),))
    assert code == 5, out
    assert _status(hutch, "dk") == "exited"


def test_run_uses_its_own_detach_keys_and_empty_disables(hutch: Hutch, base_image: str) -> None:
    code, out = run_in_pty(
        hutch,
        ["run", "-it", "--detach-keys", "ctrl-a,d", "--name", "own", base_image, "sh"],
        # the default sequence is only input now; ctrl-a d detaches
        steps=((b"# ", b"\x10\x11echo still-$((1+1))\n"), (b"still-2", b"\x01d")),
    )
    assert code == 0, out
    assert _status(hutch, "own") == "running"
    code, out = run_in_pty(
        hutch,
        ["run", "-it", "--detach-keys", "", "--name", "nokeys", base_image, "sh"],
        steps=((b"# ", b"\x10\x11echo after-$((2+2))\n"), (b"after-4", b"exit 6\n")),
    )
    assert code == 6, out  # ctrl-p ctrl-q did not detach
    assert _status(hutch, "nokeys") == "exited"


def test_start_attach_detaches(hutch: Hutch, base_image: str) -> None:
    hutch("create", "-it", "--name", "s", base_image, "sh")
    code, out = run_in_pty(
        hutch,
        ["start", "-ai", "--detach-keys", "ctrl-x", "s"],
        steps=((b"# ", b"echo started-$((3+4))\n"), (b"started-7", b"\x18")),
    )
    assert code == 0, out
    assert _status(hutch, "s") == "running"
    bad = hutch("start", "-a", "--detach-keys", "ctrl-1", "s", check=False)
    assert bad.returncode == 125 and "detach" in bad.stderr


SCRIPT = "trap 'echo got-int; exit 3' INT; echo ready; while :; do sleep 0.1; done"


def _interrupt(hutch: Hutch, *flags: str) -> tuple[int, str]:
    # faulthandler: should hutch hang, SIGABRT makes it print where (below).
    env = {**hutch.env.environ(), "PYTHONFAULTHANDLER": "1"}
    proc = subprocess.Popen(
        [str(hutch.binary), "run", *flags, "--name", "sig", "base", "sh", "-c", SCRIPT],
        env=env,
        cwd=hutch.env.home,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.readline() == "ready\n"
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGABRT)
            _, stderr = proc.communicate(timeout=10)
            where = f"hutch did not exit after SIGINT; where it was:\n{stderr}"
            raise AssertionError(where) from None
        return code, proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_sig_proxy_false_keeps_signals_for_hutch(hutch: Hutch, base_image: str) -> None:
    assert base_image == "base"
    code, out = _interrupt(hutch)  # the default forwards: the trap decides
    assert (code, out) == (3, "got-int\n")
    hutch("rm", "sig")
    code, out = _interrupt(hutch, "--sig-proxy=false")
    assert code == 130 and "got-int" not in out  # hutch itself was interrupted
    assert _status(hutch, "sig") == "running"  # and the container never saw it


def test_a_detached_run_is_then_handled_like_run_d(hutch: Hutch, base_image: str) -> None:
    # --rm: the monitor removes the container when it exits after the detach.
    code, out = run_in_pty(
        hutch,
        ["run", "-it", "--rm", "--name", "gone", base_image, "sh", "-c", "echo up; sleep 4"],
        steps=((b"up", b"\x10\x11"),),
    )
    assert code == 0, out
    assert _status(hutch, "gone") == "running"

    def removed() -> bool:
        return hutch("ps", "-aq", "--filter", "name=gone").stdout.strip() == ""

    eventually(removed, timeout=30, what="the --rm container to be removed after its exit")
    # A restart policy applies too: the command that fails after the detach comes back.
    code, out = run_in_pty(
        hutch,
        ["run", "-it", "--restart", "on-failure:2", "--name", "again", base_image,
         "sh", "-c", "echo up; sleep 1; exit 3"],
        steps=((b"up", b"\x10\x11"),),
    )  # fmt: skip
    assert code == 0, out

    def restarts_done() -> bool:
        data = hutch("inspect", "--format", "{{.RestartCount}} {{.State.Status}}", "again")
        return data.stdout.split() == ["2", "exited"]

    eventually(restarts_done, timeout=30, what="two restarts of the failing command")
