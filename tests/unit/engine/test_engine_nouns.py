"""engine.containers answers every verb of the Containers protocol from the part of its slice."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.containers import Containers
from hutch.config.paths import Paths
from hutch.config.settings import Settings
from hutch.engine.context import EngineContext
from hutch.engine.engine import (
    EXEC_VERBS,
    LIFECYCLE_SLICE,
    LIFECYCLE_VERBS,
    LISTING_VERBS,
    LOOKUP_VERBS,
    QUERY_SLICE,
    QUERY_VERBS,
    STATE_VERBS,
    LocalContainers,
    parts,
    verbs_of,
)

PARTS = parts()


def test_containers_declares_no_verb_of_its_own() -> None:
    """A verb declared on Containers itself would have no part to answer it."""
    assert verbs_of(Containers) == frozenset()
    assert [b for b in Containers.__bases__ if b in PARTS] == list(PARTS)


def test_each_verb_is_in_exactly_one_slice() -> None:
    seen: dict[str, str] = {}
    for slice_ in PARTS:
        for verb in verbs_of(slice_):
            assert verb not in seen, f"{verb} in {seen.get(verb)} and {slice_.__name__}"
            seen[verb] = slice_.__name__
    assert len(seen) >= 27


def _ctx(tmp_path: Path) -> EngineContext:
    paths = Paths(tmp_path / "data", tmp_path / "run", tmp_path / "config")
    return EngineContext(paths, Settings())


@pytest.mark.parametrize("slice_", list(PARTS), ids=lambda s: s.__name__)
def test_every_verb_is_a_method_of_its_part(slice_: type, tmp_path: Path) -> None:
    part = PARTS[slice_](_ctx(tmp_path))
    for verb in verbs_of(slice_):
        assert callable(getattr(type(part), verb, None)), f"{type(part).__name__}.{verb}"


def test_a_verb_builds_only_its_part(tmp_path: Path) -> None:
    containers = LocalContainers(_ctx(tmp_path))
    method = containers.rename
    assert type(method.__self__).__name__ == "ContainerAdmin"
    assert containers.rename is method  # kept for the next call
    assert containers.prune.__self__ is method.__self__  # one part per slice
    assert [k for k in vars(containers) if k.endswith("Verbs")] == ["AdminVerbs"]


def test_listing_verbs_are_the_query_part_s_own_code(tmp_path: Path) -> None:
    # issue 16: ls is answered without the slices (api.containers); it must stay a
    # verb of QueryVerbs whose method the query part inherits, not a second copy
    from hutch.api.containers import QueryVerbs
    from hutch.engine.container_list import ContainerList
    from hutch.engine.container_query import ContainerQueries

    assert LISTING_VERBS and verbs_of(QueryVerbs) >= LISTING_VERBS
    containers = LocalContainers(_ctx(tmp_path))
    for verb in LISTING_VERBS:
        method = getattr(containers, verb)
        assert type(method.__self__) is ContainerList
        assert getattr(ContainerQueries, verb) is getattr(ContainerList, verb)
    assert [k for k in vars(containers) if k.endswith("Verbs")] == []  # no slice built


def test_inspect_state_is_the_query_part_s_own_code(tmp_path: Path) -> None:
    # issue 16: inspect -f '{{.State.Status}}' is answered without the slices and
    # without the query part's module (the whole report's code); it stays a verb of
    # QueryVerbs whose method the query part inherits, not a second copy
    from hutch.api.containers import QueryVerbs
    from hutch.engine.container_query import ContainerQueries
    from hutch.engine.container_state_query import StateInspection

    assert STATE_VERBS and verbs_of(QueryVerbs) >= STATE_VERBS
    containers = LocalContainers(_ctx(tmp_path))
    for verb in STATE_VERBS:
        assert type(getattr(containers, verb).__self__) is StateInspection
        assert getattr(ContainerQueries, verb) is getattr(StateInspection, verb)
    assert [k for k in vars(containers) if k.endswith("Verbs")] == []  # no slice built


def test_exists_is_the_admin_part_s_own_code(tmp_path: Path) -> None:
    # issue 16: a script's container exists is answered without the slices; it stays a
    # verb of AdminVerbs whose method the admin part inherits, not a second copy
    from hutch.api.containers import AdminVerbs
    from hutch.engine.container_admin import ContainerAdmin
    from hutch.engine.container_state_query import ContainerLookup

    assert LOOKUP_VERBS and verbs_of(AdminVerbs) >= LOOKUP_VERBS
    containers = LocalContainers(_ctx(tmp_path))
    for verb in LOOKUP_VERBS:
        assert type(getattr(containers, verb).__self__) is ContainerLookup
        assert getattr(ContainerAdmin, verb) is getattr(ContainerLookup, verb)
    assert containers.exists("nothing") is False
    assert [k for k in vars(containers) if k.endswith("Verbs")] == []  # no slice built


def test_the_lifecycle_verbs_are_its_slice_s_and_share_one_part(tmp_path: Path) -> None:
    # issue 16: create, run, stop and rm find their part without parts() (which loads
    # api.containers); the list must stay the slice's, and the part the one parts()
    # would build and keep
    from hutch.api.containers import LifecycleVerbs
    from hutch.engine.containers import ContainerService

    assert verbs_of(LifecycleVerbs) == LIFECYCLE_VERBS
    assert LifecycleVerbs.__name__ == LIFECYCLE_SLICE
    containers = LocalContainers(_ctx(tmp_path))
    create = containers.create
    assert type(create.__self__) is ContainerService
    assert containers.remove.__self__ is create.__self__  # one part for the slice
    assert [k for k in vars(containers) if k.endswith("Verbs")] == [LIFECYCLE_SLICE]


def test_the_query_verbs_are_their_slice_s_and_share_one_part(tmp_path: Path) -> None:
    # issue 16: inspect, logs and port find their part without parts() (which loads
    # api.containers); with ls (the listing part's) they are the whole slice, and the
    # part is the one parts() would build and keep
    from hutch.api.containers import QueryVerbs
    from hutch.engine.container_query import ContainerQueries

    assert verbs_of(QueryVerbs) == QUERY_VERBS | LISTING_VERBS | STATE_VERBS
    assert not QUERY_VERBS & LISTING_VERBS and not (QUERY_VERBS | LISTING_VERBS) & STATE_VERBS
    assert QueryVerbs.__name__ == QUERY_SLICE
    containers = LocalContainers(_ctx(tmp_path))
    inspect = containers.inspect
    assert type(inspect.__self__) is ContainerQueries
    assert containers.logs.__self__ is inspect.__self__  # one part for the slice
    assert [k for k in vars(containers) if k.endswith("Verbs")] == [QUERY_SLICE]


def test_exec_is_the_process_part_s_own_code(tmp_path: Path) -> None:
    # issue 16: exec is answered without the slices, by the class whose exec the
    # process part inherits (one copy of the verb)
    from hutch.api.containers import ProcessVerbs
    from hutch.engine.exec import ExecVerb
    from hutch.engine.lifecycle import LifecycleService

    assert EXEC_VERBS and verbs_of(ProcessVerbs) >= EXEC_VERBS
    containers = LocalContainers(_ctx(tmp_path))
    for verb in EXEC_VERBS:
        assert type(getattr(containers, verb).__self__) is ExecVerb
        # the process part hands the verb to ExecVerb (loaded then: run imports the
        # process part and must not load the container's init with it)
        assert getattr(LifecycleService, verb) is not getattr(ExecVerb, verb)
    assert [k for k in vars(containers) if k.endswith("Verbs")] == []  # no slice built


def test_the_process_part_s_exec_is_exec_verb_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hutch.api.container_exec import ExecOptions, ExecReport
    from hutch.engine.exec import ExecVerb
    from hutch.engine.lifecycle import LifecycleService

    answer = ExecReport("session", 7)
    seen: list[ExecOptions] = []

    def fake(self: ExecVerb, options: ExecOptions) -> ExecReport:
        seen.append(options)
        return answer

    monkeypatch.setattr(ExecVerb, "exec", fake)
    options = ExecOptions(container="c", command=("true",))
    assert LifecycleService(_ctx(tmp_path)).exec(options) is answer
    assert seen == [options]


def test_an_unknown_verb_is_an_attribute_error(tmp_path: Path) -> None:
    with pytest.raises(AttributeError, match="no verb 'frobnicate'"):
        _ = LocalContainers(_ctx(tmp_path)).frobnicate
