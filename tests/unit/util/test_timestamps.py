"""``until=`` values as podman reads them (containers/common's GetTimestamp)."""

from __future__ import annotations

from datetime import datetime

import pytest

from hutch.util.timestamps import TimestampError, filter_timestamp

NOW = 1_000_000.0


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("1h", NOW - 3600),
        ("1h30m", NOW - 5400),
        ("1.5h", NOW - 5400),
        ("+10s", NOW - 10),
        ("-1h", NOW + 3600),  # Go's signed durations: after now
        ("0", 0.0),  # not a duration: unix seconds
        ("1700000000", 1_700_000_000.0),
        ("1700000000.25", 1_700_000_000.25),
        ("2099-01-01T10:00:00Z", 4_070_944_800.0),
        ("2099-01-01T10:00:00+01:00", 4_070_941_200.0),
        ("2099-01-01T10:00:00-01:00", 4_070_948_400.0),
        ("2099-01-01T10:00:00.5Z", 4_070_944_800.5),
    ],
)
def test_durations_unix_seconds_and_zoned_times(value: str, seconds: float) -> None:
    assert filter_timestamp(value, NOW) == seconds


def test_a_time_without_a_zone_is_the_local_one() -> None:
    for value, local in (
        ("2026-12-05", datetime(2026, 12, 5)),
        ("2026-12-05T11", datetime(2026, 12, 5, 11)),
        ("2026-12-05T11:30", datetime(2026, 12, 5, 11, 30)),
        ("2026-12-05T11:30:15", datetime(2026, 12, 5, 11, 30, 15)),
    ):
        assert filter_timestamp(value, NOW) == local.timestamp()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("bogus", 'failed to parse value as time or duration: "bogus"'),
        ("", 'failed to parse value as time or duration: ""'),
        ("1e3", 'failed to parse value as time or duration: "1e3"'),
        ("2099-13-01", 'parsing time "2099-13-01": month out of range'),
        ("2026-02-31", 'parsing time "2026-02-31": day out of range'),
        ("2026-01-01T24:00", 'parsing time "2026-01-01T24:00": hour out of range'),
        ("x-y", 'parsing time "x-y" as "2006-01-02": cannot parse "x-y" as "2006"'),
    ],
)
def test_podmans_words_for_what_is_no_time(value: str, message: str) -> None:
    with pytest.raises(TimestampError) as refused:
        filter_timestamp(value, NOW)
    assert str(refused.value) == message
