"""The scale case: how ``ps``, one more ``run -d`` and the containers' memory grow
with the number of running containers (issue 16: 10, 50 and 100, plotted).

One sample of a side is a whole ramp: start containers (8 at a time, untimed) until
``n`` run, time ``ps`` and one more ``run -d`` there, add up the memory of every
container's monitor and network helpers, and go on to the next ``n``; the sample
ends with all of them removed, so the two sides never run at once.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchcore import Metric, Target, kb_to_mb, scale_metric_name
from benchtools import HELPER_COMMS, BenchError, Tools, comm, memory_kb, process_table

SCALE_STEPS = (10, 50, 100)
PS_ROUNDS = 5
RUN_ROUNDS = 3
# A container started last runs its monitor's idle loop only after a second (hutch's
# runtime/idle.py); memory is read once all have settled, as the memory case does.
SETTLE = 2.0
NONE = Target("none")

METRICS: tuple[Metric, ...] = tuple(
    Metric(scale_metric_name(what, n), unit, NONE)
    for what, unit in (("ps", "s"), ("run -d", "s"), ("PSS", "MB"))
    for n in SCALE_STEPS
)


def _start(tools: Tools, side: str, first: int, last: int) -> None:
    def one(i: int) -> None:
        tools.ok(side, ("run", "-d", "--name", f"bench-scale-{i}", "{img}", "sleep", "infinity"))

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(one, range(first, last)))
    _, out = tools.ok(side, ("ps", "-q"))
    if len(out.split()) < last:
        raise BenchError(f"{side}: only {len(out.split())} of {last} containers running")


def _one_more(tools: Tools, side: str, n: int) -> float:
    """Time ``run -d`` of container n+1 (removed again, untimed), median of a few."""
    times = []
    for round_ in range(RUN_ROUNDS):
        name = f"bench-scale-extra-{n}-{round_}"
        seconds, _ = tools.ok(side, ("run", "-d", "--name", name, "{img}", "sleep", "infinity"))
        times.append(seconds)
        tools.ok(side, ("rm", "-f", "-t", "0", name))
    return statistics.median(times)


def container_processes(tools: Tools, side: str) -> list[int]:
    """Every running container's monitor (hutch's monitor, podman's conmon) and network
    helpers (pasta, slirp4netns, rootlessport), not the containers' own processes."""
    _, ids = tools.ok(side, ("ps", "-q"))
    names = ids.split()
    if not names:
        return []
    if side == "hutch":
        fmt = "{{.State.ConmonPid}} {{.State.Pid}}"
    else:
        fmt = "{{.State.ConmonPid}} {{.NetworkSettings.SandboxKey}}"
    _, out = tools.ok(side, ("inspect", "--format", fmt, *names))
    monitors: list[int] = []
    inits: set[int] = set()
    netns: set[str] = set()
    for line in out.splitlines():
        first, _, second = line.strip().partition(" ")
        if not first.isdigit() or first == "0":
            continue
        monitors.append(int(first))
        if side == "hutch" and second.isdigit():
            inits.add(int(second))
        elif second:
            netns.add(second)
    found = list(monitors)
    if side == "hutch":
        # the monitor's children other than the container: pasta, slirp4netns, fuse-overlayfs
        table = process_table()
        found += [c for m in monitors for c in table.get(m, []) if c not in inits]
    else:
        found += processes_naming(netns)
    return [p for p in found if p in monitors or comm(p).startswith(HELPER_COMMS)]


def processes_naming(paths: set[str]) -> list[int]:
    """Helpers whose argv names one of the network namespaces (podman's slirp4netns)."""
    if not paths:
        return []
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if any(p in cmdline for p in paths):
            found.append(int(entry))
    return found


def total_pss_mb(pids: Sequence[int]) -> float:
    total = 0
    for pid in pids:
        try:
            total += memory_kb(pid)["Pss"]
        except BenchError:
            continue  # a helper that ended between the listing and the read
    return kb_to_mb(total)


def ramp(tools: Tools, side: str) -> tuple[float, ...]:
    """One sample: (ps at each step..., run -d at each step..., PSS at each step...)."""
    ps: list[float] = []
    runs: list[float] = []
    pss: list[float] = []
    running = 0
    try:
        for n in SCALE_STEPS:
            _start(tools, side, running, n)
            running = n
            time.sleep(SETTLE)
            pss.append(total_pss_mb(container_processes(tools, side)))
            ps.append(statistics.median([tools.ok(side, ("ps",))[0] for _ in range(PS_ROUNDS)]))
            runs.append(_one_more(tools, side, n))
    finally:
        tools.quiet(side, ("rm", "-f", "-a", "-t", "0"), timeout=900)
    return (*ps, *runs, *pss)
