"""The pure half of bench/: targets, ratios, summaries, the table, --only, parsers."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

from benchcore import (
    Metric,
    Target,
    failed,
    iperf_bits_per_second,
    kb_to_mb,
    parse_only,
    parse_ps_children,
    parse_smaps_rollup,
    parse_status_rss,
    ratio_of,
    render_table,
    summarize,
    target_met,
)

SMAPS = """\
00400000-7ffdd3517000 ---p 00000000 00:00 0                              [rollup]
Rss:               16552 kB
Pss:               10830 kB
Pss_Dirty:          9828 kB
Shared_Clean:       5792 kB
Swap:                  0 kB
"""


def test_ratio_is_hutch_over_podman() -> None:
    assert ratio_of(1.0, 4.0) == 0.25
    assert ratio_of(None, 4.0) is None
    assert ratio_of(1.0, None) is None
    assert ratio_of(1.0, 0.0) is None


@pytest.mark.parametrize(
    ("target", "hutch", "podman", "met"),
    [
        (Target("ratio_max", 0.5), 0.15, 0.30, True),
        (Target("ratio_max", 0.5), 0.16, 0.30, False),
        (Target("ratio_min", 1.0), 6.0, 5.0, True),
        (Target("ratio_min", 1.0), 4.0, 5.0, False),
        (Target("abs_max", 0.1), 0.09, 5.0, True),
        (Target("abs_max", 0.1), 0.11, 0.01, False),
        (Target("abs_max", 12), 11.0, None, True),
        (Target("none"), 1.0, 2.0, None),
        (Target("ratio_max", 1.0), 1.0, None, False),
        (Target("ratio_max", 1.0), None, None, None),
    ],
)
def test_target_met(
    target: Target, hutch: float | None, podman: float | None, met: bool | None
) -> None:
    assert target_met(target, hutch, podman) is met


def test_unknown_target_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown target kind"):
        Target("fastest")


def test_target_descriptions_name_the_unit() -> None:
    assert Target("ratio_max", 0.5).describe("s") == "<= 0.5x"
    assert Target("ratio_min", 1).describe("Gbit/s") == ">= 1x"
    assert Target("abs_max", 12).describe("MB") == "<= 12 MB"
    assert Target("none").describe("s") == "-"


def test_summarize_takes_medians_per_metric() -> None:
    metrics = (
        Metric("rss", "MB", Target("ratio_max", 1.0)),
        Metric("mon", "MB", Target("abs_max", 12)),
    )
    hutch = [(10.0, 13.0), (30.0, 11.0), (20.0, 11.5)]
    podman = [(40.0, 2.0), (40.0, 2.0), (50.0, 3.0)]
    rss, mon = summarize("memory", metrics, hutch, podman)
    assert (rss.hutch, rss.podman, rss.ratio, rss.met, rss.runs) == (20.0, 40.0, 0.5, True, 3)
    assert (mon.hutch, mon.podman, mon.met) == (11.5, 2.0, True)
    assert mon.target == "<= 12 MB"


def test_failed_case_is_missed_with_its_reason() -> None:
    (row,) = failed(
        "pull", (Metric("pull", "s", Target("ratio_max", 1.0)),), "podman exited with 125"
    )
    assert row.met is False
    assert row.hutch is None
    assert row.note == "podman exited with 125"


def test_table_shows_values_ratio_target_and_notes() -> None:
    rows = summarize(
        "run", (Metric("run --rm", "s", Target("ratio_max", 0.5)),), [(0.2,)], [(0.3,)]
    )
    rows += failed("push", (Metric("push", "s", Target("ratio_max", 1.0)),), "boom")
    text = render_table(rows, ["header line"])
    lines = text.splitlines()
    assert lines[0] == "header line"
    assert lines[1].startswith("| case")
    run_row = next(line for line in lines if line.startswith("| run --rm"))
    cells = [c.strip() for c in run_row.strip("|").split("|")]
    assert cells == ["run --rm", "0.200 s", "0.300 s", "0.67", "<= 0.5x", "NO", "1"]
    assert "- push: boom" in lines


def test_parse_only_accepts_cases_and_areas_in_case_order() -> None:
    cases = ["run", "images", "pull", "push"]
    areas = {"foundation": ("run", "images"), "registry": ("pull", "push")}
    assert parse_only(None, cases, areas) == cases
    assert parse_only("push,foundation", cases, areas) == ["run", "images", "push"]
    with pytest.raises(ValueError, match="unknown case 'nope'"):
        parse_only("run,nope", cases, areas)


def test_parse_smaps_rollup_reads_kb_fields() -> None:
    fields = parse_smaps_rollup(SMAPS)
    assert fields["Rss"] == 16552
    assert fields["Pss"] == 10830
    assert fields["Swap"] == 0
    assert "00400000-7ffdd3517000 ---p 00000000 00" not in fields
    assert kb_to_mb(fields["Rss"]) == pytest.approx(16.164, abs=1e-3)


def test_parse_status_rss() -> None:
    assert parse_status_rss("Name:\tconmon\nVmRSS:\t    2324 kB\nThreads:\t1\n") == 2324
    assert parse_status_rss("Name:\tkthreadd\n") is None


def test_parse_ps_children_copes_with_spaces_and_parens_in_comm() -> None:
    stats = {
        10: "10 (python3) S 1 10 10 0",
        11: "11 (a (b) c) S 10 10 10 0",
        12: "12 (pasta) S 10 10 10 0",
    }
    assert parse_ps_children(stats) == {1: [10], 10: [11, 12]}


def test_iperf_report_gives_received_bits() -> None:
    report = {"end": {"sum_received": {"bits_per_second": 5.2e9}, "sum_sent": {}}}
    assert iperf_bits_per_second(json.dumps(report)) == 5.2e9
    with pytest.raises(ValueError, match="unable to connect"):
        iperf_bits_per_second(json.dumps({"error": "unable to connect to server"}))
