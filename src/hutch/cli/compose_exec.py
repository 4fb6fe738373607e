"""``compose exec`` (a command in a service's container) and ``compose run`` (a one-off)."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from typing import Annotated

import typer

from hutch.api.compose import ComposeRunOptions
from hutch.api.containers import ExecOptions
from hutch.api.errors import InvalidArgument
from hutch.cli.compose_progress import QuietPull, progress_view
from hutch.cli.compose_project import load_model
from hutch.cli.state import state_of

CONTEXT = {"allow_interspersed_args": False, "help_option_names": ["--help"]}


def add_commands(compose_app: typer.Typer) -> None:
    @compose_app.command("exec", context_settings=CONTEXT)
    def exec_(
        ctx: typer.Context,
        service: Annotated[str, typer.Argument(help="Service.")],
        command: Annotated[list[str], typer.Argument(help="Command and its arguments.")],
        no_tty: Annotated[
            bool, typer.Option("--no-TTY", "-T", help="Do not allocate a terminal.")
        ] = False,
        env: Annotated[
            list[str] | None, typer.Option("--env", "-e", help="KEY=VALUE for the command.")
        ] = None,
        user: Annotated[str | None, typer.Option("--user", "-u", help="Run as this user.")] = None,
        workdir: Annotated[
            str | None, typer.Option("--workdir", "-w", help="Working directory.")
        ] = None,
        index: Annotated[
            int, typer.Option("--index", help="Which replica of the service (from 1).")
        ] = 1,
        detach: Annotated[
            bool, typer.Option("--detach", "-d", help="Run the command in the background.")
        ] = False,
    ) -> None:
        """Run a command in a running container of a service."""
        project = load_model(ctx, (service,), profiles=("*",))
        found = state_of(ctx).compose().runner(project).containers(False, (service,))
        match = [c for c in found if c.number == index]
        if not match:
            raise InvalidArgument(f"service {service!r} has no running container number {index}")
        tty = not no_tty and sys.stdin.isatty() and not detach
        report = (
            state_of(ctx)
            .engine()
            .containers.exec(
                ExecOptions(
                    container=match[0].name,
                    command=tuple(command),
                    interactive=not detach,
                    tty=tty,
                    env=tuple(env or ()),
                    user=user,
                    workdir=workdir,
                    detach=detach,
                )
            )
        )
        if report.exit_code is not None:
            raise typer.Exit(report.exit_code)

    @compose_app.command("run", context_settings=CONTEXT)
    def run(
        ctx: typer.Context,
        service: Annotated[str, typer.Argument(help="Service.")],
        command: Annotated[
            list[str] | None, typer.Argument(help="Command (default: the service's).")
        ] = None,
        remove: Annotated[
            bool, typer.Option("--rm", help="Remove the container when it exits.")
        ] = False,
        detach: Annotated[
            bool, typer.Option("--detach", "-d", help="Run in the background, print the id.")
        ] = False,
        env: Annotated[list[str] | None, typer.Option("--env", "-e", help="KEY=VALUE.")] = None,
        volume: Annotated[
            list[str] | None, typer.Option("--volume", "-v", help="Bind or volume mount.")
        ] = None,
        publish: Annotated[
            list[str] | None, typer.Option("--publish", "-p", help="Publish a port.")
        ] = None,
        service_ports: Annotated[
            bool, typer.Option("--service-ports", help="Publish the service's own ports.")
        ] = False,
        no_deps: Annotated[
            bool, typer.Option("--no-deps", help="Do not start the services it depends on.")
        ] = False,
        entrypoint: Annotated[
            str | None, typer.Option("--entrypoint", help="Override the entrypoint.")
        ] = None,
        no_tty: Annotated[
            bool, typer.Option("--no-TTY", "-T", help="Do not allocate a terminal.")
        ] = False,
        name: Annotated[str | None, typer.Option("--name", help="Container name.")] = None,
        user: Annotated[str | None, typer.Option("--user", "-u", help="Run as this user.")] = None,
        workdir: Annotated[
            str | None, typer.Option("--workdir", "-w", help="Working directory.")
        ] = None,
        quiet_pull: QuietPull = False,
    ) -> None:
        """Run a one-off container of a service (labelled oneoff=True)."""
        project = load_model(ctx, services=(service,))
        options = ComposeRunOptions(
            service=service,
            command=tuple(command or ()),
            entrypoint=entrypoint,
            env=tuple(env or ()),
            volumes=tuple(volume or ()),
            publish=tuple(publish or ()),
            service_ports=service_ports,
            name=name,
            remove=remove,
            user=user,
            workdir=workdir,
            tty=not no_tty and not detach and sys.stdin.isatty(),
            interactive=not detach,
            detach=detach,
            no_deps=no_deps,
            quiet_pull=quiet_pull,
        )
        # what run starts first (the dependencies, the images pulled or built) shows in
        # the --progress mode; the view ends (ready) before the one-off's output begins
        with ExitStack() as view:
            progress = view.enter_context(progress_view(ctx, "Running"))
            runner = state_of(ctx).compose().runner(project)
            report = runner.run_one_off(options, progress, ready=view.close)
        if report.exit_code is None:
            print(report.id)
            return
        raise typer.Exit(report.exit_code)
