"""Time hutch against podman, side by side in one run, and compare with the targets.

Run it with the python of the venv hutch is installed in, as an unprivileged
user whose rootless podman works (contrib/bench.sh does all of that):

    python bench/run.py [-n RUNS] [--warmup N] [--only CASE,...] [--json] [--check]
                        [--plot FILE.png]

hutch runs in throw-away data/config/runtime directories (the runtime one in the
user's XDG_RUNTIME_DIR, where podman keeps its own runtime files: both on a login
session's tmpfs); podman with its own ``--root``/``--runroot`` in the same work
directory, so both start empty and everything is removed at the end. Each round
runs the hutch sample and the podman sample one after the other (alternating which
goes first), so that a load spike on the machine hits both; the report shows
medians. See bench/README.md for what each case measures.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from benchcases import AREAS, CASES, Bench, Case, prepare
from benchcore import Result, failed, parse_only, render_table, summarize
from benchtools import SIDES, BenchError, Tools, stop_session_holder


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def measure(bench: Bench, case: Case, runs: int, warmup: int) -> list[Result]:
    if case.max_runs is not None:
        runs = min(runs, case.max_runs)
    if case.max_warmup is not None:
        warmup = min(warmup, case.max_warmup)
    samples: dict[str, list[tuple[float, ...]]] = {side: [] for side in SIDES}
    set_up: list[str] = []
    try:
        prepare(bench, case)
        for side in SIDES:
            if case.setup is not None:
                set_up.append(side)
                case.setup(bench, side)
            for _ in range(warmup):
                case.sample(bench, side)
        for i in range(runs):
            # alternate who goes first so that neither always runs on a warmer cache
            for side in SIDES if i % 2 == 0 else tuple(reversed(SIDES)):
                samples[side].append(case.sample(bench, side))
    except (BenchError, ValueError, KeyError, OSError, subprocess.SubprocessError) as e:
        return failed(case.key, case.metrics, str(e) or type(e).__name__)
    finally:
        if case.teardown is not None:
            for side in set_up:
                case.teardown(bench, side)
    return summarize(case.key, case.metrics, samples["hutch"], samples["podman"])


def machine() -> dict[str, str]:
    pretty = ""
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                pretty = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return {"cores": str(os.cpu_count()), "os": pretty, "kernel": platform.release()}


def loadavg() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def version(argv: list[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "?"
    return out.strip().splitlines()[0] if out.strip() else "?"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument(
        "-n", "--runs", type=int, default=10, help="timed runs per case (10; slow cases fewer)"
    )
    p.add_argument("--warmup", type=int, default=2, help="untimed runs first (2; slow cases 1)")
    p.add_argument(
        "--only",
        metavar="CASE,...",
        help=f"cases or areas to run; areas: {', '.join(AREAS)}; "
        f"cases: {', '.join(c.key for c in CASES)}",
    )
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    p.add_argument(
        "--report",
        type=Path,
        metavar="FILE.json",
        help="print the table of a saved --json report and exit",
    )
    p.add_argument(
        "--plot",
        type=Path,
        metavar="FILE.png",
        help="also draw the scale case's curves into FILE.png (with --report: the saved run's)",
    )
    p.add_argument("--hutch", type=Path, default=Path(sys.executable).parent / "hutch")
    p.add_argument("--podman", type=Path, default=shutil.which("podman") or "podman")
    return p.parse_args(argv)  # fmt: skip


def clean_up(tools: Tools, bench: Bench, work: Path) -> None:
    bench.close()
    tools.quiet("hutch", ("rm", "-f", "-a", "-t", "0"))
    tools.quiet("podman", ("rm", "-f", "-a", "-t", "0"))
    tools.quiet("hutch", ("system", "reset", "--force"))
    tools.quiet("podman", ("rmi", "-a", "-f"))
    # files owned by subordinate ids can only be removed inside each tool's namespace
    tools.quiet("podman", ("unshare", "rm", "-rf", str(work / "podman")))
    tools.quiet("podman", ("unshare", "rm", "-rf", str(tools.podman_runroot)))
    tools.quiet("hutch", ("unshare", "rm", "-rf", str(work / "hutch" / "data")))
    runtime = Path(tools.hutch_env["XDG_RUNTIME_DIR"])
    stop_session_holder(runtime)
    shutil.rmtree(runtime, ignore_errors=True)  # in the user's runtime dir, out of work
    shutil.rmtree(work, ignore_errors=True)
    if work.exists():
        log(f"could not remove all of {work}")


def report_text(info: dict[str, str], results: Sequence[Result]) -> str:
    header = [
        f"{info['date']}; {info['cores']} cores, {info['os']}, kernel {info['kernel']}",
        f"load average (1/5/15 min) before: {info['load_before']}, after: {info['load_after']}; "
        f"highest 1-min load seen at a case start: {info.get('load_max', '?')}",
        f"{info['hutch']} against {info['podman']}; median of up to {info['runs']} runs "
        f"after {info['warmup']} warm-up runs (slow cases fewer)",
        "",
    ]
    return render_table(results, header)


def plot(path: Path | None, info: dict[str, str], results: Sequence[Result]) -> None:
    if path is None:
        return
    from benchplot import write_scale_plot

    title = (
        f"{info['hutch']} against {info['podman']}, {info['date']}, "
        f"load {info['load_before']} before, {info['load_after']} after"
    )
    if write_scale_plot(results, path, title):
        log(f"scale plot written to {path}")
    else:
        log(f"no scale rows to plot (run the case: --only scale); {path} not written")


def show_report(path: Path, check: bool, plot_path: Path | None) -> int:
    """Print the table of a saved ``--json`` report (and draw its scale plot)."""
    data = json.loads(path.read_text())
    results = [Result(**r) for r in data.pop("results")]
    info = {k: str(v) for k, v in data.items()}
    print(report_text(info, results))
    plot(plot_path, info, results)
    return 1 if check and any(r.met is False for r in results) else 0


def main(argv: Sequence[str] | None = None) -> int:
    opts = parse_args(argv)
    if opts.report is not None:
        return show_report(opts.report, opts.check, opts.plot)
    if os.geteuid() == 0:
        raise SystemExit("bench: run as an unprivileged user (contrib/bench.sh does)")
    if opts.plot is not None and not os.access(opts.plot.parent, os.W_OK):
        # found out only at the end of a ten-minute run otherwise
        raise SystemExit(f"bench: cannot write the plot into {opts.plot.parent}")
    for tool in (opts.hutch, opts.podman):
        if not (tool.is_file() and os.access(tool, os.X_OK)):
            raise SystemExit(f"bench: {tool} not found or not executable")
    try:
        keys = parse_only(opts.only, [c.key for c in CASES], AREAS)
    except ValueError as e:
        raise SystemExit(f"bench: {e}") from e
    selected = [c for c in CASES if c.key in keys]
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = loadavg()
    # a short path: hutch keeps unix sockets in the runtime dir
    work = Path(tempfile.mkdtemp(prefix="hutch-bench-", dir="/tmp"))
    tools = Tools(opts.hutch, opts.podman, work)
    bench = Bench(tools, work)
    results: list[Result] = []
    load_max = os.getloadavg()[0]
    try:
        for case in selected:
            load_max = max(load_max, os.getloadavg()[0])
            log(f"{case.key} (load {loadavg()})")
            results += measure(bench, case, opts.runs, opts.warmup)
    finally:
        clean_up(tools, bench, work)
    info = {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        **machine(),
        "load_before": load_before,
        "load_after": loadavg(),
        "load_max": f"{max(load_max, os.getloadavg()[0]):.2f}",
        "hutch": "hutch " + version([str(opts.hutch), "--version"]).split()[-1],
        "podman": version([str(opts.podman), "--version"]),
        "runs": str(opts.runs),
        "warmup": str(opts.warmup),
    }
    # the figures first: a plot that cannot be written must not lose a whole run
    if opts.json:
        print(json.dumps({**info, "results": [asdict(r) for r in results]}, indent=2))
    else:
        print(report_text(info, results))
    sys.stdout.flush()
    plot(opts.plot, info, results)
    missed = [r for r in results if r.met is False]
    return 1 if opts.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
