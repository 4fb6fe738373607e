"""Global options and the lazily built engine, passed through typer's context."""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
if TYPE_CHECKING:
    from collections.abc import Callable

    import typer

    from hutch.api.compose import ComposeFrontEnd
    from hutch.api.engine import Engine
    from hutch.api.kube import KubeFrontEnd


class AppState:
    # A plain class, not a dataclass: ``hutch --help`` then defines no
    # dataclass at all and never reads the code cache (util/codecache.py).
    def __init__(
        self,
        root: str | None = None,
        runroot: str | None = None,
        log_level: str = "warn",
        storage_driver: str | None = None,
        cgroup_manager: str | None = None,
        events_backend: str | None = None,
        _engine: Engine | None = None,
        modules: tuple[str, ...] = (),
        argv: tuple[str, ...] = (),
    ) -> None:
        self.argv = argv  # the command line after "hutch"
        self.root = root
        self.runroot = runroot
        self.log_level = log_level
        self.storage_driver = storage_driver
        self.cgroup_manager = cgroup_manager
        self.events_backend = events_backend
        self.modules = modules  # --module: containers.conf modules
        self._engine = _engine
        self._injected = _engine is not None

    @property
    def command_line(self) -> tuple[str, ...]:
        """The whole command line as podman records it (inspect's ``CreateCommand``, Go's
        ``os.Args``): the program's name first. Always "hutch": Python sees the path the
        kernel ran, not the name typed, and ``generate systemd --new`` writes its own."""
        return ("hutch", *self.argv)

    def engine(self) -> Engine:
        """Build the engine on first use: ``--help`` never imports it."""
        if self._engine is None:
            self._engine = self.new_engine()
        return self._engine

    def new_engine(self) -> Engine:
        """A separate engine, for another thread (its database connection is its own).

        An engine given from outside (tests, the REST API) is shared instead.
        """
        if self._engine is not None and self._injected:
            return self._engine
        from hutch.engine.engine import user_engine  # hutch.Client's factory too

        args = (self.root, self.runroot, self.storage_driver)
        if self.modules:  # as hutch.Client calls it otherwise (one factory for both)
            return user_engine(*args, self.cgroup_manager, self.events_backend, self.modules)
        return user_engine(*args, self.cgroup_manager, self.events_backend)

    def engine_factory(self) -> Callable[[], Engine]:
        """``new_engine`` with the paths and settings resolved once, for a process that
        builds many engines (the API service: one per connection thread; each engine's
        database connection is kept for the next when ``close_engine`` is called)."""
        if self._engine is not None and self._injected:
            return self.new_engine
        from hutch.engine.engine import engine_factory

        return engine_factory(
            self.root,
            self.runroot,
            self.storage_driver,
            self.cgroup_manager,
            self.events_backend,
            modules=self.modules,
            keep_connections=True,
        )

    @staticmethod
    def close_engine(engine: Engine) -> None:
        """Done with an engine of ``engine_factory``: its database connection goes back
        for the next (an injected engine's stays as it is)."""
        from hutch.engine.engine import LocalEngine

        if isinstance(engine, LocalEngine):
            engine.close()

    def compose(self) -> ComposeFrontEnd:
        """The compose front end (layer 5), imported only by ``hutch compose``."""
        from hutch.compose.frontend import Compose
        from hutch.config.xdg import user_dir

        # an engine given from outside is shared, never used from two threads
        new_engine = None if self._injected else self.new_engine
        cache = user_dir("XDG_CACHE_HOME")
        return Compose(self.engine, new_engine, cache / "compose-schema", cache / "compose-model")

    def kube(self) -> KubeFrontEnd:
        """The Kubernetes YAML front end (layer 5), imported only by ``kube``/``play``."""
        from hutch.kube.frontend import Kube

        return Kube(self.engine)


def state_of(ctx: typer.Context) -> AppState:
    obj = ctx.find_root().obj
    if not isinstance(obj, AppState):
        raise RuntimeError("hutch CLI state missing")
    return obj
