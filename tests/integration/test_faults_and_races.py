"""Kill -9 at seeded random moments, and 20 parallel loops (issue 21): afterwards
``system check --repair`` repairs all, ``system check`` finds nothing, every image runs.

CI runs a few rounds (each test well under 25 s); a soak run takes more:
    HUTCH_SOAK_FAULTS=200 HUTCH_SOAK_RACES=5 (rounds), HUTCH_FAULT_SEED=N to replay.
Each test prints its figures (faults injected/survived, races tried/lost) on stdout
(pytest -s shows them) and its seed in any failure."""

from __future__ import annotations

import io
import os
import random
import signal
import subprocess
import tarfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from build_helpers import write_context
from harness import Hutch
from registry_helpers import Registry, running_registry

INSECURE = "--tls-verify=false"


def _tar(path: Path, text: str) -> Path:
    data = text.encode()
    with tarfile.open(path, "w") as tar:
        info = tarfile.TarInfo("marker")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return path


def _start(hutch: Hutch, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(hutch.binary), *args],
        env=hutch.env.environ(),
        cwd=hutch.env.home,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _consistent(hutch: Hutch, seed: int, what: str) -> None:
    repaired = hutch("system", "check", "--repair", check=False)
    assert repaired.returncode == 0, (
        f"seed {seed}, after {what}: {repaired.stdout}{repaired.stderr}"
    )
    clean = hutch("system", "check", check=False)
    assert (clean.returncode, clean.stdout) == (0, ""), f"seed {seed}, after {what}: {clean}"


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    with running_registry(tmp_path / "registry", "plain") as reg:
        yield reg


def test_kill_9_at_random_points(
    hutch: Hutch, base_image: str, registry: Registry, tmp_path: Path
) -> None:
    seed = int(os.environ.get("HUTCH_FAULT_SEED") or random.randrange(1 << 30))
    rounds = int(os.environ.get("HUTCH_SOAK_FAULTS") or 7)
    rng = random.Random(seed)
    context = write_context(
        tmp_path / "ctx",
        {"f": "x"},
        containerfile=f"FROM {base_image}\nRUN echo hi > /hi\nCOPY f /f\n",
    )
    hutch("create", "--name", "src", base_image, "true")
    archive = tmp_path / "base.tar"
    hutch("save", "-o", str(archive), base_image)
    remote = registry.ref("faults/base:1")
    hutch("push", "-q", INSECURE, base_image, remote)
    commands = {
        "import": lambda i: ("import", str(_tar(tmp_path / f"t{i}.tar", f"{seed}-{i}")), f"imp{i}"),
        "build": lambda i: ("build", "--no-cache", "-t", f"built{i}", str(context)),
        "commit": lambda i: ("commit", "src", f"committed{i}"),
        "save": lambda i: ("save", "-o", str(tmp_path / "out.tar"), base_image),
        "load": lambda i: ("load", "-i", str(archive)),
        "rmi": lambda i: ("rmi", "-f", f"imp{i - 1}", f"built{i - 1}", f"committed{i - 1}"),
        "run -d": lambda i: ("run", "-d", "--name", f"r{i}", base_image, "sleep", "60"),
        "run --rm": lambda i: ("run", "--rm", base_image, "sleep", "0.3"),
        "push": lambda i: ("push", INSECURE, base_image, registry.ref(f"faults/p{i}:1")),
        "pull": lambda i: ("pull", INSECURE, remote),
    }
    injected = survived = 0
    # Each command once before any twice: a short CI run kills as many kinds as it can.
    order = [
        n
        for _ in range(rounds // len(commands) + 1)
        for n in rng.sample(sorted(commands), len(commands))
    ]
    for i in range(rounds):
        name = order[i]
        process = _start(hutch, *commands[name](i))
        delay = rng.uniform(0.05, 0.5)
        try:
            process.wait(timeout=delay)  # finished first: no fault this round
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            injected += 1
        _consistent(hutch, seed, f"{name} killed after {delay:.2f} s (round {i})")
        listed = hutch("images", "--format", "{{.Repository}}:{{.Tag}}").stdout.split()
        for image in listed:  # every image runs (the imported ones hold one file only)
            if not image.startswith(("localhost/imp", "<none>")):
                ran = hutch("run", "--rm", image, "true", check=False)
                assert ran.returncode == 0, f"seed {seed}, round {i}: {image}: {ran.stderr}"
        if name in ("push", "pull"):  # the registry is consistent: the same command completes
            again = hutch(*commands[name](i), check=False)
            assert again.returncode == 0, f"seed {seed}, round {i}: {name}: {again.stderr}"
            hutch("rmi", remote, check=False)
        survived += 1
        hutch("rm", "-a", "-f", check=False)
        hutch("create", "--name", "src", base_image, "true")
    print(f"faults: seed {seed}, {injected} injected, {survived} rounds survived of {rounds}")


def test_twenty_parallel_loops(
    hutch: Hutch, base_image: str, registry: Registry, tmp_path: Path
) -> None:
    seed = int(os.environ.get("HUTCH_FAULT_SEED") or random.randrange(1 << 30))
    rounds = int(os.environ.get("HUTCH_SOAK_RACES") or 1)
    tars = [_tar(tmp_path / f"s{i}.tar", f"shared-{i % 3}") for i in range(20)]
    # Pulls and builds share the base image's layer; the rmi loops remove
    # imported, pulled and built images while the others make them.
    remote = registry.ref("races/base:1")
    hutch("push", "-q", INSECURE, base_image, remote)
    context = write_context(
        tmp_path / "ctx", {}, containerfile=f"FROM {base_image}\nRUN echo built > /b\n"
    )

    def loop(n: int) -> list[str]:
        rng = random.Random(seed + n)
        problems = []
        for r in range(rounds):
            kind = n % 6
            if kind == 0:
                args: tuple[str, ...] = ("run", "--rm", base_image, "true")
            elif kind == 1:  # imports of layers the others share, then their removal
                args = ("import", str(tars[n]), f"shared{n}")
            elif kind == 2:
                victim = (f"shared{(n + 1 + r) % 20}", remote, f"built{(n + 2 + r) % 20}")
                args = ("rmi", "-f", victim[(n // 6 + r) % 3])
            elif kind == 3:
                args = ("run", "-d", "--rm", base_image, "sleep", "0.5")
            elif kind == 4:
                args = ("pull", "-q", INSECURE, remote)
            else:
                args = ("build", "-q", "--no-cache", "-t", f"built{n}", str(context))
            time.sleep(rng.uniform(0, 0.2))  # stagger the starts: the order is random
            result = hutch(*args, check=False, timeout=180)
            if result.returncode != 0 and not (kind == 2 and "not known" in result.stderr):
                problems.append(f"{' '.join(args)}: {result.returncode} {result.stderr.strip()}")
        return problems

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=20) as pool:
        problems = [p for found in pool.map(loop, range(20)) for p in found]
    tried = 20 * rounds
    deadline = time.monotonic() + 30
    while hutch("ps", "-q").stdout.strip() and time.monotonic() < deadline:
        time.sleep(0.1)  # the detached --rm containers finish on their own
    clean = hutch("system", "check", check=False)
    lost = 0 if (clean.returncode, clean.stdout) == (0, "") else 1
    # (a re-import moves its name to the new image: the old one is listed as <none>)
    assert hutch("run", "--rm", base_image, "true").returncode == 0
    print(
        f"races: seed {seed}, {tried} commands in 20 loops, {len(problems)} failed, "
        f"{lost} store damaged, {time.monotonic() - started:.1f} s"
    )
    assert not problems, f"seed {seed}: {problems}"
    assert lost == 0, f"seed {seed}: {clean.stdout}{clean.stderr}"
