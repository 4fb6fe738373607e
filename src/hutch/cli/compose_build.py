"""``compose build``: the images of the services with a ``build`` section."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hutch.api.compose import ComposeBuildOptions
from hutch.cli.compose_project import load_model
from hutch.cli.state import state_of


def _progress(line: str) -> None:
    sys.stderr.write(line + "\n")


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
        state_of(ctx).compose().runner(project).build(
            ComposeBuildOptions(
                services=names, no_cache=no_cache, pull=pull, build_args=tuple(build_arg or ())
            ),
            _progress,
        )
