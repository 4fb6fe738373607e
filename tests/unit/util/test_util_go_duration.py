"""Go's time.Duration String, as podman's stats .Up and .UpTime print it."""

from __future__ import annotations

import pytest

from hutch.util.humantime import go_duration


@pytest.mark.parametrize(
    ("nanoseconds", "text"),
    [
        (0, "0s"),
        (850, "850ns"),
        (1_500, "1.5µs"),
        (12_300_000, "12.3ms"),
        (1_000_000_000, "1s"),
        (2_500_000_000, "2.5s"),
        (62_500_000_000, "1m2.5s"),
        (3_600_000_000_000, "1h0m0s"),
        (3_723_000_000_001, "1h2m3.000000001s"),
        (-1_500, "-1.5µs"),
    ],
)
def test_go_duration(nanoseconds: int, text: str) -> None:
    assert go_duration(nanoseconds) == text
