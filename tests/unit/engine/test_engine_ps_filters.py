"""``ps --filter`` (and the verbs that take ps's filters): podman-ps(1)'s keys, in
current podman's semantics and 4.3.1's words for bad values."""

from __future__ import annotations

import pytest

from hutch.api.containers import ContainerSummary
from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.engine.container_filters import Lookups, parse_filters

IMAGE = "sha256:" + "091a4b" + "c" * 58
OTHER = "sha256:" + "77ee" * 16


def _c(name: str, created: float, **kw: object) -> ContainerSummary:
    base: dict[str, object] = {
        "id": name[1] * 2 + "12ab" * 15 + "ff",
        "name": name,
        "image": "localhost/base:latest",
        "image_id": IMAGE,
        "command": "sleep 100",
        "created": created,
        "status": "exited",
        "exit_code": 0,
        "started_at": 0.0,
        "finished_at": 0.0,
    }
    base.update(kw)
    return ContainerSummary(**base)  # type: ignore[arg-type]


ALL = [
    _c("c1", 100.0, labels=(("a", "1"), ("b", "2")), command="true", exit_code=0),
    _c("c2", 200.0, labels=(("a", "1"), ("app.kubernetes.io/name", "x")), status="running",
       restart_policy="always", health="healthy", command="/bin/sh -c 'echo hi'"),
    _c("c3", 300.0, labels=(("b", "2"),), exit_code=3, health="starting",
       restart_policy="unless-stopped", image_id=OTHER, command="sh -c 'exit 3'"),
    _c("c4", 400.0, restart_policy="unless-stopped", stopped_by_user=True, health="unhealthy"),
]  # fmt: skip
CREATED = {c.name: c.created for c in ALL}


def _created_of(name: str) -> float:
    if name not in CREATED:
        raise NoSuchObject(f'no container with name or ID "{name}" found: no such container')
    return CREATED[name]


def _image_ids_of(text: str) -> tuple[str, ...]:
    if text in ("base", "091a"):  # c3's image was built on base
        return (IMAGE, OTHER)
    return (OTHER,) if text == "derived" else ()


SHARED = {"c1": "c1" * 32, "c2": "c2" * 32}
LOOKUPS = Lookups(_created_of, _image_ids_of, SHARED.get)


def _names(*filters: str, now: float = 1000.0) -> list[str]:
    parsed = parse_filters(filters, LOOKUPS, now=now)
    return [c.name for c in ALL if parsed.match(c)]


def _refused(*filters: str) -> str:
    with pytest.raises((InvalidArgument, NoSuchObject)) as refused:
        parse_filters(filters, LOOKUPS, now=1000.0)
    return str(refused.value)


def test_every_value_of_label_must_match_as_podmans() -> None:
    assert _names("label=a=1") == ["c1", "c2"]
    assert _names("label=a=1", "label=b=2") == ["c1"]  # exclusive, unlike the other keys
    assert _names("label=a", "label=b") == ["c1"]
    assert _names("label=a=2") == []


def test_a_star_in_a_label_key_matches_part_of_it() -> None:
    assert _names("label=app.*") == ["c2"]
    assert _names("label=*kubernetes*=x") == ["c2"]
    assert _names("label=*") == ["c1", "c2", "c3"]


def test_label_bang_keeps_those_without_any_of_the_labels() -> None:
    assert _names("label!=a") == ["c3", "c4"]
    assert _names("label!=a", "label!=b=2") == ["c4"]


def test_an_id_is_a_prefix_when_hex_and_a_pattern_otherwise() -> None:
    assert _names("id=2212AB") == ["c2"]  # hex: a prefix, any case
    assert _names("id=12ab") == []  # not a prefix of any
    assert _names("id=^[34]") == ["c3", "c4"]  # not hex: a regular expression
    assert _names("id=ff$") == ["c1", "c2", "c3", "c4"]
    assert _names("id=[") == []  # a pattern that does not compile matches nothing


def test_a_name_is_a_pattern_and_its_slashes_go() -> None:
    assert _names("name=c[12]") == ["c1", "c2"]
    assert _names("name=/c3") == ["c3"]
    assert _names("name=") == ["c1", "c2", "c3", "c4"]


def test_values_of_one_key_are_alternatives_and_keys_all_hold() -> None:
    assert _names("name=c1", "name=c3") == ["c1", "c3"]
    assert _names("name=c", "status=running") == ["c2"]


def test_status_takes_podmans_states() -> None:
    assert _names("status=stopped") == _names("status=exited") == ["c1", "c3", "c4"]
    assert _names("status=initialized") == []
    assert parse_filters(["status=exited"]).implies_all
    assert _refused("status=bogus") == "unknown container state: bogus: invalid argument"
    assert _refused("status=") == "unknown container state: : invalid argument"


def test_exited_takes_an_int32_in_podmans_words() -> None:
    assert _names("exited=3") == ["c3"]
    assert _names("exited=+3", "exited=0") == ["c1", "c3", "c4"]
    assert _refused("exited=x") == (
        "exited code out of range '\\x00': strconv.ParseInt: parsing \"x\": invalid syntax"
    )
    assert _refused("exited=99999999999") == (
        "exited code out of range '\ufffd': strconv.ParseInt: "
        'parsing "99999999999": value out of range'
    )


def test_before_and_since_compare_creation_times_with_the_earliest_named() -> None:
    assert _names("since=c1") == ["c2", "c3", "c4"]
    assert _names("before=c3") == ["c1", "c2"]
    assert _names("since=c1", "before=c3") == ["c2"]
    assert _names("before=c2", "before=c3") == ["c1"]  # the earliest of the two
    assert _names("since=c2", "since=c3") == ["c3", "c4"]
    assert _refused("since=nosuch") == (
        'no container with name or ID "nosuch" found: no such container'
    )


def test_until_is_a_duration_before_now_or_a_time() -> None:
    assert _names("until=10m", now=1000.0) == ["c1", "c2", "c3"]  # created before 400
    assert _names("until=-1h", now=0.0) == ["c1", "c2", "c3", "c4"]
    assert _names("until=250") == ["c1", "c2"]  # unix seconds
    assert _names("until=1970-01-01T00:05:00Z") == ["c1", "c2"]
    assert _names("until=0") == []


def test_until_refuses_podmans_way() -> None:
    assert _refused("until=1h", "until=2h") == "specify exactly one timestamp for until"
    assert _refused("until=bogus") == 'failed to parse value as time or duration: "bogus"'
    assert _refused("until=1e3") == 'failed to parse value as time or duration: "1e3"'
    assert _refused("until=2099-13-01") == 'parsing time "2099-13-01": month out of range'
    assert _refused("until=x-y") == (
        'parsing time "x-y" as "2006-01-02": cannot parse "x-y" as "2006"'
    )


def test_ancestor_is_the_image_a_name_resolves_to_or_part_of_an_id() -> None:
    # podman-ps(1): "Image or descendant": base's and the image built on it
    assert _names("ancestor=base") == ["c1", "c2", "c3", "c4"]
    assert _names("ancestor=091a") == ["c1", "c2", "c3", "c4"]
    assert _names("ancestor=derived") == ["c3"]  # not what it was built on
    assert _names("ancestor=77ee77") == ["c3"]  # no image by that name: part of the id
    assert _names("ancestor=sha256:77ee") == ["c3"]
    assert _names("ancestor=bas") == []


def test_health_is_the_checks_status() -> None:
    assert _names("health=healthy") == ["c2"]
    assert _names("health=starting", "health=unhealthy") == ["c3", "c4"]
    assert _names("health=none") == []  # podman has no such status (no check is "")


def test_command_matches_argv0_of_the_command() -> None:
    assert _names("command=sh") == ["c2", "c3"]  # /bin/sh and sh
    assert _names("command=^sh$") == ["c3"]
    assert _names("command=echo") == []  # an argument, not argv[0]
    assert _names("command=true", "command=sleep") == ["c1", "c4"]


def test_should_start_on_boot_is_always_or_unless_stopped_not_stopped() -> None:
    assert _names("should-start-on-boot=true") == ["c2", "c3"]
    assert _names("should-start-on-boot=0") == ["c1", "c4"]
    assert _refused("should-start-on-boot=yes") == (
        'strconv.ParseBool: parsing "yes": invalid syntax'
    )


def test_unknown_keys_and_missing_equals_signs_in_podmans_words() -> None:
    assert _refused("publish=80") == "publish is an invalid filter"
    assert _refused("expose=80") == "expose is an invalid filter"
    assert _refused("name") == 'invalid filter "name"'


def test_network_container_names_the_containers_sharing_its_namespace() -> None:
    def listed(*filters: str) -> list[str]:
        parsed = parse_filters(filters, LOOKUPS, now=1000.0)
        return [c.name for c in shared if parsed.match(c)]

    shared = [
        _c("n1", 1.0, network_mode="container:" + "c1" * 32),
        _c("n2", 2.0, network_mode="container:" + "c2" * 32, networks=("net1",)),
        _c("n3", 3.0, network_mode="net1", networks=("net1",)),
        _c("n4", 4.0, network_mode="container:" + "c2" * 32),
    ]
    assert listed("network=container:c1") == ["n1"]
    assert listed("network=container:c2", "network=container:c1") == ["n1", "n2", "n4"]
    assert listed("network=container:nosuch") == []  # podman: no error, no match
    # a container in another's namespace is on no network by name (podman's rule)
    assert listed("network=net1") == ["n3"]
    assert listed("network=net1", "network=container:c2") == ["n2", "n3", "n4"]


def test_network_by_name_or_id_as_podman_resolves_it() -> None:
    """podman looks each value up as a network (name or id prefix) and passes over
    one it cannot find."""
    ids = {"net1": "net1", "ab12": "net1", "net2": "net2"}
    lookups = Lookups(_created_of, _image_ids_of, SHARED.get, ids.get)
    joined = [
        _c("n1", 1.0, networks=("net1",)),
        _c("n2", 2.0, networks=("net2", "net1")),
        _c("n3", 3.0),
    ]

    def listed(*filters: str) -> list[str]:
        parsed = parse_filters(filters, lookups, now=1000.0)
        return [c.name for c in joined if parsed.match(c)]

    assert listed("network=ab12") == ["n1", "n2"]  # an id prefix names net1
    assert listed("network=net2") == ["n2"]
    assert listed("network=nosuch") == []
    assert listed("network=nosuch", "network=net2") == ["n2"]
