"""The compose area (issue 17): ``compose up -d`` + ``down`` of a three-service project,
and ``compose ps`` of it running against ``podman ps`` of the same three containers.

hutch's own ``hutch compose`` against podman-compose (Debian's 1.0.3, installed by
contrib/setup-host.sh for the bench only), which runs podman once per step; it drives
the bench's podman with the bench's --root and --runroot, so both sides use the same
image and storage as every other case. The services are ``sleep`` with
``stop_signal: KILL`` (a sleep as PID 1 ignores SIGTERM: no stop timeout is waited
out), one of them with a named volume and one depending on the others.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING

import benchapi
from benchtools import BenchError

if TYPE_CHECKING:
    from benchcases import Bench

APP = """\
services:
  db:
    image: "{img}"
    command: [/bin/sleep, infinity]
    stop_signal: KILL
    volumes: [data:/data]
  cache:
    image: "{img}"
    command: [/bin/sleep, infinity]
    stop_signal: KILL
  web:
    image: "{img}"
    command: [/bin/sleep, infinity]
    stop_signal: KILL
    depends_on: [db, cache]
volumes:
  data: {{}}
"""
PROJECT = "benchapp"


def _argv(bench: Bench, side: str, file: Path, args: tuple[str, ...]) -> list[str]:
    tools = bench.tools
    if side == "hutch":
        return [str(tools.hutch), "compose", "-f", str(file), "-p", PROJECT, *args]
    peer = shutil.which("podman-compose")
    if peer is None:
        raise BenchError("podman-compose is not installed (contrib/bench.sh installs it)")
    storage = f"--root {tools.podman_root} --runroot {tools.podman_runroot}"
    return [peer, "--podman-path", str(tools.podman), "--podman-args", storage,
            "-f", str(file), "-p", PROJECT, *args]  # fmt: skip


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    proc = subprocess.run(
        argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300
    )
    if proc.returncode != 0:
        last = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
        raise BenchError(f"{what} exited with {proc.returncode}: {last}")


def _compose(bench: Bench, side: str, file: Path, *args: str) -> None:
    argv = _argv(bench, side, file, args)
    _run(argv, bench.tools.env(side), f"{side} compose {' '.join(args)}")


def _file(bench: Bench, side: str) -> Path:
    path = bench.work / f"compose-{side}" / "compose.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(APP.format(img=bench.tools.subst[side]["img"]))
    return path


def up_down(bench: Bench, side: str) -> tuple[float, float]:
    """Seconds of ``up -d`` and of ``down -v`` (the volume goes too: each run starts bare)."""
    file = _file(bench, side)
    start = time.perf_counter()
    _compose(bench, side, file, "up", "-d")
    middle = time.perf_counter()
    _compose(bench, side, file, "down", "-v")
    return middle - start, time.perf_counter() - middle


def up(bench: Bench, side: str) -> None:
    """The project running (setup of the ps case)."""
    _compose(bench, side, _file(bench, side), "up", "-d")


def ps(bench: Bench, side: str) -> tuple[float]:
    """``hutch compose ps`` of the running project; podman's side is issue 17's peer for
    it, ``podman ps`` (podman-compose's ps runs podman ps once, plus its own start)."""
    path = bench.work / f"compose-{side}" / "compose.yaml"
    args = ("compose", "-f", str(path), "-p", PROJECT, "ps") if side == "hutch" else ("ps",)
    return (bench.tools.ok(side, args)[0],)


def clean(bench: Bench, side: str) -> None:
    """Whatever a failed run left (containers, network, volume)."""
    with contextlib.suppress(BenchError):
        _compose(bench, side, _file(bench, side), "down", "-v")


DC_PROJECT = "benchdc"


def _docker_compose(bench: Bench, side: str, file: Path, *args: str) -> None:
    binary = shutil.which("docker-compose")
    if binary is None:
        raise BenchError("docker-compose is not installed (contrib/setup-host.sh installs it)")
    argv = [binary, "-f", str(file), "-p", DC_PROJECT, *args]
    _run(argv, benchapi.docker_env(bench, side), f"docker-compose {' '.join(args)} ({side})")


def dc_up_down(bench: Bench, side: str) -> tuple[float, float]:
    """Seconds of docker-compose's ``up -d`` and ``down -v`` through the side's socket."""
    file = _file(bench, side)
    start = time.perf_counter()
    _docker_compose(bench, side, file, "up", "-d")
    middle = time.perf_counter()
    _docker_compose(bench, side, file, "down", "-v")
    return middle - start, time.perf_counter() - middle


def dc_clean(bench: Bench, side: str) -> None:
    """What a failed run left, then the side's service stopped."""
    with contextlib.suppress(BenchError):
        _docker_compose(bench, side, _file(bench, side), "down", "-v")
    benchapi.stop_service(bench, side)
