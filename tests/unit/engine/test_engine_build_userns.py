"""build's --userns and --userns-uid-map/-gid-map/-uid-map-user/-gid-map-group (issue 15):
buildah's rules for the maps, in session IDs, and the refusals in podman's words."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from hutch.api.build import BuildUserns
from hutch.api.errors import InvalidArgument
from hutch.build.runstep import build_spec
from hutch.build.stepstate import RunSettings
from hutch.engine import build_userns as bu
from hutch.runtime.ids import IdMapEntry
from hutch.runtime.spec_userns import SHIFT_COPY, SHIFT_FUSE, SHIFT_NONE, UsernsSpec
from unit.steprequest import step_request

# a session namespace: the user, then 65536 subordinate IDs from host 100000
_SESSION = (IdMapEntry(0, 1001, 1), IdMapEntry(1, 100000, 65536))


def _e(*triples: tuple[int, int, int]) -> tuple[IdMapEntry, ...]:
    return tuple(IdMapEntry(*t) for t in triples)


def _step(plan: bu.BuildUsernsPlan, driver: str = "overlay") -> UsernsSpec:
    return bu.step_userns(plan, _SESSION, _SESSION, driver)


def test_triples_repeated_and_comma_separated() -> None:
    plan = bu.parse_build_userns(BuildUserns(uid_map=("0:1000:500,500:3000:500", "1000:5000:10")))
    assert plan.uid_map == _e((0, 1000, 500), (500, 3000, 500), (1000, 5000, 10))
    assert plan.gid_map == () and plan.mapped


@pytest.mark.parametrize("value", ["abc", "0:1000", "0:1000:10:5", "0:1000:10,x", "-1:0:1", ""])
def test_a_value_not_three_numbers_is_refused_in_podmans_words(value: str) -> None:
    message = f'mapping "{value}" is not in the form containerid:hostid:size[,...]'
    with pytest.raises(InvalidArgument, match=re.escape(message)):
        bu.parse_build_userns(BuildUserns(uid_map=(value,)))


def test_overlaps_empty_ranges_and_ids_past_the_session_are_refused() -> None:
    with pytest.raises(InvalidArgument, match="overlap on the inside side"):
        bu.parse_build_userns(BuildUserns(gid_map=("0:1:10,5:100:10",)))
    with pytest.raises(InvalidArgument, match="the size must be at least 1"):
        bu.parse_build_userns(BuildUserns(uid_map=("0:1:0",)))
    plan = bu.parse_build_userns(BuildUserns(uid_map=("0:60000:10000",)))
    with pytest.raises(InvalidArgument, match=r"impossible --userns-uid-map 0:60000:10000"):
        _step(plan)


def test_one_map_alone_serves_for_both_as_buildah() -> None:
    uid_only = _step(bu.parse_build_userns(BuildUserns(uid_map=("0:1000:60000",))))
    assert uid_only.uid_map == uid_only.gid_map == _e((0, 1000, 60000))
    gid_only = _step(bu.parse_build_userns(BuildUserns(gid_map=("0:1:1000",))))
    assert gid_only.uid_map == gid_only.gid_map == _e((0, 1, 1000))
    both = _step(bu.parse_build_userns(BuildUserns(uid_map=("0:1:10",), gid_map=("0:20:10",))))
    assert (both.uid_map, both.gid_map) == (_e((0, 1, 10)), _e((0, 20, 10)))
    assert both.mode == "map" and both.enabled


def test_no_map_is_the_session_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    for mode in (None, "", "host", "container", "private"):
        plan = bu.parse_build_userns(BuildUserns(userns=mode))
        assert not plan.mapped and not plan.path
        assert _step(plan) == UsernsSpec()


def test_how_the_image_is_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = bu.parse_build_userns(BuildUserns(uid_map=("0:1000:60000",)))
    monkeypatch.setenv("HUTCH_USERNS_SHIFT", "copy")
    assert _step(plan).shift == SHIFT_COPY
    monkeypatch.setenv("HUTCH_USERNS_SHIFT", "fuse-overlayfs")
    assert _step(plan).shift == SHIFT_FUSE
    # the identity needs no shifting at all
    same = bu.parse_build_userns(BuildUserns(uid_map=("0:0:1000",)))
    assert _step(same).shift == SHIFT_NONE


def _subids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "subuid").write_text("alice:100000:65536\nbob:200000:1000\n")
    (tmp_path / "subgid").write_text("alice:100000:65536\nstaff:100100:10\n")
    monkeypatch.setattr(bu, "_SUBUID", tmp_path / "subuid")
    monkeypatch.setattr(bu, "_SUBGID", tmp_path / "subgid")


def test_names_take_their_ranges_in_session_ids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _subids(tmp_path, monkeypatch)
    # alice's host 100000.. is the session's 1..: container 0.. from there
    spec = _step(bu.parse_build_userns(BuildUserns(uid_map_user="alice")))
    assert spec.uid_map == spec.gid_map == _e((0, 1, 65536))  # the group: the same name
    spec = _step(bu.parse_build_userns(BuildUserns(uid_map_user="alice", gid_map_group="staff")))
    assert spec.gid_map == _e((0, 101, 10))
    # the group alone names the user too (buildah), and the triples follow the ranges
    with pytest.raises(InvalidArgument, match='no subuid ranges found for user "staff"'):
        _step(bu.parse_build_userns(BuildUserns(gid_map_group="staff")))
    spec = _step(
        bu.parse_build_userns(
            BuildUserns(uid_map_user="alice", uid_map=("70000:0:1",), gid_map=("70000:0:1",))
        )
    )
    assert spec.uid_map == _e((0, 1, 65536), (70000, 0, 1))


def test_a_name_without_ranges_or_outside_the_session_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _subids(tmp_path, monkeypatch)
    with pytest.raises(InvalidArgument, match=re.escape('no subuid ranges found for user "carol"')):
        _step(bu.parse_build_userns(BuildUserns(uid_map_user="carol")))
    with pytest.raises(InvalidArgument, match="not within your own subordinate ids"):
        _step(bu.parse_build_userns(BuildUserns(uid_map_user="bob", gid_map_group="alice")))


def test_host_or_a_path_with_a_map_and_a_missing_path_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match=r"^can not specify ID mappings while using host's"):
        bu.parse_build_userns(BuildUserns(userns="host", uid_map=("0:1:1",)))
    with pytest.raises(InvalidArgument, match=r"^can not specify ID mappings"):
        bu.parse_build_userns(BuildUserns(userns="host", uid_map_user="alice"))
    with pytest.raises(InvalidArgument, match="cannot take the --userns-\\*-map flags"):
        bu.parse_build_userns(BuildUserns(userns="/proc/self/ns/user", gid_map=("0:1:1",)))
    missing = tmp_path / "nope"
    with pytest.raises(InvalidArgument, match=f"^checking user namespace: stat {missing}: no such"):
        bu.parse_build_userns(BuildUserns(userns=f"ns:{missing}"))


def test_a_path_is_joined_only_when_it_is_our_namespace(tmp_path: Path) -> None:
    plan = bu.parse_build_userns(BuildUserns(userns="ns:/proc/self/ns/user"))
    assert plan.path == "/proc/self/ns/user" and not plan.mapped
    bu.check_path(plan.path)  # the process's own: taken
    bu.check_path(f"/proc/{os.getpid()}/ns/user")
    other = tmp_path / "ns"
    other.write_text("")
    with pytest.raises(InvalidArgument, match="not the session's user namespace"):
        bu.check_path(str(other))


def test_the_steps_spec_carries_the_maps(tmp_path: Path) -> None:
    userns = UsernsSpec(mode="map", uid_map=_e((0, 1000, 10)), gid_map=_e((0, 1000, 10)))
    spec = build_spec(step_request(tmp_path, RunSettings(userns=userns)), ())
    assert spec.userns == userns
    assert build_spec(step_request(tmp_path, RunSettings()), ()).userns == UsernsSpec()
