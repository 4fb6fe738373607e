"""The engine the CLI talks to: one service per noun (``hutch.api.engine.Engine``).

Images, networks, volumes, secrets and the system are each one service; the container
verbs live in several modules by the work they do (create/start/stop, queries,
exec and attach, files, resources), each implementing one slice of
``hutch.api.containers.Containers``, and ``engine.containers`` answers each verb
from the part of its slice.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from functools import cache, cached_property

from hutch.engine.context import EngineContext

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
if TYPE_CHECKING:
    from typing import Any

    from hutch.api.containers import (
        ActionReport,
        AdminVerbs,
        Containers,
        FileVerbs,
        LifecycleVerbs,
        ProcessVerbs,
        QueryVerbs,
        ResourceVerbs,
    )
    from hutch.api.images import Images
    from hutch.api.networks import Networks
    from hutch.api.pods import Pods
    from hutch.engine.artifacts import ArtifactService
    from hutch.engine.secrets import SecretService
    from hutch.engine.system import SystemService
    from hutch.engine.volumes import VolumeService


def user_engine(
    root: str | None = None,
    runroot: str | None = None,
    storage_driver: str | None = None,
    cgroup_manager: str | None = None,
    events_backend: str | None = None,
    modules: tuple[str, ...] = (),
) -> LocalEngine:
    """The engine over the user's storage and layered settings, the global flags
    (``--root``, ``--runroot``, ``--storage-driver``, ``--cgroup-manager``,
    ``--events-backend``) winning over the files, ``--module`` containers.conf files
    read above them; ``InvalidArgument`` for a manager or backend hutch does not
    know, or a module it cannot find.

    The one factory of the CLI (``cli/state.py``), of ``hutch.Client``
    (``client/local.py``); the API service's is ``engine_factory``, the same
    resolution done once. It lives here, not in the client, so that ``hutch run``
    imports nothing more for it than the engine it builds.
    """
    return engine_factory(
        root, runroot, storage_driver, cgroup_manager, events_backend, modules=modules
    )()


def engine_factory(
    root: str | None = None,
    runroot: str | None = None,
    storage_driver: str | None = None,
    cgroup_manager: str | None = None,
    events_backend: str | None = None,
    *,
    modules: tuple[str, ...] = (),
    keep_connections: bool = False,
) -> Callable[[], LocalEngine]:
    """``user_engine``'s paths and settings, resolved once; each call of the result is a
    new engine over them. The API service builds one engine per connection thread:
    without this, every ``docker ps`` resolved the XDG directories and parsed the
    settings files again (a service reads its settings at start, as
    podman's does). ``keep_connections`` (the service): ``LocalEngine.close`` gives
    the engine's database connection to the next engine (store/dbpool.py). The
    resolution is the contexts' one factory (``context.context_factory``), which
    the commands run later for a container use too."""
    from hutch.config.global_flags import GlobalFlags
    from hutch.engine.context import context_factory

    flags = GlobalFlags(root, runroot, storage_driver, cgroup_manager, events_backend, modules)
    new_context = context_factory(flags, keep_connections=keep_connections)
    return lambda: LocalEngine(new_context())


class LocalEngine:
    """Implements ``hutch.api.engine.Engine`` in this process (no daemon).

    Each noun is built on first use, and each of its parts too, so that a
    command imports only the modules of the work it does (start-up time is a
    feature).
    """

    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    def close(self) -> None:
        """Done with this engine: its database connection is closed, or given back to
        the pool it came from (``engine_factory(keep_connections=True)``)."""
        self._ctx.close()

    @cached_property
    def containers(self) -> Containers:
        return LocalContainers(self._ctx)

    @cached_property
    def pods(self) -> Pods:
        def full() -> object:
            from hutch.engine.containers import ContainerService
            from hutch.engine.pods import PodService

            return PodService(self._ctx, ContainerService(self._ctx), self.containers)

        return LightFirst(self._ctx, POD_LIST_VERBS, ("pod_list", "PodList"), full)

    @cached_property
    def images(self) -> Images:
        def full() -> object:
            from hutch.engine.images import ImageService

            return ImageService(self._ctx)

        return LightFirst(self._ctx, IMAGE_LIST_VERBS, ("image_list", "ImageList"), full)

    @cached_property
    def networks(self) -> Networks:
        def full() -> object:
            from hutch.engine.networks import NetworkService

            return NetworkService(self._ctx, self._remove_users)

        return LightFirst(self._ctx, NETWORK_LIST_VERBS, ("network_list", "NetworkQuery"), full)

    @cached_property
    def volumes(self) -> VolumeService:
        from hutch.engine.volumes import VolumeService

        return VolumeService(self._ctx, self._remove_users)

    @cached_property
    def secrets(self) -> SecretService:
        from hutch.engine.secrets import SecretService

        return SecretService(self._ctx)

    @cached_property
    def artifacts(self) -> ArtifactService:
        from hutch.engine.artifacts import ArtifactService

        return ArtifactService(self._ctx)

    @cached_property
    def system(self) -> SystemService:
        from hutch.engine.system import SystemService

        return SystemService(self._ctx, self)

    def _remove_users(self, ids: Sequence[str], timeout: int | None = None) -> list[ActionReport]:
        """``--force`` of volume and network rm: the containers that use them go first
        (``--time``: their stop's timeout)."""
        from hutch.api.containers import RemoveContainerOptions

        return self.containers.remove(ids, RemoveContainerOptions(force=True, timeout=timeout))


# The part that implements each slice of the container verbs; the return type
# makes mypy check the part against its slice.


def _lifecycle(ctx: EngineContext) -> LifecycleVerbs:
    from hutch.engine.containers import ContainerService

    return ContainerService(ctx)


def _admin(ctx: EngineContext) -> AdminVerbs:
    from hutch.engine.container_admin import ContainerAdmin

    return ContainerAdmin(ctx)


def _queries(ctx: EngineContext) -> QueryVerbs:
    from hutch.engine.container_query import ContainerQueries

    return ContainerQueries(ctx)


# The light parts: verbs of a slice answered by a class of their own, which the slice's
# part inherits (the verb is written once), built alone: neither parts() (which imports
# api.containers, whose sixty classes were about 11 ms of ``hutch ps``'s start) nor the
# part's module (the code of the slice's other verbs) is loaded for them (issue 16).
# verb -> (module in hutch.engine, class).
LIGHT_PARTS: dict[str, tuple[str, str]] = {
    # ps (QueryVerbs'): the query part extends the listing part
    "ls": ("container_list", "ContainerList"),
    # inspect -f '{{.State.Status}}' (QueryVerbs') reads a record and a state file; the
    # query part's module loads the whole report's spec, network, image and volume code
    # (a third of inspect's start)
    "inspect_state": ("container_state_query", "StateInspection"),
    # container exists (AdminVerbs'): a script's question before each run, one row
    "exists": ("container_state_query", "ContainerLookup"),
    # exec (ProcessVerbs'; the process part hands its exec to ExecVerb): the slices,
    # that part's attach, top and pause code were a third of ``hutch exec``'s start
    "exec": ("exec", "ExecVerb"),
    # port (QueryVerbs'), top (ProcessVerbs') and stats (ResourceVerbs'): the whole
    # inspect report's code, attach's and update's, and api.containers were 20 to 25 ms
    # of each of these scripts' queries (two thirds of podman's whole command)
    "port": ("container_usage", "PortQuery"),
    "top": ("container_usage", "TopVerb"),
    "stats": ("container_usage", "StatsQuery"),
}


# The lifecycle slice's verbs (a unit test checks them against ``LifecycleVerbs``):
# their part is built without parts(), so that create, run, stop and rm load none of
# api.containers' sixty classes (about 7 ms of ``hutch create``, issue 16); its
# options and reports are in api/container_actions.py. The part is kept under the
# slice's name, as parts() would keep it: one part answers all of them.
LIFECYCLE_VERBS = frozenset(
    {
        "run",
        "create",
        "passes_streams",
        "start",
        "prepare_starts",
        "stop",
        "kill",
        "restart",
        "remove",
        "wait",
        "cleanup",
    }
)
LIFECYCLE_SLICE = "LifecycleVerbs"

# The query slice's verbs but the light ones (``ls``, ``inspect_state``, ``port``:
# above), the same way: the query part is built without parts(), so that ``inspect``
# and ``logs`` load none of api.containers (its forty classes, the verbs' protocols
# and ``typing``: a fifth of ``hutch inspect``'s start, issue 16); inspect's report is
# in api/container_inspect.py.
QUERY_VERBS = frozenset({"listing", "inspect", "logs"})
QUERY_SLICE = "QueryVerbs"


def _part_class(module: str, name: str) -> Callable[[EngineContext], object]:
    """The class ``name`` of ``hutch.engine.MODULE``, imported now (a light part's)."""
    path = f"hutch.engine.{module}"
    __import__(path)
    part: Callable[[EngineContext], object] = getattr(sys.modules[path], name)
    return part


def _light_part(verb: str) -> Callable[[EngineContext], object] | None:
    """What answers ``verb`` without the slices, if anything does (``LIGHT_PARTS``)."""
    found = LIGHT_PARTS.get(verb)
    return None if found is None else _part_class(*found)


def _processes(ctx: EngineContext) -> ProcessVerbs:
    from hutch.engine.lifecycle import LifecycleService

    return LifecycleService(ctx)


def _resources(ctx: EngineContext) -> ResourceVerbs:
    from hutch.engine.resource_ops import ResourceService

    return ResourceService(ctx)


def _files(ctx: EngineContext) -> FileVerbs:
    from hutch.engine.container_files import ContainerFilesService

    return ContainerFilesService(ctx)


def parts() -> dict[type[Any], Callable[[EngineContext], object]]:
    """Each slice of ``Containers`` and what builds its part.

    Imported at the first container verb, not with the engine: ``images``,
    ``volume ls`` and the other nouns never load api.containers' sixty classes.
    """
    from hutch.api.containers import (
        AdminVerbs,
        FileVerbs,
        LifecycleVerbs,
        ProcessVerbs,
        QueryVerbs,
        ResourceVerbs,
    )

    return {
        LifecycleVerbs: _lifecycle,
        AdminVerbs: _admin,
        QueryVerbs: _queries,
        ProcessVerbs: _processes,
        ResourceVerbs: _resources,
        FileVerbs: _files,
    }


def verbs_of(slice_: type[Any]) -> frozenset[str]:
    """The verbs a slice of ``Containers`` declares."""
    return frozenset(name for name in vars(slice_) if not name.startswith("_"))


@cache  # the slices never change; the API service looks a verb up at every request
def slice_of_verb() -> dict[str, tuple[type[Any], Callable[[EngineContext], object]]]:
    """Each verb's slice and what builds its part."""
    return {verb: (slice_, load) for slice_, load in parts().items() for verb in verbs_of(slice_)}


# The verbs of a noun that a light part answers alone, a class the noun's part extends
# (so the verb is written once): ``pod ps``, ``pod exists`` (engine/pod_list.py),
# ``network ls``, ``inspect``, ``exists`` (engine/network_list.py) and ``images``
# (engine/image_list.py) load neither the part's module (every other verb's code: the
# run options', the spec's, the resolver's) nor, for pods, the container service it is
# built with (issue 16).
POD_LIST_VERBS = frozenset({"ls", "exists"})
NETWORK_LIST_VERBS = frozenset({"ls", "inspect", "exists"})
IMAGE_LIST_VERBS = frozenset({"ls"})  # ``images`` (engine/image_list.py)


class LightFirst:
    """A noun's engine (``engine.pods``, ``engine.networks``, ``engine.images``): the
    verbs of ``light_verbs`` from the light part (``light``: its module in hutch.engine
    and class), every other verb from the part ``full`` builds; each part is built at
    its first verb, once per command, and a verb's method is kept for the next call."""

    def __init__(
        self,
        ctx: EngineContext,
        light_verbs: frozenset[str],
        light: tuple[str, str],
        full: Callable[[], object],
    ) -> None:
        self._ctx = ctx
        self._light_verbs = light_verbs
        self._light = light
        self._full = full

    def __getattr__(self, verb: str) -> Any:
        if verb.startswith("_"):
            raise AttributeError(verb)
        part = self._light_part if verb in self._light_verbs else self._full_part
        method = getattr(part, verb)
        setattr(self, verb, method)  # later calls find it directly
        return method

    @cached_property
    def _light_part(self) -> object:
        return _part_class(*self._light)(self._ctx)

    @cached_property
    def _full_part(self) -> object:
        return self._full()


class LocalContainers:
    """``engine.containers`` (``hutch.api.containers.Containers``): a verb is looked up
    in the slices, and the part implementing that slice answers it (built on first use,
    once per command). No verb is written twice: the part's method is the verb."""

    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    def __getattr__(self, verb: str) -> Any:
        if verb in LIFECYCLE_VERBS:
            return self._part_method(LIFECYCLE_SLICE, _lifecycle, verb)
        if verb in QUERY_VERBS:
            return self._part_method(QUERY_SLICE, _queries, verb)
        light = _light_part(verb)
        if light is not None:
            method = getattr(light(self._ctx), verb)
            setattr(self, verb, method)
            return method
        found = slice_of_verb().get(verb)
        if found is None:
            raise AttributeError(f"engine.containers has no verb {verb!r}")
        slice_, load = found
        return self._part_method(slice_.__name__, load, verb)

    def _part_method(
        self, slice_name: str, load: Callable[[EngineContext], object], verb: str
    ) -> Any:
        part = self.__dict__.get(slice_name)
        if part is None:
            part = self.__dict__[slice_name] = load(self._ctx)
        method = getattr(part, verb)
        setattr(self, verb, method)  # later calls find it directly
        return method
