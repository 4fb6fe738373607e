"""Kubernetes YAML across hutch and Debian's podman 4.3.1 (the peer): podman plays
what ``hutch kube generate`` writes, and hutch plays what ``podman kube generate``
writes, each for a two-container pod whose port is published and reached."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from harness import Hutch
from kube_helpers import fetch

Run = Callable[..., subprocess.CompletedProcess[str]]
IMAGE = "localhost/base:latest"


@pytest.fixture
def podman(tmp_path: Path, rootfs_tar: Path) -> Iterator[Run]:
    binary = shutil.which("podman")
    if binary is None:
        pytest.skip("podman (the peer) is not installed: contrib/setup-host.sh installs it")
    root = tmp_path / "podman-storage"
    runroot = Path(tempfile.mkdtemp(prefix="hutch-it-podman-", dir="/tmp"))

    def call(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        argv = [binary, "--root", str(root), "--runroot", str(runroot), *args]
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=tmp_path)
        if check and proc.returncode:
            raise AssertionError(f"{' '.join(argv)}: {proc.returncode}\n{proc.stderr}")
        return proc

    call("import", str(rootfs_tar), "base")
    yield call
    call("pod", "rm", "-af", "-t", "0", check=False)
    call("rm", "-af", "-t", "0", check=False)
    call("volume", "rm", "-af", check=False)
    call("unshare", "rm", "-rf", str(root), check=False)
    shutil.rmtree(runroot, ignore_errors=True)


def make_pod(run: Callable[..., object], name: str, port: int) -> None:
    """A pod of a web server (its pod's host name at /hostname) and a sidecar."""
    run("pod", "create", "--name", name, "-p", f"{port}:8080")
    web = ("/usr/sbin/httpd", "-f", "-p", "8080", "-h", "/etc")
    run("run", "-d", "--pod", name, "--name", f"{name}-web", "--stop-timeout", "0", IMAGE, *web)
    run("run", "-d", "--pod", name, "--name", f"{name}-side", "--stop-timeout", "0", IMAGE,
        "/bin/sleep", "1000")  # fmt: skip


def test_each_plays_what_the_other_generates(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    # hutch generates, podman plays
    make_pod(hutch, "hp", 18461)
    generated = tmp_path / "hutch.yaml"
    generated.write_text(hutch("kube", "generate", "hp").stdout)
    hutch("kube", "down", str(generated))
    podman("kube", "play", str(generated))
    assert fetch("http://127.0.0.1:18461/hostname").strip() == b"hp"  # podman: no newline
    names = podman("ps", "--format", "{{.Names}}").stdout.split()
    assert {"hp-web", "hp-side"} <= set(names)
    podman("kube", "down", str(generated))
    # podman generates, hutch plays
    make_pod(podman, "pk", 18462)
    theirs = tmp_path / "podman.yaml"
    theirs.write_text(podman("kube", "generate", "pk").stdout)
    podman("pod", "rm", "-f", "-t", "0", "pk")
    hutch("kube", "play", str(theirs))
    assert fetch("http://127.0.0.1:18462/hostname").strip() == b"pk"
    # podman 4.3.1 writes the members' full names: play prefixes the pod's name again
    local = hutch("exec", "pk-pk-side", "/usr/bin/wget", "-qO-", "http://localhost:8080/hostname")
    assert local.stdout.strip() == "pk"
    hutch("pod", "kill", "pk")  # podman's YAML keeps the 10 s stop timeout: no waiting here
    hutch("kube", "down", str(theirs))
    assert hutch("pod", "ps", "-q").stdout == ""
