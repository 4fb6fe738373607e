"""--userns modes and --uidmap/--gidmap parsing and validation."""

from __future__ import annotations

import re

import pytest

from hutch.api.container_config import SecurityOptions
from hutch.api.errors import InvalidArgument
from hutch.engine.userns import check_within, parse_map, parse_mode, parse_userns_options
from hutch.runtime.ids import IdMapEntry


def test_modes() -> None:
    assert parse_mode(None).mode == ""
    assert parse_mode("host").mode == "host"
    keep = parse_mode("keep-id:uid=1000,gid=100")
    assert (keep.mode, keep.uid, keep.gid) == ("keep-id", 1000, 100)
    assert parse_mode("auto:size=1024").size == 1024
    for bad in ("bogus", "keep-id:size=1", "host:uid=1", "keep-id:uid=x"):
        with pytest.raises(InvalidArgument):
            parse_mode(bad)


def test_maps_parse_and_refuse_overlaps() -> None:
    assert parse_map(("0:1:1000", "1000:0:1"), "--uidmap") == (
        IdMapEntry(0, 1, 1000),
        IdMapEntry(1000, 0, 1),
    )
    for bad in (("0:1",), ("0:1:0",), ("a:1:1",), ("0:0:10", "5:100:10"), ("0:0:10", "100:5:10")):
        with pytest.raises(InvalidArgument):
            parse_map(bad, "--uidmap")


def test_map_outside_the_session_range_is_impossible() -> None:
    check_within((IdMapEntry(0, 0, 65537),), 65537, "--uidmap")
    with pytest.raises(InvalidArgument, match="impossible --uidmap"):
        check_within((IdMapEntry(0, 1, 65537),), 65537, "--uidmap")


def test_modes_pass_and_bad_combinations_are_refused_clearly() -> None:
    assert parse_userns_options(SecurityOptions(userns="host")).mode == "host"
    assert parse_userns_options(SecurityOptions(userns="keep-id")).mode == "keep-id"
    with pytest.raises(InvalidArgument, match="cannot be combined"):
        parse_userns_options(SecurityOptions(userns="keep-id", subuidname="x"))
    with pytest.raises(InvalidArgument, match="cannot be combined"):
        parse_userns_options(SecurityOptions(userns="host", uidmap=("0:0:1",)))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("bogus", "unrecognized namespace mode bogus passed"),  # podman's words
        ("keep-id:bogus=1", 'unknown option specified: "bogus"'),
        ("container:", "must provide a container for --userns container:"),
        ("ns:", "must provide a path for --userns ns:"),
    ],
)
def test_bad_userns_modes(text: str, words: str) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(words)):
        parse_mode(text)


def test_private_needs_maps_as_rootless_podman_does() -> None:
    with pytest.raises(InvalidArgument, match=r"^must provide at least one UID or GID mapping"):
        parse_userns_options(SecurityOptions(userns="private"))
    # with maps: a namespace of the container's own from them, as without --userns
    given = parse_userns_options(SecurityOptions(userns="private", uidmap=("0:1:100",)))
    assert given.mode == ""


def test_join_modes_name_their_target() -> None:
    assert (parse_mode("container:web").mode, parse_mode("container:web").target) == (
        "container",
        "web",
    )
    assert parse_mode("ns:/proc/1/ns/user").target == "/proc/1/ns/user"
