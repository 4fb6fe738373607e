"""``compose up``, ``down``, ``ps`` and ``logs``: the project bound to the engine."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

import typer

from hutch.api.compose import ComposeDownOptions
from hutch.api.containers import LogsOptions
from hutch.api.errors import InvalidArgument
from hutch.cli.compose_attach import Foreground
from hutch.cli.compose_create_flags import (
    Build,
    ForceRecreate,
    NoBuild,
    NoRecreate,
    Pull,
    RemoveOrphans,
    Scale,
    Yes,
    create_options,
)
from hutch.cli.compose_logs import multiplex
from hutch.cli.compose_progress import QuietPull, line_writer, progress_view
from hutch.cli.compose_project import load_model
from hutch.cli.state import state_of


def add_commands(compose_app: typer.Typer) -> None:
    @compose_app.command("up")
    def up(
        ctx: typer.Context,
        services: Annotated[list[str] | None, typer.Argument(help="Services to start.")] = None,
        detach: Annotated[
            bool, typer.Option("--detach", "-d", help="Start in the background and return.")
        ] = False,
        force_recreate: ForceRecreate = False,
        no_recreate: NoRecreate = False,
        no_deps: Annotated[
            bool, typer.Option("--no-deps", help="Do not start the services named depend on.")
        ] = False,
        no_start: Annotated[
            bool, typer.Option("--no-start", help="Create the containers, do not start them.")
        ] = False,
        remove_orphans: RemoveOrphans = False,
        scale: Scale = None,
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
        abort_on_container_failure: Annotated[
            bool,
            typer.Option(
                "--abort-on-container-failure",
                help="Stop every container when one exits with a failure.",
            ),
        ] = False,
        exit_code_from: Annotated[
            str | None,
            typer.Option("--exit-code-from", help="Exit with this service's exit code."),
        ] = None,
        attach_dependencies: Annotated[
            bool,
            typer.Option(
                "--attach-dependencies", help="Also show the output of the services depended on."
            ),
        ] = False,
        always_recreate_deps: Annotated[
            bool,
            typer.Option(
                "--always-recreate-deps",
                help="Recreate the containers of the services depended on.",
            ),
        ] = False,
        renew_anon_volumes: Annotated[
            bool,
            typer.Option(
                "--renew-anon-volumes",
                "-V",
                help="New anonymous volumes for recreated containers, not the old ones.",
            ),
        ] = False,
        quiet_pull: QuietPull = False,
        timeout: Annotated[
            int | None,
            typer.Option("--timeout", "-t", help="Seconds to wait for a container to stop."),
        ] = None,
        build: Build = False,
        no_build: NoBuild = False,
        pull: Pull = None,
        yes: Yes = False,
    ) -> int:
        """Create and start the project's containers (in dependency order)."""
        names = tuple(services or ())
        shared = create_options(
            names,
            build=build,
            no_build=no_build,
            force_recreate=force_recreate,
            no_recreate=no_recreate,
            pull=pull,
            quiet_pull=quiet_pull,
            remove_orphans=remove_orphans,
            scale=scale,
        )
        del yes  # hutch never prompts
        if always_recreate_deps and no_recreate:
            raise InvalidArgument("--always-recreate-deps and --no-recreate cannot be combined")
        if abort_on_container_exit and abort_on_container_failure:
            raise InvalidArgument(
                "--abort-on-container-exit and --abort-on-container-failure cannot be combined"
            )
        aborts = abort_on_container_exit or abort_on_container_failure or exit_code_from
        if wait and (aborts or attach or attach_dependencies):
            raise InvalidArgument(
                "--wait cannot be combined with --abort-on-container-exit, "
                "--abort-on-container-failure, --exit-code-from, --attach or "
                "--attach-dependencies"
            )
        if detach and aborts:
            raise InvalidArgument(
                "--abort-on-container-exit, --abort-on-container-failure and --exit-code-from "
                "cannot be combined with --detach"
            )
        if wait_timeout is not None and wait_timeout < 0:
            raise InvalidArgument(f"invalid --wait-timeout {wait_timeout}: must not be negative")
        detach = detach or wait  # docker compose: --wait implies --detach
        project = load_model(ctx, services=names)
        named = [*(attach or ()), *(no_attach or ()), *([exit_code_from] if exit_code_from else [])]
        for service in named:
            if service not in project.services:
                raise InvalidArgument(f"no such service: {service}")
        state = state_of(ctx)
        runner = state.compose().runner(project)
        with progress_view(ctx, "Running") as progress:
            runner.up(
                replace(
                    shared,
                    detach=detach,
                    no_deps=no_deps,
                    no_start=no_start,
                    wait=wait,
                    wait_timeout=wait_timeout,
                    timeout=timeout,
                    renew_anon_volumes=renew_anon_volumes,
                    always_recreate_deps=always_recreate_deps,
                ),
                progress,
            )
        if detach or no_start:
            return 0
        followed = Foreground(
            project.services,
            names,
            attach=tuple(attach or ()),
            no_attach=tuple(no_attach or ()),
            dependencies=attach_dependencies,
            exit_code_from=exit_code_from,
        )
        return followed.run(
            state,
            runner,
            runner.containers(all=True, services=followed.services()),
            timeout=timeout,
            abort="failure" if abort_on_container_failure else "exit" if aborts else "",
            logs=LogsOptions(names=(), follow=True, timestamps=timestamps),
            prefix=not no_log_prefix,
            colour=not no_color,
            progress=line_writer(ctx),
        )

    @compose_app.command("down")
    def down(
        ctx: typer.Context,
        services: Annotated[
            list[str] | None, typer.Argument(help="Services (default: the whole project).")
        ] = None,
        volumes: Annotated[
            bool, typer.Option("--volumes", "-v", help="Also remove the project's named volumes.")
        ] = False,
        remove_orphans: RemoveOrphans = False,
        timeout: Annotated[
            int | None,
            typer.Option("--timeout", "-t", help="Seconds to wait for a container to stop."),
        ] = None,
    ) -> None:
        """Stop and remove the project's containers and networks (or the services named)."""
        names = tuple(services or ())
        project = load_model(ctx, names, profiles=("*",))
        options = ComposeDownOptions(
            volumes=volumes, remove_orphans=remove_orphans, timeout=timeout, services=names
        )
        compose = state_of(ctx).compose()
        with progress_view(ctx, "Running") as progress:
            compose.runner(project).down(options, progress)
        # the project is gone: its kept load would only take room (compose/modelcache.py)
        compose.forget(project)

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
        project = load_model(ctx, services or (), profiles=("*",))
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
