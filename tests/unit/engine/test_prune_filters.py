"""``system prune --filter``: until, label and label! as podman reads them."""

from __future__ import annotations

import pytest

from hutch.api.errors import InvalidArgument
from hutch.engine.prune_filters import PruneFilters, parse_prune_filters

NOW = 1_000_000.0


def test_no_filter_matches_everything() -> None:
    assert parse_prune_filters(()) == PruneFilters()
    assert PruneFilters().match(NOW, ())


def test_until_keeps_what_was_created_before() -> None:
    f = parse_prune_filters(["until=1h"], now=NOW)
    assert f.match(NOW - 7200, ()) and not f.match(NOW - 60, ())
    assert parse_prune_filters(["until=1970-01-02"]).until == 86400.0


def test_labels_must_all_hold_and_label_not_must_not() -> None:
    f = parse_prune_filters(["label=a", "label=b=2", "label!=keep"])
    assert f.match(NOW, (("a", "x"), ("b", "2")))
    assert not f.match(NOW, (("a", "x"), ("b", "3")))
    assert not f.match(NOW, (("a", "x"), ("b", "2"), ("keep", "")))
    only_value = parse_prune_filters(["label!=keep=yes"])
    assert only_value.match(NOW, (("keep", "no"),))
    assert not only_value.match(NOW, (("keep", "yes"),))


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("dangling=true", "dangling is an invalid filter"),
        ("label", "use KEY=VALUE"),
        ("until=soon", 'failed to parse value as time or duration: "soon"'),
    ],
)
def test_bad_filters_are_refused(item: str, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        parse_prune_filters([item])
