"""stats: CPU percentages between samples, and the rows and table the CLI prints."""

from __future__ import annotations

from dataclasses import replace

from hutch.api.containers import StatsReport, cpu_percent
from hutch.cli.stats import render_rows, row

SAMPLE = StatsReport(
    id="a" * 64,
    name="web",
    cpu_usec=2_000_000,
    sampled_at=110.0,
    started_at=100.0,
    cpus=2,
    mem_usage=25_000_000,
    mem_limit=100_000_000,
    pids=3,
    net_input=1200,
    net_output=0,
    block_input=0,
    block_output=4096,
)


def test_cpu_percent_since_start_then_between_samples() -> None:
    assert cpu_percent(SAMPLE) == 20.0  # 2 s of CPU in 10 s
    later = replace(SAMPLE, cpu_usec=3_000_000, sampled_at=112.0)
    assert cpu_percent(later, SAMPLE) == 50.0  # 1 s in 2 s
    assert cpu_percent(replace(SAMPLE, sampled_at=100.0)) == 0.0


def test_mem_percent() -> None:
    assert SAMPLE.mem_percent == 25.0
    assert replace(SAMPLE, mem_limit=0).mem_percent == 0.0


def test_row_and_table() -> None:
    fields = row(SAMPLE, None, no_trunc=False)
    assert fields["ID"] == "a" * 12
    assert fields["CPUPerc"] == "20.00%"
    assert fields["MemUsage"] == "25 MB / 100 MB"
    assert fields["NetIO"] == "1.2 kB / 0 B"
    assert fields["PIDs"] == 3
    table = render_rows([fields], None).splitlines()
    assert table[0].split()[:3] == ["ID", "NAME", "CPU"]
    assert table[1].split()[:3] == ["a" * 12, "web", "20.00%"]
    assert render_rows([fields], "{{.Name}} {{.MemUsageBytes}}") == "web 25000000\n"
    assert '"PIDs": 3' in render_rows([fields], "json")
    assert row(SAMPLE, None, no_trunc=True)["ID"] == "a" * 64
