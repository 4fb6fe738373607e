"""``compose up``, ``down``, ``ps`` and ``logs``: the project bound to the engine."""

from __future__ import annotations

import signal
import sys
from typing import Annotated

import typer

from hutch.api.compose import ComposeDownOptions, ComposeUpOptions
from hutch.api.containers import KillOptions, LogsOptions, StopOptions, WaitOptions
from hutch.api.errors import InvalidArgument
from hutch.cli.compose_logs import multiplex
from hutch.cli.compose_project import load_model
from hutch.cli.state import state_of


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _progress(line: str) -> None:
    sys.stderr.write(line + "\n")


def _scale(values: list[str] | None) -> tuple[tuple[str, int], ...]:
    out = []
    for value in values or []:
        service, sep, count = value.partition("=")
        if not sep or not count.isdigit():
            raise InvalidArgument(f"invalid --scale {value!r}: use SERVICE=NUMBER")
        out.append((service, int(count)))
    return tuple(out)


def add_commands(compose_app: typer.Typer) -> None:
    @compose_app.command("up")
    def up(
        ctx: typer.Context,
        services: Annotated[list[str] | None, typer.Argument(help="Services to start.")] = None,
        detach: Annotated[
            bool, typer.Option("--detach", "-d", help="Start in the background and return.")
        ] = False,
        force_recreate: Annotated[
            bool, typer.Option("--force-recreate", help="Recreate containers even if unchanged.")
        ] = False,
        no_recreate: Annotated[
            bool, typer.Option("--no-recreate", help="Keep existing containers even if changed.")
        ] = False,
        no_deps: Annotated[
            bool, typer.Option("--no-deps", help="Do not start the services named depend on.")
        ] = False,
        no_start: Annotated[
            bool, typer.Option("--no-start", help="Create the containers, do not start them.")
        ] = False,
        remove_orphans: Annotated[
            bool,
            typer.Option("--remove-orphans", help="Remove containers of services not in the file."),
        ] = False,
        scale: Annotated[
            list[str] | None,
            typer.Option("--scale", help="SERVICE=NUMBER: run that many replicas."),
        ] = None,
        wait: Annotated[
            bool,
            typer.Option(
                "--wait", help="Wait until services are running or healthy (implies --detach)."
            ),
        ] = False,
        wait_timeout: Annotated[
            int | None,
            typer.Option("--wait-timeout", help="Longest --wait, in seconds (default: none)."),
        ] = None,
        attach: Annotated[
            list[str] | None,
            typer.Option("--attach", help="Show the output of this service only (repeatable)."),
        ] = None,
        no_attach: Annotated[
            list[str] | None,
            typer.Option("--no-attach", help="Do not show the output of this service."),
        ] = None,
        timestamps: Annotated[
            bool, typer.Option("--timestamps", help="Show the time of each output line.")
        ] = False,
        no_color: Annotated[
            bool, typer.Option("--no-color", help="Print the service prefixes without colour.")
        ] = False,
        no_log_prefix: Annotated[
            bool, typer.Option("--no-log-prefix", help="Leave out the service prefix.")
        ] = False,
        abort_on_container_exit: Annotated[
            bool,
            typer.Option("--abort-on-container-exit", help="Stop every container when one exits."),
        ] = False,
        exit_code_from: Annotated[
            str | None,
            typer.Option("--exit-code-from", help="Exit with this service's exit code."),
        ] = None,
        timeout: Annotated[
            int | None,
            typer.Option("--timeout", "-t", help="Seconds to wait for a container to stop."),
        ] = None,
        build: Annotated[
            bool, typer.Option("--build", help="Build images before starting the containers.")
        ] = False,
        no_build: Annotated[
            bool, typer.Option("--no-build", help="Do not build an image, even if missing.")
        ] = False,
        pull: Annotated[
            str | None,
            typer.Option("--pull", help="Pull images: always, missing, never or build."),
        ] = None,
    ) -> int:
        """Create and start the project's containers (in dependency order)."""
        if pull is not None and pull not in ("always", "missing", "never", "build"):
            raise InvalidArgument(f"invalid --pull {pull!r}: use always, missing, never or build")
        if build and no_build:
            raise InvalidArgument("--build and --no-build cannot be combined")
        if force_recreate and no_recreate:
            raise InvalidArgument("--force-recreate and --no-recreate cannot be combined")
        if wait and (abort_on_container_exit or exit_code_from or attach):
            raise InvalidArgument(
                "--wait cannot be combined with --abort-on-container-exit, --exit-code-from "
                "or --attach"
            )
        if detach and (abort_on_container_exit or exit_code_from):
            raise InvalidArgument("--abort-on-container-exit cannot be combined with --detach")
        if wait_timeout is not None and wait_timeout < 0:
            raise InvalidArgument(f"invalid --wait-timeout {wait_timeout}: must not be negative")
        detach = detach or wait  # docker compose: --wait implies --detach
        names = tuple(services or ())
        project = load_model(ctx, services=names)
        for service in (*(attach or ()), *(no_attach or ())):
            if service not in project.services:
                raise InvalidArgument(f"no such service: {service}")
        state = state_of(ctx)
        runner = state.compose().runner(project)
        runner.up(
            ComposeUpOptions(
                services=names,
                detach=detach,
                force_recreate=force_recreate,
                no_recreate=no_recreate,
                no_deps=no_deps,
                no_start=no_start,
                remove_orphans=remove_orphans,
                scale=_scale(scale),
                wait=wait,
                wait_timeout=wait_timeout,
                timeout=timeout,
                build=build,
                no_build=no_build,
                pull=pull,
            ),
            _progress,
        )
        if detach or no_start:
            return 0
        engine = state.engine()
        containers = runner.containers(all=True, services=names)
        abort = abort_on_container_exit or exit_code_from is not None
        # a one-shot job others wait for (service_completed_successfully) ends
        # by design: its exit does not abort the others
        one_shot = {
            dep
            for body in project.services.values()
            for dep, cond in (body.get("depends_on") or {}).items()
            if cond.get("condition") == "service_completed_successfully"
        }
        service_of = {c.name: c.service for c in containers}
        attached = set(attach or service_of.values()) - set(no_attach or ())
        # docker compose: SIGTERM stops the project as Ctrl-C does
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            multiplex(
                containers,
                lambda options: state.new_engine().containers.logs(options),
                LogsOptions(names=(), follow=True, timestamps=timestamps),
                prefix=not no_log_prefix,
                colour=not no_color,
                on_exit=lambda name: abort and service_of.get(name) not in one_shot,
                shown={c.name for c in containers if c.service in attached},
            )
        except KeyboardInterrupt:
            _progress("Gracefully stopping... (press Ctrl+C again to force)")
        names_all = tuple(c.name for c in containers)
        try:
            engine.containers.stop(names_all, StopOptions(timeout=timeout, ignore=True))
        except KeyboardInterrupt:
            engine.containers.kill(names_all, KillOptions("KILL"))
        finally:
            signal.signal(signal.SIGTERM, previous)
        if exit_code_from is not None:
            target = [c.name for c in containers if c.service == exit_code_from]
            if not target:
                raise InvalidArgument(f"no such service: {exit_code_from}")
            return engine.containers.wait(target[:1], WaitOptions(("exited",)))[0].exit_code
        return 0

    @compose_app.command("down")
    def down(
        ctx: typer.Context,
        volumes: Annotated[
            bool, typer.Option("--volumes", "-v", help="Also remove the project's named volumes.")
        ] = False,
        remove_orphans: Annotated[
            bool,
            typer.Option("--remove-orphans", help="Remove containers of services not in the file."),
        ] = False,
        timeout: Annotated[
            int | None,
            typer.Option("--timeout", "-t", help="Seconds to wait for a container to stop."),
        ] = None,
    ) -> None:
        """Stop and remove the project's containers and networks."""
        project = load_model(ctx, profiles=("*",))
        state_of(ctx).compose().runner(project).down(
            ComposeDownOptions(volumes=volumes, remove_orphans=remove_orphans, timeout=timeout),
            _progress,
        )

    @compose_app.command("logs")
    def logs(
        ctx: typer.Context,
        services: Annotated[list[str] | None, typer.Argument(help="Services to show.")] = None,
        follow: Annotated[bool, typer.Option("--follow", "-f", help="Follow the output.")] = False,
        tail: Annotated[
            int | None, typer.Option("--tail", help="Lines from the end of each log.")
        ] = None,
        since: Annotated[str | None, typer.Option("--since", help="Only lines after this.")] = None,
        until: Annotated[
            str | None, typer.Option("--until", help="Only lines before this.")
        ] = None,
        timestamps: Annotated[
            bool, typer.Option("--timestamps", "-t", help="Show timestamps.")
        ] = False,
        no_log_prefix: Annotated[
            bool, typer.Option("--no-log-prefix", help="Leave out the service prefix.")
        ] = False,
        no_color: Annotated[
            bool, typer.Option("--no-color", help="Print the service prefixes without colour.")
        ] = False,
    ) -> None:
        """Show the output of the project's containers."""
        project = load_model(ctx, profiles=("*",))
        state = state_of(ctx)
        found = state.compose().runner(project).containers(True, tuple(services or ()))
        options = LogsOptions(
            names=(), follow=follow, tail=tail, since=since, until=until, timestamps=timestamps
        )
        try:
            multiplex(
                found,
                lambda one: state.new_engine().containers.logs(one),
                options,
                prefix=not no_log_prefix,
                colour=not no_color,
            )
        except KeyboardInterrupt:
            return
