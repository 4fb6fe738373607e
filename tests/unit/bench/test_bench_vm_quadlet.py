"""bench/vm_quadlet.py's summary of the guest's timings (issue 19)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "bench"))

from vm_quadlet import JOB, summarise  # noqa: E402


def test_medians_and_ratios_of_each_kind() -> None:
    text = "hutch 100 300\npodman 200 400\nhutch 120 310\npodman 180 420\nhutch 90 900\n"
    got = summarise(text, 3)
    assert got["hutch"] == {"start_ms": 100, "answer_ms": 310}
    assert got["podman"] == {"start_ms": 190.0, "answer_ms": 410.0}
    assert got["ratio_start"] == round(100 / 190, 3)
    assert got["ratio_answer"] == round(310 / 410, 3)


def test_the_job_formats_into_a_shell_script() -> None:
    job = JOB.format(
        hutch="/v/hutch", quadlet="/v/hutch-quadlet", runs=2, hutch_port=1, podman_port=2,
        httpd="true",
    )  # fmt: skip
    assert "PublishPort=127.0.0.1:1:8080" in job and "-p 127.0.0.1:2:8080" in job
    assert "ms() { echo" in job and "{{" not in job and "{runs}" not in job
