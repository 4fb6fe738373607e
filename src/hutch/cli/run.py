"""``hutch run`` and ``hutch create``: a new container from an image.

Their flags are declared in api/container_flags.py; this module adds the
two positional arguments and what each verb does with the options.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

import typer

from hutch.cli.flagparams import with_flags
from hutch.cli.state import state_of

RUN_CONTEXT = {"allow_interspersed_args": False, "help_option_names": ["--help"]}

Image = Annotated[str, typer.Argument(help="Image to run.")]
Command = Annotated[
    list[str] | None,
    typer.Argument(help="Command and arguments (default: the image's Entrypoint and Cmd)."),
]


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    from hutch.api.flagoptions import run_options

    def run(ctx: typer.Context, image: Image, command: Command = None, **values: Any) -> None:
        """Run a command in a new container."""
        state = state_of(ctx)
        options = run_options("run", values, image=image, command=tuple(command or ()))
        # The command line is recorded for ``generate systemd --new``.
        report = state.engine().containers.run(replace(options, create_command=state.argv))
        if report.exit_code is None:
            print(report.id)
            return
        raise typer.Exit(report.exit_code)

    def create(ctx: typer.Context, image: Image, command: Command = None, **values: Any) -> None:
        """Create a container without starting it; print its id."""
        options = run_options(
            "create", values, image=image, command=tuple(command or ()), detach=True
        )
        state = state_of(ctx)
        print(state.engine().containers.create(replace(options, create_command=state.argv)))

    for name, verb in (("run", run), ("create", create)):
        with_flags(verb, name)
        for target in (app, container_app):
            target.command(name, context_settings=RUN_CONTEXT)(verb)
