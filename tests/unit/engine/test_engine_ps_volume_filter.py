"""``ps --filter volume=``: podman's NAME|MOUNTPOINT (and SOURCE:DEST) rules."""

from __future__ import annotations

import pytest

from hutch.api.containers import ContainerSummary
from hutch.api.errors import InvalidArgument
from hutch.engine.container_filters import parse_filters


def _container(
    name: str, mounts: tuple[tuple[str, str, str], ...], status: str = "running"
) -> ContainerSummary:
    return ContainerSummary(
        id=name * 8,
        name=name,
        image="base",
        image_id="sha256:" + "ab" * 32,
        command="sleep 1",
        created=0.0,
        status=status,
        exit_code=0,
        started_at=0.0,
        finished_at=0.0,
        labels=(("app", name),),
        mounts=mounts,
    )


VOL = _container("a", (("pgdata", "/s/volumes/pgdata/_data", "/var/lib/pg"),))
BIND = _container("b", (("", "/srv/cache", "/cache"),))
TMPFS = _container("c", (("", "", "/run/t"),))
BOTH = _container("d", (("pgdata", "/s/volumes/pgdata/_data", "/data"), ("", "/srv", "/srv")))
NONE = _container("e", ())
ALL = (VOL, BIND, TMPFS, BOTH, NONE)


def _names(*filters: str) -> list[str]:
    parsed = parse_filters(filters)
    return [c.name for c in ALL if parsed.match(c)]


def test_a_volume_name_matches_every_container_that_mounts_it() -> None:
    assert _names("volume=pgdata") == ["a", "d"]


def test_a_destination_matches_any_kind_of_mount() -> None:
    assert _names("volume=/cache") == ["b"]
    assert _names("volume=/run/t") == ["c"]
    assert _names("volume=/var/lib/pg/") == ["a"]  # the same path, written differently
    assert _names("volume=/var/lib") == []  # a parent is not the mount point


def test_a_bind_mounts_host_path_matches_as_in_podman() -> None:
    assert _names("volume=/srv/cache") == ["b"]
    assert _names("volume=/srv") == ["d"]  # its source and its destination


def test_source_and_destination_must_belong_to_one_mount() -> None:
    assert _names("volume=pgdata:/data") == ["d"]
    assert _names("volume=pgdata:/var/lib/pg") == ["a"]
    assert _names("volume=pgdata:/srv") == []  # d mounts both, but not as one mount
    assert _names("volume=/srv/cache:/cache") == ["b"]


def test_an_unknown_name_matches_nothing() -> None:
    assert _names("volume=nosuch") == []
    assert _names("volume=nosuch:") == []


def test_values_of_volume_are_alternatives() -> None:
    assert _names("volume=/cache", "volume=/run/t") == ["b", "c"]


def test_volume_and_other_keys_must_all_match() -> None:
    assert _names("volume=pgdata", "name=^d$") == ["d"]
    assert _names("volume=pgdata", "label=app=a") == ["a"]
    assert _names("volume=pgdata", "label=app=b") == []
    assert _names("volume=pgdata", "volume=/cache", "id=bbbb") == ["b"]


def test_volume_does_not_imply_all() -> None:
    assert not parse_filters(["volume=pgdata"]).implies_all


def test_an_empty_volume_value_matches_nothing_and_no_equals_sign_is_refused() -> None:
    assert _names("volume=") == []  # podman lists nothing (exit 0)
    with pytest.raises(InvalidArgument, match=r'^invalid filter "volume"$'):
        parse_filters(["volume"])


def test_an_unknown_key_is_refused_in_podmans_words() -> None:
    with pytest.raises(InvalidArgument) as refused:
        parse_filters(["nosuch=1"])
    assert str(refused.value) == "nosuch is an invalid filter"
