"""The compose front end as the CLI sees it: the project options and the loaded model.

``hutch.compose`` implements ``ComposeFrontEnd``; the CLI gets one from
``AppState.compose()`` and never imports the compose package itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # names of signatures only: compose ps imports neither (~15 ms)
    from hutch.api.container_config import RunOptions
    from hutch.api.containers import RunReport


@dataclass(frozen=True)
class ComposeProjectOptions:
    """``compose``'s global flags and the process context, made explicit."""

    cwd: str
    environ: Mapping[str, str]
    files: tuple[str, ...] = ()  # -f (``-`` is standard input)
    project_name: str | None = None  # -p
    project_directory: str | None = None
    env_files: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()
    interpolate: bool = True
    services: tuple[str, ...] = ()  # named on the command line: enabled whatever their profiles
    read_stdin: Callable[[], str] | None = None


class ComposeModel(Protocol):
    """A loaded project: the normalised model ``compose config`` prints."""

    @property
    def name(self) -> str: ...
    @property
    def working_dir(self) -> str: ...
    @property
    def config_files(self) -> tuple[str, ...]: ...
    @property
    def model(self) -> Mapping[str, Any]: ...
    @property
    def all_profiles(self) -> tuple[str, ...]: ...
    @property
    def warnings(self) -> tuple[str, ...]: ...
    @property
    def services(self) -> Mapping[str, Any]: ...


class ComposeFrontEnd(Protocol):
    def load(self, options: ComposeProjectOptions, *, reuse: bool = False) -> ComposeModel:
        """Find, read, merge, interpolate, validate, normalise (ComposeError: exit 125).

        ``reuse``: a project kept from an earlier load of unchanged inputs may answer;
        it has no file and line for errors found after the load (for ``ps``)."""
        ...

    def containers(
        self, project: ComposeModel, all: bool, services: tuple[str, ...]
    ) -> list[ComposeContainer]:
        """The project's containers as ``compose ps`` lists them (running ones unless
        ``all``), without the planner."""
        ...

    def runner(self, project: ComposeModel) -> ComposeProjectRunner:
        """The project bound to the engine (built on first use)."""
        ...

    def forget(self, project: ComposeModel) -> bool:
        """After ``down``: let go of the kept loads of ``project`` (``load``'s ``reuse``)
        if it has no container left, one-offs included; whether any was kept."""
        ...


@dataclass(frozen=True)
class ComposeUpOptions:
    services: tuple[str, ...] = ()  # default: every enabled service
    detach: bool = True
    force_recreate: bool = False
    no_recreate: bool = False
    no_deps: bool = False
    no_start: bool = False
    remove_orphans: bool = False
    scale: tuple[tuple[str, int], ...] = ()
    wait: bool = False  # wait until services are running (healthy when they have a check)
    wait_timeout: float | None = None
    timeout: int | None = None  # -t: seconds to stop a container that is replaced
    build: bool = False  # --build: build every service with a build section first
    no_build: bool = False  # --no-build: never build, even an image that is missing
    pull: str | None = None  # --pull always|missing|never|build, over each pull_policy
    # -V: new anonymous volumes for recreated containers (default: the old ones, kept)
    renew_anon_volumes: bool = False
    # recreate the services pulled in as dependencies (default: only when changed)
    always_recreate_deps: bool = False
    quiet_pull: bool = False  # pull images without their layers' progress rows


@dataclass(frozen=True)
class ComposeBuildOptions:
    """``compose build``: the images of the services with a ``build`` section."""

    services: tuple[str, ...] = ()  # default: every enabled service
    no_cache: bool = False
    pull: bool = False  # --pull: always pull the base images
    build_args: tuple[str, ...] = ()  # KEY=VALUE, over the file's args


@dataclass(frozen=True)
class ComposePullOptions:
    """``compose pull``: the images of the services that name one."""

    services: tuple[str, ...] = ()
    ignore_failures: bool = False  # --ignore-pull-failures: warn and go on
    quiet: bool = False


@dataclass(frozen=True)
class ComposePushOptions:
    """``compose push``: the images of the services with both ``image`` and ``build``."""

    services: tuple[str, ...] = ()
    ignore_failures: bool = False  # --ignore-push-failures: warn and go on
    quiet: bool = False


@dataclass(frozen=True)
class ComposeDownOptions:
    volumes: bool = False  # -v: also the named volumes the project declares
    remove_orphans: bool = False
    timeout: int | None = None
    # only these services' containers, and what only they use (default: the project)
    services: tuple[str, ...] = ()


@dataclass(frozen=True)
class ComposeContainer:
    """One container of a project, as ``compose ps`` lists it."""

    name: str
    id: str
    service: str
    number: int
    image: str
    command: str
    status: str
    health: str
    created: float
    ports: tuple[str, ...] = ()
    one_off: bool = False  # made by ``compose run``


class ComposeProjectRunner(Protocol):
    """A loaded project bound to the engine."""

    def up(self, options: ComposeUpOptions, progress: Callable[[str], None]) -> None: ...

    def down(self, options: ComposeDownOptions, progress: Callable[[str], None]) -> None: ...

    def build(self, options: ComposeBuildOptions, progress: Callable[[str], None]) -> None: ...

    def pull(self, options: ComposePullOptions, progress: Callable[[str], None]) -> None: ...

    def push(self, options: ComposePushOptions, progress: Callable[[str], None]) -> None: ...

    def containers(
        self, all: bool, services: tuple[str, ...] = (), one_off: bool = False
    ) -> list[ComposeContainer]:
        """The project's containers (running only unless ``all``), dependencies first;
        ``one_off`` adds those ``compose run`` made."""
        ...

    def one_off(self, options: ComposeRunOptions, progress: Callable[[str], None]) -> RunOptions:
        """Start what the service depends on (unless no_deps); the one-off's RunOptions."""
        ...

    def run_one_off(
        self,
        options: ComposeRunOptions,
        progress: Callable[[str], None],
        ready: Callable[[], None] | None = None,
    ) -> RunReport:
        """``compose run``: the one-off run, its secrets and configs written as ``up``
        writes them (between create and start); exit_code None when detached.
        ``ready`` is called once the progress is over, before the one-off starts (the
        caller ends its progress view there: the one-off's output follows it)."""
        ...

    def start(self, services: tuple[str, ...], progress: Callable[[str], None]) -> None:
        """Start the existing containers of ``services`` (all: empty), dependencies first,
        each stopped one's ``post_start`` hooks after it."""
        ...

    def restart(
        self, services: tuple[str, ...], timeout: int | None, progress: Callable[[str], None]
    ) -> None:
        """Restart the containers of ``services`` (all: empty), dependencies first, each
        between its ``pre_stop`` and ``post_start`` hooks."""
        ...

    def pre_stop(self, names: list[str] | tuple[str, ...], progress: Callable[[str], None]) -> None:
        """Run the ``pre_stop`` hooks of those of ``names`` that run (before a stop)."""
        ...


@dataclass(frozen=True)
class ComposeRunOptions:
    """``compose run``: a one-off container of a service."""

    service: str
    command: tuple[str, ...] = ()  # empty: the service's command
    entrypoint: str | None = None
    env: tuple[str, ...] = ()
    volumes: tuple[str, ...] = ()
    publish: tuple[str, ...] = ()
    service_ports: bool = False  # publish the service's own ports
    name: str | None = None
    remove: bool = False
    user: str | None = None
    workdir: str | None = None
    tty: bool = True
    interactive: bool = True
    detach: bool = False
    no_deps: bool = False
    quiet_pull: bool = False  # pull images without their layers' progress rows
