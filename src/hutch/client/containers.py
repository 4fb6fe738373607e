"""``client.containers``: the container verbs of the CLI, one container at a time."""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Mapping, Sequence
from typing import BinaryIO

from hutch.api.container_config import NetworkOptions, RunOptions, VolumeOptions
from hutch.api.containers import (
    Change,
    CommitOptions,
    CommitReport,
    ContainerInspect,
    Containers,
    ContainerSummary,
    CopyOptions,
    ExecOptions,
    ExecReport,
    ExportOptions,
    KillOptions,
    ListContainersOptions,
    LogLine,
    LogsOptions,
    PauseOptions,
    RemoveContainerOptions,
    RunReport,
    StartOptions,
    StatsOptions,
    StatsReport,
    StopOptions,
    TopReport,
    WaitOptions,
)
from hutch.api.errors import NoSuchObject
from hutch.client.reports import checked
from hutch.client.selection import ContainerSelection, select


def run_options(
    image: str,
    command: Sequence[str] = (),
    *,
    name: str | None = None,
    env: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    network: str | None = None,
    publish: Sequence[str] = (),
    volumes: Sequence[str] = (),
    workdir: str | None = None,
    user: str | None = None,
    entrypoint: str | None = None,
    remove: bool = False,
    detach: bool = False,
    tty: bool = False,
) -> RunOptions:
    """The ``RunOptions`` of ``hutch run`` for the common flags (``publish`` and
    ``volumes`` as ``-p``/``-v`` take them); build a ``RunOptions`` for the rest."""
    return RunOptions(
        image=image,
        command=tuple(command),
        name=name,
        env=tuple(f"{k}={v}" for k, v in (env or {}).items()),
        labels=tuple(f"{k}={v}" for k, v in (labels or {}).items()),
        network=network or "",
        workdir=workdir,
        user=user,
        entrypoint=entrypoint,
        remove=remove,
        detach=detach,
        tty=tty,
        net=NetworkOptions(publish=tuple(publish)),
        volumes=VolumeOptions(volumes=tuple(volumes)),
    )


class ContainerClient:
    """Containers: create, run, start, stop, inspect, logs, exec, files.

    The verbs here act on one container and raise its failure; ``select`` chooses
    several (names, ``all``, ``latest``, ``filters``) for the CLI's verbs on many,
    which say what happened to each.
    """

    def __init__(self, engine: Containers) -> None:
        self._engine = engine

    def select(
        self,
        *names: str,
        all: bool = False,
        latest: bool = False,
        filters: Sequence[str] = (),
    ) -> ContainerSelection:
        """The containers ``hutch stop a b`` / ``--all`` / ``--latest`` / ``--filter``
        would act on, for ``start``, ``stop``, ``restart``, ``kill``, ``pause``,
        ``unpause``, ``remove`` and ``wait`` on all of them at once:
        ``client.containers.select(all=True).remove(force=True)`` is ``hutch rm -af``.
        Each returns an ``Outcome`` (a report per container; ``check()`` raises the
        first failure). ``InvalidArgument`` for a combination the CLI refuses."""
        return select(self._engine, names, all, latest, filters)

    # -- making and running ------------------------------------------------------------

    def create(self, options: RunOptions) -> str:
        """Create a container (``hutch create``); its id. ``run_options`` builds the
        options of the common flags."""
        return self._engine.create(options)

    def run(self, options: RunOptions) -> RunReport:
        """``hutch run``: attached (the default), the container's output goes to this
        process's standard output and ``exit_code`` is its status; with
        ``options.detach`` it returns once the container runs (``exit_code`` None)."""
        return self._engine.run(options)

    def start(self, name: str) -> str:
        return checked(self._engine.start([name], StartOptions()))[0]

    def stop(self, name: str, timeout: int | None = None) -> str:
        """Stop with the container's stop signal, then KILL after ``timeout`` seconds."""
        return checked(self._engine.stop([name], StopOptions(timeout=timeout)))[0]

    def restart(self, name: str, timeout: int | None = None) -> str:
        return checked(self._engine.restart([name], StopOptions(timeout=timeout)))[0]

    def kill(self, name: str, signal: str = "KILL") -> str:
        return checked(self._engine.kill([name], KillOptions(signal=signal)))[0]

    def pause(self, name: str) -> str:
        return checked(self._engine.pause([name], PauseOptions()))[0]

    def unpause(self, name: str) -> str:
        return checked(self._engine.unpause([name], PauseOptions()))[0]

    def wait(self, name: str, conditions: Sequence[str] = ()) -> int:
        """Wait until it stops (or reaches one of ``conditions``); its exit code."""
        reports = self._engine.wait([name], WaitOptions(tuple(conditions)))
        checked(reports)
        return reports[0].exit_code

    def remove(
        self, name: str, force: bool = False, volumes: bool = False, timeout: int | None = None
    ) -> str:
        """Remove it (``force``: a running one too, stopped as ``stop`` does, or killed at
        once with ``timeout=0``; ``volumes``: its anonymous volumes)."""
        options = RemoveContainerOptions(force=force, volumes=volumes, timeout=timeout)
        return checked(self._engine.remove([name], options))[0]

    def rename(self, name: str, new_name: str) -> str:
        return self._engine.rename(name, new_name)

    def prune(self) -> builtins.list[str]:
        """Remove every stopped container; their ids."""
        return checked(self._engine.prune())

    # -- looking -------------------------------------------------------------------------

    def list(
        self,
        all: bool = False,
        filters: Sequence[str] = (),
        *,
        last: int | None = None,
        size: bool = False,
    ) -> builtins.list[ContainerSummary]:
        """``hutch ps``, newest first (``all``: stopped ones too; ``filters`` as
        ``--filter`` takes them; ``last``: only the newest N; ``size``: each one's
        ``size``, the bytes of its writable layer)."""
        options = ListContainersOptions(all=all, last=last, filters=tuple(filters), size=size)
        return self._engine.ls(options)

    def inspect(self, name: str) -> ContainerInspect:
        found = self._engine.inspect([name])
        if not found:
            raise NoSuchObject(f"no container with name or ID {name!r} found")
        return found[0]

    def exists(self, name: str) -> bool:
        return self._engine.exists(name)

    def logs(
        self,
        name: str,
        follow: bool = False,
        tail: int | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> Iterator[LogLine]:
        """Its log lines (``follow``: keep waiting for more while it runs)."""
        options = LogsOptions((name,), follow=follow, tail=tail, since=since, until=until)
        return self._engine.logs(options)

    def top(self, name: str, descriptors: Sequence[str] = ()) -> TopReport:
        return self._engine.top(name, descriptors)

    def stats(self, name: str) -> StatsReport:
        """One sample of its resource use (from its cgroup, or from its processes in
        /proc when it has no cgroup of its own); ``Conflict`` when it is not running."""
        return self._engine.stats([name], StatsOptions())[0]

    def diff(self, name: str) -> builtins.list[Change]:
        return self._engine.diff(name)

    # -- processes and files ----------------------------------------------------------------

    def exec(
        self,
        name: str,
        command: Sequence[str],
        *,
        user: str | None = None,
        workdir: str | None = None,
        env: Mapping[str, str] | None = None,
        detach: bool = False,
    ) -> ExecReport:
        """Run ``command`` in it; attached, its output goes to this process's standard
        output and ``exit_code`` is its status."""
        options = ExecOptions(
            name,
            tuple(command),
            user=user,
            workdir=workdir,
            env=tuple(f"{k}={v}" for k, v in (env or {}).items()),
            detach=detach,
        )
        return self._engine.exec(options)

    def copy(self, source: str, destination: str) -> None:
        """``hutch cp``: one side is ``CONTAINER:PATH``."""
        self._engine.copy(CopyOptions(source, destination))

    def commit(
        self, name: str, image: str | None = None, changes: Sequence[str] = ()
    ) -> CommitReport:
        """Store its file system (and config, ``changes`` as ``--change``) as an image."""
        return self._engine.commit(CommitOptions(name, image=image, changes=tuple(changes)))

    def export(self, name: str, out: BinaryIO) -> None:
        """Write its file system to ``out`` as a tar stream."""
        self._engine.export(ExportOptions(name), out)
