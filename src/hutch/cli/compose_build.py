"""``compose build``, ``pull`` and ``push``: the images of a project's services."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.api.compose import ComposeBuildOptions, ComposePullOptions, ComposePushOptions
from hutch.cli.compose_progress import progress_view
from hutch.cli.compose_project import load_model
from hutch.cli.state import state_of


def add_commands(compose_app: typer.Typer) -> None:
    @compose_app.command("build")
    def build(
        ctx: typer.Context,
        services: Annotated[
            list[str] | None, typer.Argument(help="Services to build (default: all).")
        ] = None,
        no_cache: Annotated[
            bool, typer.Option("--no-cache", help="Do not use the layer cache.")
        ] = False,
        pull: Annotated[
            bool, typer.Option("--pull", help="Always pull a newer version of the base images.")
        ] = False,
        build_arg: Annotated[
            list[str] | None,
            typer.Option("--build-arg", help="KEY=VALUE over the file's build args (repeatable)."),
        ] = None,
    ) -> None:
        """Build or rebuild the images of the services with a build section."""
        names = tuple(services or ())
        project = load_model(ctx, services=names)
        with progress_view(ctx, "Building") as progress:
            state_of(ctx).compose().runner(project).build(
                ComposeBuildOptions(
                    services=names, no_cache=no_cache, pull=pull, build_args=tuple(build_arg or ())
                ),
                progress,
            )

    @compose_app.command("pull")
    def pull(
        ctx: typer.Context,
        services: Annotated[
            list[str] | None, typer.Argument(help="Services to pull (default: all).")
        ] = None,
        ignore_pull_failures: Annotated[
            bool,
            typer.Option("--ignore-pull-failures", help="Warn about a failed pull and go on."),
        ] = False,
        quiet: Annotated[
            bool, typer.Option("--quiet", "-q", help="Print no progress lines.")
        ] = False,
    ) -> None:
        """Pull the images of the services that name one."""
        names = tuple(services or ())
        project = load_model(ctx, services=names)
        with progress_view(ctx, "Pulling") as progress:
            state_of(ctx).compose().runner(project).pull(
                ComposePullOptions(
                    services=names, ignore_failures=ignore_pull_failures, quiet=quiet
                ),
                progress,
            )

    @compose_app.command("push")
    def push(
        ctx: typer.Context,
        services: Annotated[
            list[str] | None, typer.Argument(help="Services to push (default: all).")
        ] = None,
        ignore_push_failures: Annotated[
            bool,
            typer.Option("--ignore-push-failures", help="Warn about a failed push and go on."),
        ] = False,
        quiet: Annotated[
            bool, typer.Option("--quiet", "-q", help="Print no progress lines.")
        ] = False,
    ) -> None:
        """Push the images of the services with both an image and a build section."""
        names = tuple(services or ())
        project = load_model(ctx, services=names)
        with progress_view(ctx, "Pushing") as progress:
            state_of(ctx).compose().runner(project).push(
                ComposePushOptions(
                    services=names, ignore_failures=ignore_push_failures, quiet=quiet
                ),
                progress,
            )
