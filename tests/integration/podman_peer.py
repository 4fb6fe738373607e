"""The peer: Debian's podman 4.3.1, rootless with its own --root and --runroot, for
differential tests (``podman`` fixture: import it into the test module)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def podman(tmp_path: Path) -> Iterator[Run]:
    binary = shutil.which("podman")
    if binary is None:
        pytest.skip("podman (the peer) is not installed: contrib/setup-host.sh installs it")
    root = tmp_path / "podman-storage"
    runroot = Path(tempfile.mkdtemp(prefix="hutch-it-podman-", dir="/tmp"))

    def call(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        argv = [binary, "--root", str(root), "--runroot", str(runroot), *args]
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        # podman warns about / not being a shared mount on every command here
        noise = ("time=", "Getting image", "Copying", "Writing", "Storing")
        err = "".join(line for line in proc.stderr.splitlines(True) if not line.startswith(noise))
        proc = subprocess.CompletedProcess(argv, proc.returncode, proc.stdout, err)
        if check and proc.returncode:
            raise AssertionError(f"{' '.join(argv)}: {proc.returncode}\n{proc.stderr}")
        return proc

    yield call
    call("rm", "-af", check=False)
    call("volume", "rm", "-af", check=False)
    call("unshare", "rm", "-rf", str(root), check=False)
    shutil.rmtree(runroot, ignore_errors=True)
