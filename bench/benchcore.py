"""The pure half of the benchmarks: targets, ratios, the table, and parsers.

Nothing here runs a process, so all of it is unit-tested
(tests/unit/bench/test_bench_core.py).
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# How a measured value is held against its target:
#   ratio_max  hutch/podman <= value (times, memory: lower is better)
#   ratio_min  hutch/podman >= value (throughput: higher is better)
#   abs_max    hutch's own value <= value, in the row's unit (podman shown for reference)
#   none       reported only
KINDS = ("ratio_max", "ratio_min", "abs_max", "none")


@dataclass(frozen=True)
class Target:
    kind: str
    value: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown target kind {self.kind!r}")

    def describe(self, unit: str) -> str:
        if self.kind == "ratio_max":
            return f"<= {self.value:g}x"
        if self.kind == "ratio_min":
            return f">= {self.value:g}x"
        if self.kind == "abs_max":
            return f"<= {self.value:g} {unit}"
        return "-"


@dataclass(frozen=True)
class Metric:
    """One row of the report: what a case's sample yields at one position."""

    name: str
    unit: str
    target: Target


@dataclass(frozen=True)
class Result:
    case: str
    name: str
    unit: str
    hutch: float | None
    podman: float | None
    ratio: float | None
    target: str
    target_kind: str
    target_value: float
    met: bool | None
    runs: int
    note: str = ""


def ratio_of(hutch: float | None, podman: float | None) -> float | None:
    """hutch/podman, or None when either is missing or podman's is zero."""
    if hutch is None or podman is None or podman == 0:
        return None
    return hutch / podman


def target_met(target: Target, hutch: float | None, podman: float | None) -> bool | None:
    """True/False against the target; None when there is no target or nothing to compare."""
    if target.kind == "none":
        return None
    if target.kind == "abs_max":
        return None if hutch is None else hutch <= target.value
    ratio = ratio_of(hutch, podman)
    if ratio is None:
        return None if hutch is None and podman is None else False
    return ratio <= target.value if target.kind == "ratio_max" else ratio >= target.value


def median_or_none(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def summarize(
    case: str,
    metrics: Sequence[Metric],
    hutch_samples: Sequence[Sequence[float]],
    podman_samples: Sequence[Sequence[float]],
    note: str = "",
) -> list[Result]:
    """One Result per metric from per-run samples (each sample: one value per metric)."""
    results = []
    for i, metric in enumerate(metrics):
        h = median_or_none([s[i] for s in hutch_samples])
        p = median_or_none([s[i] for s in podman_samples])
        results.append(
            Result(
                case=case,
                name=metric.name,
                unit=metric.unit,
                hutch=h,
                podman=p,
                ratio=ratio_of(h, p),
                target=metric.target.describe(metric.unit),
                target_kind=metric.target.kind,
                target_value=metric.target.value,
                met=target_met(metric.target, h, p),
                runs=min(len(hutch_samples), len(podman_samples)) or len(hutch_samples),
                note=note,
            )
        )
    return results


def failed(case: str, metrics: Sequence[Metric], note: str) -> list[Result]:
    """Rows for a case that could not be measured: missed, with the reason."""
    return [
        Result(case, m.name, m.unit, None, None, None, m.target.describe(m.unit),
               m.target.kind, m.target.value, False, 0, note)
        for m in metrics
    ]  # fmt: skip


def _num(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "MB":
        return f"{value:.1f} MB"
    return f"{value:.2f} {unit}"


def render_table(results: Sequence[Result], header: Iterable[str] = ()) -> str:
    """A Markdown table (readable as plain text too), then notes."""
    rows = [("case", "hutch", "podman", "hutch/podman", "target", "met", "runs")]
    for r in results:
        met = {True: "yes", False: "NO", None: "-"}[r.met]
        ratio = "-" if r.ratio is None else f"{r.ratio:.2f}"
        rows.append(
            (r.name, _num(r.hutch, r.unit), _num(r.podman, r.unit), ratio, r.target, met,
             str(r.runs))
        )  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    lines = list(header)
    lines.append(line(rows[0]))
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += [line(row) for row in rows[1:]]
    notes = [f"- {r.name}: {r.note}" for r in results if r.note]
    if notes:
        lines += ["", "Notes:", *notes]
    return "\n".join(lines)


def parse_only(
    text: str | None, cases: Sequence[str], areas: Mapping[str, Sequence[str]]
) -> list[str]:
    """``--only a,b``: case keys or area names, in the order of ``cases``; all when empty."""
    if not text:
        return list(cases)
    wanted: set[str] = set()
    for word in (w.strip() for w in text.split(",")):
        if not word:
            continue
        if word in areas:
            wanted.update(areas[word])
        elif word in cases:
            wanted.add(word)
        else:
            known = ", ".join([*areas, *cases])
            raise ValueError(f"unknown case {word!r} (known: {known})")
    return [c for c in cases if c in wanted]


def parse_smaps_rollup(text: str) -> dict[str, int]:
    """Fields of /proc/PID/smaps_rollup in kB: {"Rss": 2324, "Pss": 785, ...}."""
    fields: dict[str, int] = {}
    for raw in text.splitlines():
        key, sep, rest = raw.partition(":")
        parts = rest.split()
        if sep and len(parts) == 2 and parts[1] == "kB" and parts[0].isdigit():
            fields[key.strip()] = int(parts[0])
    return fields


def parse_status_rss(text: str) -> int | None:
    """VmRSS of /proc/PID/status in kB (fallback when smaps_rollup cannot be read)."""
    for raw in text.splitlines():
        if raw.startswith("VmRSS:"):
            return int(raw.split()[1])
    return None


def kb_to_mb(kb: float) -> float:
    return kb / 1024


def iperf_bits_per_second(report: str) -> float:
    """Received throughput of an ``iperf3 -J`` client report, in bit/s."""
    data = json.loads(report)
    if "error" in data:
        raise ValueError(f"iperf3: {data['error']}")
    return float(data["end"]["sum_received"]["bits_per_second"])


def parse_ps_children(stat_lines: Mapping[int, str]) -> dict[int, list[int]]:
    """Parent -> children from the text of /proc/PID/stat files (comm may hold spaces)."""
    children: dict[int, list[int]] = {}
    for pid, stat in stat_lines.items():
        after = stat.rsplit(")", 1)[-1].split()
        if len(after) >= 2:
            children.setdefault(int(after[1]), []).append(pid)
    return children


# The scale case's rows: "N running: WHAT" for each step N (bench/benchscale.py); the
# plot reads them back by that shape.
SCALE_CASE = "scale"
SCALE_WHAT = {
    "ps": "ps",
    "run -d": "run -d of one more",
    "PSS": "monitors + network helpers PSS",
}


def scale_metric_name(what: str, n: int) -> str:
    return f"{n} running: {SCALE_WHAT[what]}"


def scale_series(results: Iterable[Result]) -> dict[str, dict[str, list[tuple[int, float]]]]:
    """{what: {"hutch"|"podman": [(n, value), ...]}} from the scale case's rows, n rising;
    a side's missing value (a failed case) leaves its point out."""
    by_label = {label: what for what, label in SCALE_WHAT.items()}
    series: dict[str, dict[str, list[tuple[int, float]]]] = {}
    for r in results:
        if r.case != SCALE_CASE:
            continue
        count, sep, label = r.name.partition(" running: ")
        if not sep or not count.isdigit() or label not in by_label:
            continue
        sides = series.setdefault(by_label[label], {"hutch": [], "podman": []})
        for side, value in (("hutch", r.hutch), ("podman", r.podman)):
            if value is not None:
                sides[side].append((int(count), value))
    for sides in series.values():
        for points in sides.values():
            points.sort()
    return series
