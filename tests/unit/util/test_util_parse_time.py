"""parse_time's RFC 3339 reading without strptime gives what strptime gave (issue 16)."""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from hutch.util.durations import parse_input_time, parse_time

UTC = timezone.utc


def _at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> float:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("2026-12-05T00:16:48Z", _at(2026, 12, 5, 0, 16, 48)),
        # Go's nanoseconds: strptime's %f read the first six digits
        ("2026-12-05T00:16:48.123456789Z", _at(2026, 12, 5, 0, 16, 48, 123456)),
        ("2026-12-05T00:16:48.5Z", _at(2026, 12, 5, 0, 16, 48, 500000)),  # %f: ".5"
        ("2026-12-05T00:16:48.000001Z", _at(2026, 12, 5, 0, 16, 48, 1)),
        ("2026-12-05T01:16:48+01:00", _at(2026, 12, 5, 0, 16, 48)),
        ("2026-12-04T22:46:48.25-01:30", _at(2026, 12, 5, 0, 16, 48, 250000)),
        ("2026-12-05T05:46:48+0530", _at(2026, 12, 5, 0, 16, 48)),
        ("2026-12-05T00:16:48", _at(2026, 12, 5, 0, 16, 48)),  # no zone: UTC
        ("1970-01-01T00:00:00Z", 0.0),
    ],
)
def test_rfc3339_reads_as_strptime_read_it(text: str, want: float) -> None:
    assert parse_time(text) == want


@pytest.mark.parametrize(
    "text",
    [
        "2026-13-05T00:16:48Z",  # no month 13
        "2026-02-30T00:16:48Z",
        "2026-12-05T24:00:00Z",
        "2026-12-05 00:16:48Z",
        "yesterday",
    ],
)
def test_what_strptime_refused_is_still_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_time(text, now=0.0)


def test_other_forms_still_go_to_strptime() -> None:
    assert parse_time("2026-12-05") == datetime(2026, 12, 5, tzinfo=timezone.utc).timestamp()
    assert parse_time("2026-1-5T00:00:00Z") == _at(2026, 1, 5)  # strptime's %m takes "1"


def test_an_image_s_created_time_loads_no_strptime() -> None:
    """``hutch images`` reads each image's ``created``: strptime's first call imports
    _strptime, calendar and locale (about 2.5 ms of its start)."""
    probe = (
        "import sys\n"
        "from hutch.util.durations import parse_time\n"
        "parse_time('2026-12-05T00:16:48.123456789+01:00')\n"
        "print('_strptime' in sys.modules, 'datetime' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]  # nor datetime (0.6 ms)


def _by_datetime(text: str) -> float | None:
    """What the reading with datetime gave (before issue 16 took datetime out)."""
    date, _, rest = text.partition("T")
    clock, zone = rest[:8], rest[8:]
    fraction = ""
    if zone.startswith("."):
        digits = len(zone) - len(zone[1:].lstrip("0123456789")) - 1
        fraction, zone = zone[1 : 1 + digits][:6], zone[1 + digits :]
    tz = timezone.utc
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        minutes = int(zone[1:3]) * 60 + int(zone[-2:])
        try:
            tz = timezone(timedelta(minutes=sign * minutes))
        except ValueError:
            return None
    y, mo, d = (int(x) for x in date.split("-"))
    h, mi, sec = (int(x) for x in clock.split(":"))
    micros = int(fraction.ljust(6, "0")) if fraction else 0
    try:
        return datetime(y, mo, d, h, mi, sec, micros, tzinfo=tz).timestamp()
    except ValueError:
        return None


def test_the_calendar_arithmetic_gives_datetime_s_timestamps() -> None:
    # leap years of every kind, the ends of the range, offsets up to a day, fractions
    # of any length, and dates and times out of range (refused by both: None)
    rng = random.Random(16)
    years = [1, 4, 100, 400, 1600, 1700, 1899, 1900, 1969, 1970, 2000, 2024, 2100, 9999]
    zones = ["", "Z", "+00:00", "-05:30", "+0545", "+23:59", "-23:59", "+24:00", "-24:00"]
    for _ in range(20000):
        year = rng.choice([*years, rng.randint(1, 9999)])
        text = f"{year:04d}-{rng.randint(0, 13):02d}-{rng.randint(0, 32):02d}"
        text += f"T{rng.randint(0, 24):02d}:{rng.randint(0, 60):02d}:{rng.randint(0, 60):02d}"
        if rng.random() < 0.5:
            text += "." + "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 9)))
        text += rng.choice(zones)
        want = _by_datetime(text)
        if want is None:
            with pytest.raises(ValueError):
                parse_time(text, now=0.0)
        else:
            assert parse_time(text, now=0.0) == want, text


@pytest.mark.parametrize(
    ("text", "since", "expected"),
    [
        ("0", True, 0.0),  # unix seconds before a duration: 1970, not now
        ("0", False, 0.0),
        ("1.5", True, 1.5),
        ("10m", True, 1000.0 - 600),  # --since: back from now
        ("10m", False, 1000.0 + 600),  # --until: on from now, as podman
        ("-1m", True, 1000.0 + 60),
        ("+1m", True, 1000.0 - 60),
        ("-1m", False, 1000.0 - 60),
        ("1970-01-01T00:01:00Z", False, 60.0),
        ("1970-01-02", True, 86400.0),
    ],
)
def test_parse_input_time_reads_as_podmans_logs_and_events(
    text: str, since: bool, expected: float
) -> None:
    assert parse_input_time(text, since=since, now=1000.0) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["bogus", "", "10x", "--1m"])
def test_parse_input_time_refuses_what_is_no_time(text: str) -> None:
    with pytest.raises(ValueError):
        parse_input_time(text, since=True, now=1000.0)
