"""``client.containers.select(...)``: the CLI's verbs on many containers.

``hutch stop a b``, ``hutch rm -af``, ``hutch kill --all``, ``hutch pause
--filter label=tier=web``: a selection names the containers (names, ``all``,
``latest`` or ps's ``filters``, as the flags do) and each verb acts on every
one of them, as the command does, and says what happened to each in an
``Outcome`` (one report per container, each with its own error) instead of
stopping at the first failure. ``Outcome.check()`` turns the first failure into
the exception the one-name verbs raise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from hutch.api.containers import (
    ActionReport,
    Containers,
    KillOptions,
    ListContainersOptions,
    PauseOptions,
    RemoveContainerOptions,
    StartOptions,
    StopOptions,
    WaitOptions,
)
from hutch.api.errors import InvalidArgument
from hutch.client.reports import report_error


@dataclass(frozen=True)
class Outcome:
    """What a verb did to each container it chose, in the engine's order."""

    reports: tuple[ActionReport, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        """The containers it acted on (their ids; the name given when it has none)."""
        return tuple(r.id or r.name for r in self.reports if r.error is None)

    @property
    def failures(self) -> tuple[ActionReport, ...]:
        return tuple(r for r in self.reports if r.error is not None)

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def exit_codes(self) -> dict[str, int]:
        """``wait``: each container's exit code, by id (or name as given)."""
        return {r.id or r.name: r.exit_code for r in self.reports if r.error is None}

    def check(self) -> tuple[str, ...]:
        """``ids``, or the first failure raised (``NoSuchObject``, ``Conflict``,
        ``HutchError``: the one-name verbs' exceptions)."""
        for report in self.reports:
            if report.error is not None:
                raise report_error(report.error, report.exit_code)
        return self.ids


def _outcome(reports: Sequence[ActionReport]) -> Outcome:
    return Outcome(tuple(reports))


@dataclass(frozen=True)
class ContainerSelection:
    """Containers chosen as the CLI's verbs on many choose them: by ``names``, or
    ``all`` (narrowed by each verb to the states it can act on: ``kill`` the
    running ones, ``unpause`` the paused ones), or ``latest`` (the one created
    last), or ``filters`` (ps's ``KEY=VALUE`` filters, whatever the state).
    ``ContainerClient.select`` makes one and checks the combination."""

    engine: Containers = field(repr=False, compare=False)
    names: tuple[str, ...] = ()
    all: bool = False
    latest: bool = False
    filters: tuple[str, ...] = ()

    def start(self) -> Outcome:
        """``hutch start`` (detached); a running container is reported as done."""
        options = StartOptions(all=self.all, latest=self.latest, filters=self.filters)
        return _outcome(self.engine.start(self.names, options))

    def stop(self, timeout: int | None = None, *, ignore: bool = False) -> Outcome:
        """``hutch stop``: each one's stop signal, then KILL after ``timeout`` seconds
        (None: its own ``--stop-timeout``); ``ignore``: a missing name is no failure."""
        options = StopOptions(timeout, self.all, ignore, self.latest, self.filters)
        return _outcome(self.engine.stop(self.names, options))

    def restart(
        self, timeout: int | None = None, *, running: bool = False, ignore: bool = False
    ) -> Outcome:
        """``hutch restart`` (``running``: of ``all``, only those running now)."""
        options = StopOptions(timeout, self.all, ignore, self.latest, self.filters, running)
        return _outcome(self.engine.restart(self.names, options))

    def kill(self, signal: str = "KILL", *, ignore: bool = False) -> Outcome:
        """``hutch kill``: ``signal`` (a name or number) to each running one."""
        names = self.names
        if self.filters:
            # The engine's kill takes no filters (podman's has none): the running ones
            # the filters match, as kill --all narrows itself to the running ones.
            names = self._matching(running=True)
            if not names:
                return Outcome(())
        options = KillOptions(signal, self.all and not self.filters, self.latest, ignore)
        return _outcome(self.engine.kill(names, options))

    def pause(self) -> Outcome:
        options = PauseOptions(self.all, self.latest, self.filters)
        return _outcome(self.engine.pause(self.names, options))

    def unpause(self) -> Outcome:
        options = PauseOptions(self.all, self.latest, self.filters)
        return _outcome(self.engine.unpause(self.names, options))

    def remove(
        self,
        *,
        force: bool = False,
        volumes: bool = False,
        timeout: int | None = None,
        ignore: bool = False,
        depend: bool = False,
    ) -> Outcome:
        """``hutch rm`` (``force``: running ones too, stopped as ``stop`` does, or killed
        at once with ``timeout=0``; ``volumes``: their anonymous volumes; ``depend``:
        first the containers that join their namespaces)."""
        options = RemoveContainerOptions(
            force, self.all, ignore, timeout, volumes, self.latest, self.filters, depend
        )
        return _outcome(self.engine.remove(self.names, options))

    def wait(self, conditions: Sequence[str] = (), *, ignore: bool = False) -> Outcome:
        """``hutch wait``: until each one stops (or reaches one of ``conditions``);
        ``Outcome.exit_codes`` has their codes (-1 for a missing one with ``ignore``)."""
        names = self.names
        if self.all or self.filters:  # podman's wait has neither flag: the ps answer
            names = self._matching(running=False)
            if not names:
                return Outcome(())
        options = WaitOptions(tuple(conditions), ignore=ignore, latest=self.latest)
        return _outcome(self.engine.wait(names, options))

    def _matching(self, *, running: bool) -> tuple[str, ...]:
        found = self.engine.ls(ListContainersOptions(all=True, filters=self.filters))
        return tuple(c.id for c in found if not running or c.status == "running")


def select(
    engine: Containers,
    names: Sequence[str],
    all: bool = False,
    latest: bool = False,
    filters: Sequence[str] = (),
) -> ContainerSelection:
    """The selection, once its combination is one the CLI's flags allow (podman's rules:
    ``filters`` take no names; ``all``, ``latest`` and names exclude each other; at
    least one of them)."""
    chosen: list[str] = [w for w, on in (("all", all), ("latest", latest)) if on]
    if filters and (names or chosen):
        raise InvalidArgument("filters cannot be combined with names, all or latest")
    if len(chosen) == 2 or (names and chosen):
        given = ["names"] * bool(names) + chosen
        raise InvalidArgument(f"{' and '.join(given)} cannot be used together")
    if not (names or chosen or filters):
        raise InvalidArgument("select at least one container: names, all, latest or filters")
    return ContainerSelection(engine, tuple(names), all, latest, tuple(filters))
