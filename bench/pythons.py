"""Start-up of hutch on each supported Python: ``--help``, ``ps`` and ``run --rm``.

Usage (as the unprivileged user, from the repository; contrib/bench.sh --pythons
prepares the venvs and runs it):

    python3 bench/pythons.py VENV [VENV...] [-n RUNS]

Each VENV holds hutch installed for one interpreter (contrib/test.sh's matrix
venvs). Every command runs in throw-away XDG directories, one warm-up first
(which also fills the dataclass code cache, as any second start would find it);
the table shows the median wall time of RUNS runs.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchfixtures import make_base_tar
from benchtools import isolated_hutch_env

COMMANDS = (("--help",), ("ps",), ("run", "--rm", "--network", "none", "bench-busybox", "true"))


def version_of(venv: Path) -> str:
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sys; print(sys.version.split()[0])"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return out.stdout.strip()


def measure(venv: Path, runs: int, work: Path, tar: Path) -> list[float]:
    hutch = str(venv / "bin" / "hutch")
    env = isolated_hutch_env(work)
    subprocess.run([hutch, "import", str(tar), "bench-busybox"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    medians = []
    try:
        for args in COMMANDS:
            times = []
            for i in range(runs + 1):
                start = time.perf_counter()
                subprocess.run([hutch, *args], env=env, check=True, capture_output=True)
                if i:  # the first run is the warm-up
                    times.append(time.perf_counter() - start)
            medians.append(statistics.median(times))
    finally:
        subprocess.run([hutch, "system", "reset", "--force"], env=env, capture_output=True)
        shutil.rmtree(env["XDG_RUNTIME_DIR"], ignore_errors=True)
    return medians


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("venvs", nargs="+", type=Path)
    parser.add_argument("-n", "--runs", type=int, default=10)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hutch-bench-pythons-"))
    try:
        tar = work / "busybox.tar"
        make_base_tar(tar)
        header = "| Python  | " + " | ".join(" ".join(c) for c in COMMANDS) + " |"
        print(header)
        print("|" + "|".join("---" for _ in range(len(COMMANDS) + 1)) + "|")
        for n, venv in enumerate(args.venvs):
            medians = measure(venv, args.runs, work / f"v{n}", tar)
            cells = " | ".join(f"{m:.3f} s" for m in medians)
            print(f"| {version_of(venv):7} | {cells} |", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
