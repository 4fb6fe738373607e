"""Volume filters (``volume ls`` and ``volume prune``): podman's keys and rules."""

from __future__ import annotations

import pytest

from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.api.volumes import VolumeSummary
from hutch.volumes.filters import parse_volume_filters
from unit.fakes import FakeEngine, run_cli

NOW = 1_700_000_000.0
HOUR = 3600.0


def _volume(
    name: str,
    created: float,
    labels: dict[str, str] | None = None,
    users: tuple[str, ...] = (),
    options: dict[str, str] | None = None,
    anonymous: bool = False,
) -> VolumeSummary:
    return VolumeSummary(
        name,
        "local",
        f"/v/{name}/_data",
        created,
        tuple((labels or {}).items()),
        tuple((options or {}).items()),
        anonymous=anonymous,
        users=users,
    )


OLD = _volume("old", NOW - 48 * HOUR, {"env": "prod", "team": "a"})
MID = _volume("mid", NOW - 5 * HOUR, {"env": "dev"}, options={"type": "tmpfs"})
NEW = _volume("new", NOW - 60, {}, users=("c" * 64,), anonymous=True)
ALL = (OLD, MID, NEW)
CREATED = {v.name: v.created for v in ALL}


def _names(*items: str) -> list[str]:
    filters = parse_volume_filters(items, CREATED.get, now=NOW)
    return [v.name for v in ALL if filters.match(v)]


def test_no_filter_keeps_everything() -> None:
    assert _names() == ["old", "mid", "new"]


def test_label_with_and_without_a_value() -> None:
    assert _names("label=env") == ["old", "mid"]
    assert _names("label=env=dev") == ["mid"]
    assert _names("label=nosuch") == []


def test_label_values_must_all_hold() -> None:
    assert _names("label=env", "label=team=a") == ["old"]
    assert _names("label=env=dev", "label=env=prod") == []


def test_label_bang_keeps_volumes_without_the_labels() -> None:
    assert _names("label!=env") == ["new"]
    assert _names("label!=env=prod") == ["mid", "new"]
    # podman: excluded only when a volume has every one of the labels
    assert _names("label!=env", "label!=team") == ["mid", "new"]


def test_until_takes_a_duration_or_a_time() -> None:
    assert _names("until=24h") == ["old"]
    assert _names("until=1h") == ["old", "mid"]
    assert _names(f"until={int(NOW - 10 * HOUR)}") == ["old"]
    assert _names("until=2000-01-01T00:00:00Z") == []


def test_label_and_until_must_both_match() -> None:
    assert _names("label=env", "until=1h") == ["old", "mid"]
    assert _names("label=env=dev", "until=24h") == []
    assert _names("label!=team", "until=1h") == ["mid"]


def test_values_of_one_key_are_alternatives() -> None:
    assert _names("name=^old$", "name=^new$") == ["old", "new"]
    assert _names("driver=local", "driver=other") == ["old", "mid", "new"]


def test_dangling_anonymous_opt_scope() -> None:
    assert _names("dangling=true") == ["old", "mid"]
    assert _names("dangling=0") == ["new"]
    assert _names("anonymous=TRUE") == ["new"]
    assert _names("opt=type=tmpfs") == ["mid"]
    assert _names("opt=type") == ["mid"]
    assert _names("scope=local") == ["old", "mid", "new"]
    assert _names("scope=global") == []


def test_after_and_since_name_a_volume() -> None:
    assert _names("after=old") == ["mid", "new"]
    assert _names("since=mid") == ["new"]
    with pytest.raises(NoSuchObject, match="nosuch"):
        _names("after=nosuch")


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("label", "^filter input must be in the form of filter=value: label is invalid$"),
        ("label=", "KEY=VALUE"),
        ("colour=red", '^"colour" is an invalid volume filter$'),  # podman's words
        ("dangling=maybe", "true or false"),
        ("until=yesterday", '^failed to parse value as time or duration: "yesterday"$'),
    ],
)
def test_bad_filters_are_refused(item: str, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        _names(item)


def test_until_takes_one_value_only() -> None:
    with pytest.raises(InvalidArgument, match="exactly one"):
        _names("until=1h", "until=2h")


def test_prune_passes_its_filters_to_the_engine(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(volume_list=[OLD])
    argv = ["volume", "prune", "-f", "--filter", "label!=keep", "--filter", "until=10m"]
    result = run_cli(argv, fake, monkeypatch, capsys)
    assert (result.code, result.out) == (0, "old\n")
    assert fake.only_call("volumes.prune") == ("label!=keep", "until=10m")
    run_cli(["volume", "prune", "-f"], fake, monkeypatch, capsys)
    assert fake.calls[-1] == ("volumes.prune", ())
