"""A foreground ``compose up``: which containers it shows, when it aborts, its exit code.

As ``docker compose up``: the services named (all when none is) are
followed, ``--attach-dependencies`` adds the services they depend on (not
those with ``attach: false``), ``--attach`` chooses the services shown and
``--no-attach`` hides some. Each container's exit is printed
(``web-1 exited with code 3``); ``--abort-on-container-exit`` stops the
project at the first exit and ``--abort-on-container-failure`` at the first
non-zero one, and ``up`` then exits with that container's code
(``--exit-code-from``: with its service's).
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hutch.api.containers import KillOptions, LogsOptions, StopOptions, WaitOptions
from hutch.cli.compose_logs import multiplex
from hutch.cli.interrupts import catching

if TYPE_CHECKING:
    from hutch.api.compose import ComposeContainer, ComposeProjectRunner
    from hutch.cli.state import AppState


def _progress(line: str) -> None:
    sys.stderr.write(line + "\n")


def _closure(services: Mapping[str, Any], names: Sequence[str]) -> list[str]:
    """``names`` and the services they depend on, directly or not."""
    out = list(names)
    for name in out:  # grows while walked
        for dependency in services[name].get("depends_on") or {}:
            if dependency in services and dependency not in out:
                out.append(dependency)
    return out


@dataclass(frozen=True)
class Foreground:
    services_of_project: Mapping[str, Any]
    names: tuple[str, ...]  # the services named on the command line
    attach: tuple[str, ...] = ()
    no_attach: tuple[str, ...] = ()
    dependencies: bool = False  # --attach-dependencies
    exit_code_from: str | None = None  # followed too, for its exit code

    def services(self) -> tuple[str, ...]:
        """The services whose containers are followed (their exits count)."""
        base = list(self.names) or list(self.services_of_project)
        if self.dependencies:
            base = _closure(self.services_of_project, base)
        extra = [self.exit_code_from] if self.exit_code_from else []
        return tuple(dict.fromkeys([*base, *self.attach, *extra]))

    def shown(self) -> set[str]:
        """The services whose output is printed."""
        services = self.services_of_project
        if self.attach:
            out = set(self.attach)
        else:
            out = set(self.names)
            if self.dependencies:
                extra = _closure(services, list(self.names))
                out |= {s for s in extra if services[s].get("attach", True) is not False}
            if not self.names:
                out = {s for s, body in services.items() if body.get("attach", True) is not False}
        return out - set(self.no_attach)

    def one_shots(self) -> set[str]:
        """Jobs others wait for (service_completed_successfully): they end by design."""
        return {
            dependency
            for body in self.services_of_project.values()
            for dependency, condition in (body.get("depends_on") or {}).items()
            if condition.get("condition") == "service_completed_successfully"
        }

    def run(
        self,
        state: AppState,
        runner: ComposeProjectRunner,
        containers: list[ComposeContainer],
        *,
        timeout: int | None,
        abort: str,  # "", "exit" or "failure"
        logs: LogsOptions,
        prefix: bool,
        colour: bool,
        progress: Callable[[str], None] = _progress,
    ) -> int:
        """Show the output until every container ends, Ctrl-C or an abort; the exit code."""
        engine = state.engine()
        service_of = {c.name: c.service for c in containers}
        label = {c.name: f"{c.service}-{c.number}" for c in containers}
        shown = {c.name for c in containers if c.service in self.shown()}
        one_shot = self.one_shots()
        aborted: list[int] = []

        def on_exit(name: str) -> bool:
            [report] = engine.containers.wait([name], WaitOptions(ignore=True))
            code = report.exit_code
            if name in shown:
                sys.stdout.write(f"{label[name]} exited with code {code}\n")
                sys.stdout.flush()
            stop = (abort == "exit" and service_of.get(name) not in one_shot) or (
                abort == "failure" and code != 0
            )
            if stop:
                aborted.append(code)
                progress("Aborting on container exit...")
            return stop

        # docker compose: SIGTERM stops the project as Ctrl-C does (an ignored SIGINT
        # hutch turns back on at its start: cli/main.py interruptible)
        with catching(signal.SIGTERM):
            try:
                multiplex(
                    containers,
                    lambda options: state.new_engine().containers.logs(options),
                    logs,
                    prefix=prefix,
                    colour=colour,
                    on_exit=on_exit,
                    shown=shown,
                    # no log to follow (none, passthrough): its end is its exit
                    unread=lambda name: state.new_engine().containers.wait(
                        [name], WaitOptions(ignore=True)
                    ),
                )
            except KeyboardInterrupt:
                progress("Gracefully stopping... (press Ctrl+C again to force)")
            names = tuple(c.name for c in containers)
            try:
                runner.pre_stop(names, progress)
                engine.containers.stop(names, StopOptions(timeout=timeout, ignore=True))
            except KeyboardInterrupt:
                engine.containers.kill(names, KillOptions("KILL"))
        if self.exit_code_from is not None:
            target = [c.name for c in containers if c.service == self.exit_code_from]
            if not target:
                return 0
            return engine.containers.wait(target[:1], WaitOptions(("exited",)))[0].exit_code
        return aborted[0] if aborted else 0
