"""A pull or push interrupted with ^C (SIGINT) stops at once and leaves the store
consistent, as the API service's transfer whose client left does.

The registry (``stalling_registry``) sends half of the layer and then nothing, or
never answers a layer's upload: the transfer's worker thread is blocked in a read
that only the registry's silence ends (urllib3's read timeout, two minutes). ^C
reaches the main thread only, which used to wait there for the workers. Now the
workers stop at their next piece and their connections are cut: the command ends
within a second or so with podman's status, 1 (podman 4.3.1 measured the same way:
its shutdown handler exits 1 on SIGINT), the half-read blob's temp dir is removed
(``system check`` clean), and the next pull completes. The same holds for the pull
inside ``run`` (whose signal proxy holds the ^C for the container to come: the pull
takes it as cancelled), ``create`` and ``build``'s FROM, each measured against podman
4.3.1 the same way: 1, no message, no container; and for a second ^C while the
transfer stops (podman takes no other signal then).
"""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest
from harness import Hutch
from registry_helpers import incompressible_layer
from stalling_registry import StallingRegistry, stalling_registry

INSECURE = "--tls-verify=false"
PROMPT = 2.0  # seconds from SIGINT to the command's end; the cut comes within 0.4


def _interrupted(
    hutch: Hutch, reg: StallingRegistry, *args: str, times: int = 1, cwd: Path | None = None
) -> tuple[int, float, str]:
    """Run ``hutch ARGS`` until the registry stalls, send SIGINT (``times`` times, 10 ms
    apart: the user pressing ^C again while the transfer stops): status, seconds, stderr."""
    process = subprocess.Popen(
        [str(hutch.binary), *args],
        env=hutch.env.environ(),
        cwd=cwd or hutch.env.home,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert reg.stalled.wait(90), f"{args}: the registry was never asked for the layer"
        time.sleep(0.5)  # hutch's worker is blocked in the stalled read (or send) now
        sent = time.monotonic()
        for n in range(times):
            if n:
                time.sleep(0.01)
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=60)
        return process.returncode, time.monotonic() - sent, err
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)


def test_interrupted_pull_stops_at_once_and_the_next_pull_completes(
    hutch: Hutch, tmp_path: Path
) -> None:
    with stalling_registry() as reg:
        status, took, err = _interrupted(hutch, reg, "pull", INSECURE, reg.ref)
        assert status == 1, err
        assert took < PROMPT, f"{took:.1f} s after SIGINT"
        assert "Traceback" not in err
        assert reg.cut.is_set()  # the registry saw its connection closed
        # No image, no tag, no half-read blob; no lock left held (these would wait)
        assert hutch("images", "-q", reg.ref, timeout=10).stdout == ""
        assert hutch("system", "check", timeout=30).stdout == ""
        # The registry answers in full now: the same pull completes
        pulled = hutch("pull", "-q", INSECURE, reg.ref, timeout=60).stdout.split()
        assert len(pulled) == 1
        listed = hutch("images", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}").stdout
        assert f"{pulled[0][:12]} {reg.ref}" in listed.splitlines()
        assert hutch("system", "check", timeout=30).stdout == ""


def test_interrupted_push_stops_at_once(hutch: Hutch, tmp_path: Path) -> None:
    with stalling_registry("stall/push") as reg:
        hutch("import", str(incompressible_layer(tmp_path / "big.tar")), "big")
        target = f"127.0.0.1:{reg.port}/stall/push:1"
        status, took, err = _interrupted(hutch, reg, "push", INSECURE, "big", target)
        assert status == 1, err
        assert took < PROMPT, f"{took:.1f} s after SIGINT"
        assert "Traceback" not in err
        assert hutch("images", "-q", "big", timeout=10).stdout.strip()  # the image stays


def _stopped_cleanly(
    hutch: Hutch, reg: StallingRegistry, status: int, took: float, err: str
) -> None:
    """podman's 1 at once, no traceback, the connection cut, nothing left behind."""
    assert status == 1, err
    assert took < PROMPT, f"{took:.1f} s after SIGINT"
    assert "Traceback" not in err and "Error" not in err, err
    assert "retrying" not in err, err  # the cut is no registry's fault: no retry's line
    assert reg.cut.wait(5)
    assert hutch("images", "-q", "-a", timeout=10).stdout == ""
    assert hutch("ps", "-a", "-q", timeout=10).stdout == ""  # no container record
    assert hutch("system", "check", timeout=30).stdout == ""


def _retried(hutch: Hutch, *args: str) -> None:
    """The same command again completes its pull; a run gets as far as the command,
    which the registry's one-file image lacks (127, podman's status for it)."""
    done = hutch(*args, check=False, timeout=120)
    assert "Writing manifest to image destination" in done.stderr, done.stderr
    assert done.returncode == (127 if args[0] == "run" else 0), done.stderr


@pytest.mark.parametrize("verb", ["run", "create"])
def test_interrupted_pull_of_run_and_create_leaves_no_container(
    hutch: Hutch, tmp_path: Path, verb: str
) -> None:
    with stalling_registry() as reg:
        args = (verb, INSECURE, "--name", "c1", reg.ref, "true")
        _stopped_cleanly(hutch, reg, *_interrupted(hutch, reg, *args))
        # the name is free and the image comes in full now: the same command works
        _retried(hutch, *args)
        listed = hutch("ps", "-a", "--format", "{{.Names}} {{.Image}}", timeout=10).stdout
        assert listed.split() == ["c1", reg.ref]
        assert hutch("system", "check", timeout=30).stdout == ""


def test_interrupted_from_pull_of_build_leaves_no_image(hutch: Hutch, tmp_path: Path) -> None:
    with stalling_registry() as reg:
        context = tmp_path / "ctx"
        context.mkdir()
        (context / "Containerfile").write_text(f"FROM {reg.ref}\nLABEL stage=one\n")
        args = ("build", INSECURE, "-t", "built", str(context))
        _stopped_cleanly(hutch, reg, *_interrupted(hutch, reg, *args, cwd=context))
        assert hutch(*args, timeout=120).returncode == 0
        label = hutch("inspect", "--format", "{{.Config.Labels.stage}}", "built").stdout
        assert label.strip() == "one"
        assert hutch("system", "check", timeout=30).stdout == ""


@pytest.mark.parametrize("verb", ["pull", "run"])
def test_a_second_interrupt_while_the_transfer_stops(
    hutch: Hutch, tmp_path: Path, verb: str
) -> None:
    with stalling_registry() as reg:
        args = (verb, INSECURE, reg.ref) + (("true",) if verb == "run" else ())
        _stopped_cleanly(hutch, reg, *_interrupted(hutch, reg, *args, times=2))
        _retried(hutch, *args)
        assert hutch("system", "check", timeout=30).stdout == ""
