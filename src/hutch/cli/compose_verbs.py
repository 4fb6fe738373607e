"""``compose start/stop/restart/kill/rm/pause/unpause/create/version``.

Each acts on the project's containers (of the services named, or all), found
by their labels, through the engine's own verbs; start and restart go in
dependency order, stop, kill and rm in the reverse order.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Annotated

import typer

from hutch import __version__
from hutch.api.containers import (
    KillOptions,
    PauseOptions,
    RemoveContainerOptions,
    StopOptions,
)
from hutch.api.errors import HutchError
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
from hutch.cli.compose_progress import Progress, QuietPull, progress_view
from hutch.cli.compose_project import load_model
from hutch.cli.state import state_of

if TYPE_CHECKING:
    from hutch.api.compose import ComposeContainer
    from hutch.api.containers import ActionReport

Services = Annotated[list[str] | None, typer.Argument(help="Services (default: all).")]
Timeout = Annotated[
    int | None, typer.Option("--timeout", "-t", help="Seconds to wait before killing.")
]


def _containers(ctx: typer.Context, services: list[str] | None) -> list[ComposeContainer]:
    project = load_model(ctx, services or (), profiles=("*",))
    return state_of(ctx).compose().runner(project).containers(True, tuple(services or ()))


def _report(reports: list[ActionReport], verb: str, progress: Progress) -> None:
    failed = [r for r in reports if r.error]
    for report in reports:
        if not report.error:
            progress(f" Container {report.name}  {verb}")
    if failed:
        raise HutchError(f"{failed[0].name}: {failed[0].error}")


def add_commands(compose_app: typer.Typer) -> None:
    @compose_app.command("start")
    def start(ctx: typer.Context, services: Services = None) -> None:
        """Start the project's existing containers."""
        project = load_model(ctx, services or (), profiles=("*",))
        with progress_view(ctx, "Running") as progress:
            state_of(ctx).compose().runner(project).start(tuple(services or ()), progress)

    @compose_app.command("stop")
    def stop(ctx: typer.Context, services: Services = None, timeout: Timeout = None) -> None:
        """Stop the project's running containers."""
        project = load_model(ctx, services or (), profiles=("*",))
        runner = state_of(ctx).compose().runner(project)
        found = runner.containers(True, tuple(services or ()))
        names = tuple(reversed([c.name for c in found]))
        if names:
            with progress_view(ctx, "Stopping") as progress:
                runner.pre_stop(names, progress)
                engine = state_of(ctx).engine()
                reports = engine.containers.stop(names, StopOptions(timeout=timeout))
                _report(reports, "Stopped", progress)

    @compose_app.command("restart")
    def restart(ctx: typer.Context, services: Services = None, timeout: Timeout = None) -> None:
        """Restart the project's containers."""
        project = load_model(ctx, services or (), profiles=("*",))
        runner = state_of(ctx).compose().runner(project)
        with progress_view(ctx, "Restarting") as progress:
            runner.restart(tuple(services or ()), timeout, progress)

    @compose_app.command("kill")
    def kill(
        ctx: typer.Context,
        services: Services = None,
        signal: Annotated[
            str, typer.Option("--signal", "-s", help="Signal to send (default KILL).")
        ] = "KILL",
    ) -> None:
        """Send a signal to the project's running containers."""
        names = [c.name for c in reversed(_containers(ctx, services)) if c.status == "running"]
        if names:
            with progress_view(ctx, "Killing") as progress:
                reports = state_of(ctx).engine().containers.kill(names, KillOptions(signal))
                _report(reports, "Killed", progress)

    @compose_app.command("rm")
    def rm(
        ctx: typer.Context,
        services: Services = None,
        force: Annotated[
            bool, typer.Option("--force", "-f", help="Do not ask (hutch never asks).")
        ] = False,
        stop_first: Annotated[
            bool, typer.Option("--stop", "-s", help="Stop running containers first.")
        ] = False,
        volumes: Annotated[
            bool, typer.Option("--volumes", "-v", help="Remove their anonymous volumes.")
        ] = False,
    ) -> None:
        """Remove the project's stopped containers."""
        project = load_model(ctx, services or (), profiles=("*",))
        runner = state_of(ctx).compose().runner(project)
        found = list(reversed(runner.containers(True, tuple(services or ()))))
        engine = state_of(ctx).engine()
        running = tuple(c.name for c in found if c.status == "running")
        names = tuple(c.name for c in found if stop_first or c.name not in running)
        if not names:
            return
        with progress_view(ctx, "Removing") as progress:
            if running and stop_first:
                runner.pre_stop(running, progress)  # docker compose: rm -s stops as stop does
                _report(engine.containers.stop(running, StopOptions()), "Stopped", progress)
            options = RemoveContainerOptions(volumes=volumes)
            _report(engine.containers.remove(names, options), "Removed", progress)
        del force  # docker compose asks without -f; hutch removes what is stopped

    @compose_app.command("pause")
    def pause(ctx: typer.Context, services: Services = None) -> None:
        """Pause the project's running containers."""
        names = [c.name for c in _containers(ctx, services) if c.status == "running"]
        if names:
            with progress_view(ctx, "Pausing") as progress:
                reports = state_of(ctx).engine().containers.pause(names, PauseOptions())
                _report(reports, "Paused", progress)

    @compose_app.command("unpause")
    def unpause(ctx: typer.Context, services: Services = None) -> None:
        """Unpause the project's paused containers."""
        names = [c.name for c in _containers(ctx, services) if c.status == "paused"]
        if names:
            with progress_view(ctx, "Unpausing") as progress:
                reports = state_of(ctx).engine().containers.unpause(names, PauseOptions())
                _report(reports, "Unpaused", progress)

    @compose_app.command("create")
    def create(
        ctx: typer.Context,
        services: Services = None,
        build: Build = False,
        force_recreate: ForceRecreate = False,
        no_build: NoBuild = False,
        no_recreate: NoRecreate = False,
        pull: Pull = None,
        quiet_pull: QuietPull = False,
        remove_orphans: RemoveOrphans = False,
        scale: Scale = None,
        yes: Yes = False,
    ) -> None:
        """Create the project's networks, volumes and containers without starting them."""
        names = tuple(services or ())
        options = create_options(
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
        project = load_model(ctx, services=names)
        with progress_view(ctx, "Running") as progress:
            # docker compose's create is up without the start (and never attaches)
            runner = state_of(ctx).compose().runner(project)
            runner.up(replace(options, no_start=True), progress)

    @compose_app.command("version")
    def version(
        short: Annotated[bool, typer.Option("--short", help="Print the number only.")] = False,
    ) -> None:
        """Show the version of hutch compose."""
        print(__version__ if short else f"hutch compose version {__version__}")
