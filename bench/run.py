"""Time hutch against podman, side by side in one run, and compare with the targets.

Run it with the python of the venv hutch is installed in, as an unprivileged
user whose rootless podman works (contrib/bench.sh does all of that):

    python bench/run.py [-n RUNS] [--warmup N] [--json] [--check]

Both tools get the same busybox image, imported from contrib/make-rootfs.sh's
tarball. hutch runs in throw-away data/config/runtime directories; podman uses
the user's own storage. Each round runs the hutch command and the podman
command one after the other (alternating which goes first), so that a load
spike on the machine hits both; the table shows medians.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MAKE_ROOTFS = REPO_ROOT / "contrib" / "make-rootfs.sh"
HUTCH_IMAGE = "bench-busybox"
PODMAN_IMAGE = "localhost/hutch-bench-busybox:latest"


@dataclass(frozen=True)
class Case:
    """One comparison: the same operation for both tools and the target it must meet."""

    name: str
    hutch: tuple[str, ...]
    podman: tuple[str, ...] | None
    target: float
    # "ratio": hutch/podman must be <= target; "seconds": hutch's own median must be
    target_kind: str
    # a command hutch may not have yet: its absence is reported, not an error
    optional: bool = False


@dataclass(frozen=True)
class Result:
    name: str
    hutch_s: float | None
    podman_s: float | None
    ratio: float | None
    target: float
    target_kind: str
    met: bool | None
    note: str = ""


CASES = (
    Case("run --rm IMG true", ("run", "--rm", "{img}", "true"),
         ("run", "--rm", "{img}", "true"), 0.5, "ratio"),
    Case("run --rm --network none IMG true", ("run", "--rm", "--network", "none", "{img}", "true"),
         ("run", "--rm", "--network", "none", "{img}", "true"), 0.4, "ratio"),
    Case("images", ("images",), ("images",), 1.0, "ratio"),
    Case("ps", ("ps",), ("ps",), 1.0, "ratio", optional=True),
    Case("--help (start-up)", ("--help",), ("--help",), 0.1, "seconds"),
    Case("build 5 steps, uncached",
         ("build", "-q", "--no-cache", "--build-arg", "BASE={img}", "{ctx}/five"),
         ("build", "-q", "--no-cache", "--build-arg", "BASE={img}", "{ctx}/five"), 1.0, "ratio",
         optional=True),
    Case("build 5 steps, cached",
         ("build", "-q", "--build-arg", "BASE={img}", "{ctx}/five"),
         ("build", "-q", "--build-arg", "BASE={img}", "{ctx}/five"), 0.5, "ratio", optional=True),
    Case("build cached, 10,000-file context",
         ("build", "-q", "--build-arg", "BASE={img}", "{ctx}/many"),
         ("build", "-q", "--build-arg", "BASE={img}", "{ctx}/many"), 5.0, "seconds",
         optional=True),
)  # fmt: skip

FIVE_STEPS = """\
ARG BASE
FROM $BASE
ENV GREETING=hello
COPY file.txt /srv/file.txt
RUN echo "$GREETING" > /srv/built.txt
WORKDIR /srv
CMD ["cat", "/srv/built.txt"]
"""


def write_build_contexts(base: Path) -> None:
    """``five``: the 5-step file; ``many``: a COPY of 10,000 small files."""
    five = base / "five"
    five.mkdir(parents=True)
    (five / "Containerfile").write_text(FIVE_STEPS)
    (five / "file.txt").write_text("data\n")
    many = base / "many"
    for i in range(100):
        sub = many / "files" / f"d{i:02d}"
        sub.mkdir(parents=True)
        for j in range(100):
            (sub / f"f{j:02d}.txt").write_text(f"{i} {j}\n")
    (many / "Containerfile").write_text("ARG BASE\nFROM $BASE\nCOPY files /files\n")


@dataclass(frozen=True)
class Tools:
    hutch: Path
    podman: Path
    hutch_env: dict[str, str]
    podman_env: dict[str, str]
    contexts: Path = Path("/nonexistent")

    def argv(self, tool: str, args: Sequence[str]) -> list[str]:
        image = HUTCH_IMAGE if tool == "hutch" else PODMAN_IMAGE
        binary = self.hutch if tool == "hutch" else self.podman
        args = [a.replace("{ctx}", str(self.contexts)) for a in args]
        return [str(binary), *(a.replace("{img}", image) for a in args)]

    def env(self, tool: str) -> dict[str, str]:
        return self.hutch_env if tool == "hutch" else self.podman_env

    def run(self, tool: str, args: Sequence[str], timeout: float = 120) -> tuple[float, int, str]:
        """Run once; return (seconds, exit status, stderr)."""
        argv = self.argv(tool, args)
        start = time.perf_counter()
        proc = subprocess.run(
            argv,
            env=self.env(tool),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=timeout,
        )
        return time.perf_counter() - start, proc.returncode, proc.stderr


def isolated_hutch_env(work: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("HUTCH_", "XDG_", "CONTAINERS_"))
    }
    dirs = {
        "XDG_DATA_HOME": work / "data",
        "XDG_CONFIG_HOME": work / "config",
        "XDG_CACHE_HOME": work / "cache",
        "XDG_RUNTIME_DIR": work / "run",
    }
    for d in dirs.values():
        d.mkdir(mode=0o700)
    env.update({k: str(v) for k, v in dirs.items()})
    return env


def check(tools: Tools, tool: str, args: Sequence[str]) -> None:
    _, status, stderr = tools.run(tool, args)
    if status != 0:
        raise SystemExit(f"bench: {' '.join(tools.argv(tool, args))} failed ({status}):\n{stderr}")


def measure(tools: Tools, case: Case, runs: int, warmup: int) -> Result:
    sides = ["hutch"] + (["podman"] if case.podman is not None else [])
    args = {"hutch": case.hutch, "podman": case.podman or ()}
    for side in sides:
        for _ in range(max(warmup, 1)):
            _, status, stderr = tools.run(side, args[side])
            if status != 0:
                absent = case.optional and side == "hutch" and "No such command" in stderr
                last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
                note = (
                    "hutch has no such command yet"
                    if absent
                    else (f"{side} exited with {status}: {last}")
                )
                met = None if absent else False
                return Result(case.name, None, None, None, case.target, case.target_kind, met, note)
    times: dict[str, list[float]] = {side: [] for side in sides}
    for i in range(runs):
        # alternate who goes first so that neither always runs on a warmer cache
        for side in sides if i % 2 == 0 else reversed(sides):
            seconds, status, stderr = tools.run(side, args[side])
            if status != 0:
                note = f"{side} exited with {status} on run {i + 1}: {stderr.strip()[-200:]}"
                return Result(
                    case.name, None, None, None, case.target, case.target_kind, False, note
                )
            times[side].append(seconds)
    hutch_s = statistics.median(times["hutch"])
    podman_s = statistics.median(times["podman"]) if "podman" in times else None
    ratio = hutch_s / podman_s if podman_s else None
    measured = ratio if case.target_kind == "ratio" else hutch_s
    met = measured is not None and measured <= case.target
    return Result(case.name, hutch_s, podman_s, ratio, case.target, case.target_kind, met)


def render_table(results: Sequence[Result], runs: int) -> str:
    def num(v: float | None, fmt: str) -> str:
        return "-" if v is None else format(v, fmt)

    rows = [("case", "hutch s", "podman s", "hutch/podman", "target", "met")]
    for r in results:
        target = f"ratio <= {r.target}" if r.target_kind == "ratio" else f"<= {r.target} s"
        met = {True: "yes", False: "NO", None: "-"}[r.met]
        times = (num(r.hutch_s, ".3f"), num(r.podman_s, ".3f"), num(r.ratio, ".2f"))
        rows.append((r.name, *times, target, met))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append(f"(median of {runs} runs each, after warm-up)")
    lines += [f"note: {r.name}: {r.note}" for r in results if r.note]
    return "\n".join(lines)


def remove_work_dir(tools: Tools, work: Path) -> None:
    shutil.rmtree(work, ignore_errors=True)
    if work.exists():
        # files owned by subordinate ids can only be removed inside hutch's namespace
        subprocess.run(
            [str(tools.hutch), "unshare", "rm", "-rf", str(work)],
            env=tools.hutch_env,
            check=False,
            capture_output=True,
        )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-n", "--runs", type=int, default=10, help="timed runs per command (10)")
    p.add_argument("--warmup", type=int, default=2, help="untimed runs first (2)")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    p.add_argument("--hutch", type=Path, default=Path(sys.executable).parent / "hutch")
    p.add_argument("--podman", type=Path, default=shutil.which("podman") or "podman")
    p.add_argument("--keep", action="store_true", help="keep the podman image afterwards")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    opts = parse_args(argv)
    if os.geteuid() == 0:
        raise SystemExit("bench: run as an unprivileged user (contrib/bench.sh does)")
    for tool in (opts.hutch, opts.podman):
        if not (tool.is_file() and os.access(tool, os.X_OK)):
            raise SystemExit(f"bench: {tool} not found or not executable")
    # a short path: hutch keeps unix sockets in the runtime dir
    work = Path(tempfile.mkdtemp(prefix="hutch-bench-", dir="/tmp"))
    podman_image_id = ""
    tools = Tools(
        opts.hutch, opts.podman, isolated_hutch_env(work), dict(os.environ), work / "contexts"
    )
    write_build_contexts(tools.contexts)
    try:
        tar = work / "busybox.tar"
        subprocess.run(["bash", str(MAKE_ROOTFS), str(tar)], check=True, capture_output=True)
        check(tools, "hutch", ("import", str(tar), HUTCH_IMAGE))
        imported = subprocess.run(
            tools.argv("podman", ("import", "--quiet", str(tar), PODMAN_IMAGE)),
            env=tools.podman_env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=True,
        )
        # removed by id at the end: a re-import moves the tag and leaves the old one
        podman_image_id = imported.stdout.strip()
        results = [measure(tools, case, opts.runs, opts.warmup) for case in CASES]
    finally:
        tools.run("hutch", ("system", "reset", "--force"))
        if podman_image_id and not opts.keep:
            tools.run("podman", ("rmi", "--force", podman_image_id))
        remove_work_dir(tools, work)

    if opts.json:
        report = {
            "runs": opts.runs,
            "warmup": opts.warmup,
            "hutch": str(opts.hutch),
            "podman": str(opts.podman),
            "results": [asdict(r) for r in results],
        }
        print(json.dumps(report, indent=2))
    else:
        print(render_table(results, opts.runs))
    missed = [r for r in results if r.met is False]
    return 1 if opts.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
