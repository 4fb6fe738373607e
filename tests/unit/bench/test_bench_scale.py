"""The scale case's rows and their reading back for the plot (bench/benchscale.py,
benchcore.scale_series)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

from benchcore import Metric, Target, scale_metric_name, scale_series, summarize
from benchscale import METRICS, SCALE_STEPS


def test_the_case_has_one_row_per_step_and_measure() -> None:
    names = [m.name for m in METRICS]
    assert len(names) == 3 * len(SCALE_STEPS) == len(set(names))
    assert names[0] == "10 running: ps"
    assert names[-1] == "100 running: monitors + network helpers PSS"
    assert all(m.target.kind == "none" for m in METRICS)


def test_the_series_come_back_by_measure_and_side_with_n_rising() -> None:
    metrics = [
        Metric(scale_metric_name("PSS", 100), "MB", Target("none")),
        Metric(scale_metric_name("PSS", 10), "MB", Target("none")),
        Metric(scale_metric_name("ps", 10), "s", Target("none")),
    ]
    rows = summarize("scale", metrics, [(300.0, 30.0, 0.05)], [(200.0, 20.0, 0.07)])
    series = scale_series(rows)
    assert series["PSS"] == {"hutch": [(10, 30.0), (100, 300.0)],
                             "podman": [(10, 20.0), (100, 200.0)]}  # fmt: skip
    assert series["ps"] == {"hutch": [(10, 0.05)], "podman": [(10, 0.07)]}


def test_other_cases_and_missing_values_are_left_out() -> None:
    metric = Metric(scale_metric_name("run -d", 50), "s", Target("none"))
    other = summarize("ps100", [metric], [(1.0,)], [(2.0,)])
    assert scale_series(other) == {}
    missing = summarize("scale", [metric], [(0.2,)], [])
    assert scale_series(missing) == {"run -d": {"hutch": [(50, 0.2)], "podman": []}}
