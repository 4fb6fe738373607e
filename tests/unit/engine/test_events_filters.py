"""``hutch events --filter``: podman's keys, values of one key ORed, keys ANDed."""

from __future__ import annotations

import pytest

from hutch.api.errors import InvalidArgument
from hutch.api.events import Event
from hutch.engine.events import parse_filters

T = 1_700_000_000_000_000_000
CID = "c0ffee" + "0" * 58
START = Event(T, "container", "start", CID, "web", "localhost/base:latest", {"tier": "front"})
DIED = Event(T, "container", "died", "d" * 64, "db", "localhost/base:latest", {"exitCode": "3"})
POD = Event(T, "pod", "create", "p" * 64, "pp", "", {"team": "a"})
VOLUME = Event(T, "volume", "create", "", "pgdata", "", {})
CONNECT = Event(T, "network", "connect", CID, "web", "", {"network": "front"})
NET_CREATE = Event(T, "network", "create", "ab12" * 16, "", "", {"network": "front"})
IMAGE = Event(T, "image", "pull", "fe" * 32, "quay.io/x/base:1", "", {})
ALL = (START, DIED, POD, VOLUME, CONNECT, NET_CREATE, IMAGE)


def kept(*filters: str, docker: bool = False) -> list[Event]:
    chosen = parse_filters(filters, docker)
    return [e for e in ALL if chosen.match(e)]


def test_values_of_one_key_are_alternatives_and_keys_must_all_match() -> None:
    assert kept("container=web", "container=db") == [START, DIED]
    assert kept("container=web", "container=db", "event=died") == [DIED]
    assert kept("type=pod", "type=volume") == [POD, VOLUME]
    assert kept("type=pod", "event=died") == []


def test_container_and_pod_by_name_or_any_prefix_of_the_id() -> None:
    assert kept("container=c0") == [START]  # podman: any prefix, even short
    assert kept("container=pp") == []  # a pod is no container
    assert kept("pod=pp") == kept("pod=ppp") == [POD]


def test_docker_die_is_died() -> None:
    assert kept("event=die") == kept("status=died") == [DIED]


def test_labels_by_key_or_key_and_value_never_the_reserved_ones() -> None:
    assert kept("label=tier=front") == [START]
    assert kept("label=tier") == [START]  # current podman's bare key
    assert kept("label=tier=back") == []
    assert kept("label=team=a", "label=tier=front") == [START, POD]
    assert kept("label=exitCode=3") == kept("label=network") == []


def test_volume_by_name_prefix_and_network_by_name_or_id() -> None:
    assert kept("volume=pg") == kept("volume=pgdata") == [VOLUME]
    assert kept("volume=data") == []
    assert kept("network=front") == [CONNECT, NET_CREATE]
    assert kept("network=ab12ab") == [NET_CREATE]  # a network's own event has its id
    assert kept("network=web") == []


def test_image_is_the_images_own_events_for_podman_and_its_containers_for_docker() -> None:
    assert kept("image=quay.io/x/base:1") == kept("image=base") == kept("image=fefe") == [IMAGE]
    assert kept("image=base", docker=True) == [START, DIED, IMAGE]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("colour=red", r"^colour is an invalid filter$"),
        ("container", "use KEY=VALUE"),
    ],
)
def test_bad_filters(item: str, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        parse_filters((item,))


def test_a_type_no_event_has_matches_nothing_as_in_podman() -> None:
    assert kept("type=bogus") == []
    assert kept("type=bogus", docker=True) == []


def test_a_bad_key_in_dockers_words_for_its_api() -> None:
    with pytest.raises(InvalidArgument, match=r"^invalid filter 'colour'$"):
        parse_filters(("colour=red",), docker=True)


@pytest.mark.parametrize("flag", ["--since", "--until"])
def test_a_time_that_does_not_parse_in_current_podmans_words(flag: str) -> None:
    from hutch.engine.events import _time

    with pytest.raises(InvalidArgument) as caught:
        _time(flag, "bogus")
    assert str(caught.value) == (
        f"failed to parse event filters: unable to convert {flag[2:]} time of bogus: "
        "unable to interpret time value"
    )
