"""``image history`` reads the times images carry, as Go writes them, on every Python."""

from __future__ import annotations

import pytest

from hutch.cli.history import _ts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-02T03:04:05Z", 1704164645.0),
        # Go drops trailing zeros and keeps up to nine digits; Python 3.10's
        # fromisoformat alone takes exactly three or six.
        ("2024-01-02T03:04:05.5Z", 1704164645.5),
        ("2024-01-02T03:04:05.123456789Z", 1704164645.123456789),
        ("2024-01-02T03:04:05.12+01:00", 1704161045.12),
    ],
)
def test_created_times_parse(text: str, expected: float) -> None:
    assert _ts(text) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("text", ["", None, "garbage", "2024-13-45T00:00:00Z"])
def test_bad_times_are_none(text: str | None) -> None:
    assert _ts(text) is None


def test_human_false_prints_the_time_itself_as_podman() -> None:
    from hutch.api.images import HistoryLine
    from hutch.cli.history import rows_of

    line = HistoryLine("a" * 64, "2026-12-03T18:35:58.123Z", "hutch import", 10, "", False)
    assert rows_of([line], False, human=False)[0]["Created"] == "2026-12-03T18:35:58Z"
    assert rows_of([line], False)[0]["Created"].endswith("ago")
