"""Debian's podman 4.3.1 as a peer of the differential tests: a fixture ``podman`` with
a store of its own and the busybox rootfs as image ``base``, and ``both`` running one
command through hutch and podman."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from harness import Hutch, kill_all, processes_mentioning

Run = Callable[..., subprocess.CompletedProcess[str]]
# podman warns about / not being a shared mount on every command here
_NOISE = ("time=",)


@pytest.fixture(scope="module", name="podman")
def fixture_podman(tmp_path_factory: pytest.TempPathFactory, rootfs_tar: Path) -> Iterator[Run]:
    """podman with a store of its own (--root/--runroot), the busybox rootfs as ``base``."""
    binary = shutil.which("podman")
    assert binary is not None, "podman (the peer) not found: contrib/setup-host.sh installs it"
    root = tmp_path_factory.mktemp("podman-storage")
    runroot = Path(tempfile.mkdtemp(prefix="hutch-it-podman-", dir="/tmp"))
    # A runtime dir of its own: podman's default (/tmp/podman-run-UID) holds its pause
    # process, events and exit files, which several lanes' sessions would share.
    xdg_runtime = Path(tempfile.mkdtemp(prefix="hutch-it-podman-xdg-", dir="/tmp"))
    # over the environment as it is at each call: tests set CONTAINERS_CONF and the
    # like with monkeypatch for the peer to inherit
    call = runner(
        [binary, "--root", str(root), "--runroot", str(runroot)],
        over={"XDG_RUNTIME_DIR": str(xdg_runtime)},
    )
    assert call("import", "-q", str(rootfs_tar), "base").returncode == 0
    yield call
    call("rm", "-af")
    call("unshare", "rm", "-rf", str(root))
    # its pause process (the user namespace's holder) and any helper it left
    kill_all(processes_mentioning(str(xdg_runtime)))
    shutil.rmtree(runroot, ignore_errors=True)
    shutil.rmtree(xdg_runtime, ignore_errors=True)


def runner(
    prefix: list[str], env: dict[str, str] | None = None, over: dict[str, str] | None = None
) -> Run:
    """A callable running ``prefix + args`` (podman with its store options), stdin at
    EOF unless ``input`` is given, its stderr without podman's mount-warning lines.
    ``env``: the whole environment; ``over``: variables set over this process's
    environment as it is at each call."""

    def call(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        argv = [*prefix, *args]
        environ = {**os.environ, **over} if over is not None else env
        proc = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=120,
            input=input,
            env=environ,
            stdin=None if input is not None else subprocess.DEVNULL,
        )
        err = "".join(line for line in proc.stderr.splitlines(True) if not line.startswith(_NOISE))
        return subprocess.CompletedProcess(argv, proc.returncode, proc.stdout, err)

    return call


def both(hutch: Hutch, podman: Run, *args: str, input: str | None = None) -> tuple[int, str, str]:
    """Run ARGS through both; they must agree on exit code, stdout and stderr."""
    ours = hutch(*args, input=input, check=False)
    theirs = podman(*args, input=input)
    assert (ours.returncode, ours.stdout, ours.stderr) == (
        theirs.returncode,
        theirs.stdout,
        theirs.stderr,
    ), (args, ours, theirs)
    return ours.returncode, ours.stdout, ours.stderr
