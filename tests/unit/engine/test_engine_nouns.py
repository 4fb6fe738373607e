"""engine.containers answers every verb of the Containers protocol from the part of its slice."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.containers import Containers
from hutch.config.paths import Paths
from hutch.config.settings import Settings
from hutch.engine.context import EngineContext
from hutch.engine.engine import (
    LIFECYCLE_SLICE,
    LIFECYCLE_VERBS,
    LIGHT_PARTS,
    QUERY_SLICE,
    QUERY_VERBS,
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


# each light part's verb, its slice and the part that inherits it ("exec": handed over)
LIGHT_OWNERS = {
    "ls": ("QueryVerbs", "container_query.ContainerQueries"),
    "inspect_state": ("QueryVerbs", "container_query.ContainerQueries"),
    "exists": ("AdminVerbs", "container_admin.ContainerAdmin"),
    "exec": ("ProcessVerbs", "lifecycle.LifecycleService"),
    "port": ("QueryVerbs", "container_query.ContainerQueries"),
    "top": ("ProcessVerbs", "lifecycle.LifecycleService"),
    "stats": ("ResourceVerbs", "resource_ops.ResourceService"),
}


def test_every_light_part_is_named_with_its_owner() -> None:
    assert set(LIGHT_PARTS) == set(LIGHT_OWNERS)


@pytest.mark.parametrize("verb", sorted(LIGHT_OWNERS))
def test_a_light_part_s_verb_is_its_part_s_own_code(verb: str, tmp_path: Path) -> None:
    # issue 16: ps, inspect -f '{{.State.Status}}', container exists, exec, port, top
    # and stats are answered without the slices and without their part's module; each
    # stays a verb of its slice whose method the part inherits, not a second copy
    import importlib

    import hutch.api.containers as api

    slice_name, owner = LIGHT_OWNERS[verb]
    module, class_name = LIGHT_PARTS[verb]
    light = getattr(importlib.import_module(f"hutch.engine.{module}"), class_name)
    owner_module, _, owner_name = owner.partition(".")
    part = getattr(importlib.import_module(f"hutch.engine.{owner_module}"), owner_name)
    assert verb in verbs_of(getattr(api, slice_name))
    containers = LocalContainers(_ctx(tmp_path))
    assert type(getattr(containers, verb).__self__) is light
    if verb == "exec":
        # the process part hands the verb to ExecVerb (loaded then: run imports the
        # process part and must not load the container's init with it)
        assert getattr(part, verb) is not getattr(light, verb)
    else:
        assert getattr(part, verb) is getattr(light, verb)
    assert [k for k in vars(containers) if k.endswith("Verbs")] == []  # no slice built


def test_a_light_exists_answers_without_a_part(tmp_path: Path) -> None:
    containers = LocalContainers(_ctx(tmp_path))
    assert containers.exists("nothing") is False
    assert [k for k in vars(containers) if k.endswith("Verbs")] == []


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

    light = {verb for verb in LIGHT_PARTS if verb in verbs_of(QueryVerbs)}
    assert verbs_of(QueryVerbs) == QUERY_VERBS | light and not QUERY_VERBS & light
    assert QueryVerbs.__name__ == QUERY_SLICE
    containers = LocalContainers(_ctx(tmp_path))
    inspect = containers.inspect
    assert type(inspect.__self__) is ContainerQueries
    assert containers.logs.__self__ is inspect.__self__  # one part for the slice
    assert [k for k in vars(containers) if k.endswith("Verbs")] == [QUERY_SLICE]


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


@pytest.mark.parametrize(
    ("noun", "verbs", "light_class", "full_class", "other_verb"),
    [
        ("pods", "POD_LIST_VERBS", "pod_list.PodList", "pods.PodService", "inspect"),
        ("networks", "NETWORK_LIST_VERBS", "network_list.NetworkQuery", "networks.NetworkService",
         "create"),
        ("images", "IMAGE_LIST_VERBS", "image_list.ImageList", "images.ImageService", "exists"),
    ],
)  # fmt: skip
def test_a_noun_s_queries_are_its_part_s_own_code(
    noun: str, verbs: str, light_class: str, full_class: str, other_verb: str, tmp_path: Path
) -> None:
    # issue 16: pod ps and pod exists, network ls, inspect and exists are answered
    # without the noun's part (every other verb's code, the run options', the spec's,
    # the container service); each stays the method the part inherits
    import importlib

    from hutch.api import images as api_images
    from hutch.api import networks as api_networks
    from hutch.api import pods as api_pods
    from hutch.engine import engine as engine_module

    def load(name: str) -> type:
        module, _, cls = name.partition(".")
        found: type = getattr(importlib.import_module(f"hutch.engine.{module}"), cls)
        return found

    light, full = load(light_class), load(full_class)
    light_verbs: frozenset[str] = getattr(engine_module, verbs)
    protocol = {"pods": api_pods.Pods, "networks": api_networks.Networks}.get(
        noun, api_images.Images
    )
    assert light_verbs and verbs_of(protocol) >= light_verbs
    part = getattr(engine_module.LocalEngine(_ctx(tmp_path)), noun)
    for verb in light_verbs:
        assert type(getattr(part, verb).__self__) is light
        assert getattr(full, verb) is getattr(light, verb)
    assert "_full_part" not in vars(part)  # the noun's part is not built
    if "exists" in light_verbs:
        assert part.exists("nothing") is False
    other = getattr(part, other_verb)
    assert type(other.__self__) is full
    assert vars(part)["_full_part"] is other.__self__  # one part for the other verbs
