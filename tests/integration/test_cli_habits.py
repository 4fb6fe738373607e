"""podman's command-line habits, run against podman 4.3.1 itself where it behaves as
current podman: ``--flag=VALUE`` for booleans, ``--log-level`` checking, ``-h``/``help``;
and ``--noout``/``--out``, which take hutch's own output but not a container's."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from harness import Hutch

Completed = subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def podman(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Completed]]:
    """podman in a home and XDG directories of its own (its store is made there).

    podman leaves a pause process holding its user namespace: it is stopped at
    the end, by the pid podman wrote.
    """
    binary = shutil.which("podman")
    assert binary is not None, "podman not found (contrib/setup-host.sh installs it)"
    home = tmp_path_factory.mktemp("podman-home")
    runtime = home / "run"
    runtime.mkdir(mode=0o700)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "LC_ALL": "C.UTF-8",
    }

    def run(*args: str) -> Completed:
        return subprocess.run(
            [binary, *args],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            stdin=subprocess.DEVNULL,
        )

    yield run
    pause = runtime / "libpod" / "tmp" / "pause.pid"
    if pause.exists():
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pause.read_text().strip()), signal.SIGKILL)


def _messages(stderr: str) -> list[str]:
    """stderr without podman's log lines about this host (``time="..." level=warning``)."""
    return [line for line in stderr.splitlines() if not line.startswith("time=")]


@pytest.mark.parametrize(
    "args",
    [
        ("ps", "--all=maybe"),
        ("ps", "-a=1", "-q"),
        ("ps", "--all=false", "--noheading=true"),
        ("--log-level", "foo", "ps"),
        ("--log-level", "WARNING", "ps", "-q"),
    ],
)
def test_same_as_podman(
    hutch: Hutch, podman: Callable[..., Completed], args: tuple[str, ...]
) -> None:
    ours = hutch(*args, check=False)
    theirs = podman(*args)
    assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout), ours.stderr
    # podman adds "See 'podman ps --help'" after a flag error: the first line is the message
    assert _messages(ours.stderr)[:1] == _messages(theirs.stderr)[:1]


@pytest.mark.parametrize("args", [("help", "ps"), ("ps", "-h"), ("help",), ("container", "-h")])
def test_help_spellings_print_usage_like_podman(
    hutch: Hutch, podman: Callable[..., Completed], args: tuple[str, ...]
) -> None:
    ours = hutch(*args, check=False)
    theirs = podman(*args)
    assert ours.returncode == theirs.returncode == 0, ours.stderr
    assert ours.stdout.startswith("Usage: hutch") and "Usage:" in theirs.stdout


def test_noout_and_out_keep_container_output(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    # a container's output reaches the terminal; hutch's own (the id of -d) does not
    result = hutch("--noout", "run", "--rm=true", base_image, "echo", "from-the-container")
    assert result.stdout == "from-the-container\n"
    assert hutch("--noout", "run", "-d=true", "--name", "quiet", base_image, "true").stdout == ""
    out = tmp_path / "ps.txt"
    assert hutch("--out", str(out), "ps", "-a", "--format", "{{.Names}}").stdout == ""
    assert out.read_text() == "quiet\n"
    assert hutch("rm", "--force=1", "quiet").stdout == "quiet\n"


@pytest.mark.parametrize("spelling", ["-s=TERM", "-s15", "-sSIGTERM", "-s-1", "-s+15", "-sRTMIN+2"])
def test_kill_signal_spellings_as_podman(
    hutch: Hutch, podman: Callable[..., Completed], spelling: str
) -> None:
    args = ("kill", spelling, "nosuch")  # the signal is checked before the container
    ours, theirs = hutch(*args, check=False), podman(*args)
    assert (ours.returncode, _messages(ours.stderr)) == (
        theirs.returncode,
        _messages(theirs.stderr),
    )


@pytest.mark.parametrize("spelling", ["-s0", "-s99", "-s--1", "-sFOO", "-s="])
def test_kill_bad_signals_as_podman(
    hutch: Hutch, podman: Callable[..., Completed], spelling: str
) -> None:
    args = ("kill", spelling, "nosuch")
    ours, theirs = hutch(*args, check=False), podman(*args)
    assert ours.returncode == theirs.returncode == 125
    assert _messages(ours.stderr) == _messages(theirs.stderr)


def test_kill_delivers_each_spelling(hutch: Hutch, base_image: str) -> None:
    script = "trap 'echo usr1' USR1; echo ready; while true; do sleep 0.1; done"
    hutch("run", "-d", "--name", "trapper", base_image, "sh", "-c", script)
    wait_for_log(hutch, "trapper", "ready\n")
    want = "ready\n"
    for spelling in (("-s=USR1",), ("-s", "-10"), ("-s", "SIGUSR1"), ("--signal=usr1",)):
        hutch("kill", *spelling, "trapper")
        want += "usr1\n"
        wait_for_log(hutch, "trapper", want)
    hutch("rm", "-f", "-t0", "trapper")


def wait_for_log(hutch: Hutch, name: str, want: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    logs = ""
    while time.monotonic() < deadline:
        logs = hutch("logs", name).stdout
        if logs == want:
            return
        time.sleep(0.1)
    raise AssertionError(f"logs of {name}: {logs!r}, not {want!r}")


def test_name_slash_and_memory_zero(hutch: Hutch, base_image: str) -> None:
    # --memory=0 is no limit: it runs on a host without usable cgroups (as here)
    hutch("create", "--name", "/web", "--memory=0", base_image, "true")
    assert hutch("ps", "-a", "--format", "{{.Names}}").stdout == "web\n"
    assert hutch("inspect", "--format", "{{.HostConfig.Memory}}", "web").stdout == "0\n"
    hutch("rm", "web")
