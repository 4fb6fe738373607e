"""``hutch run``: run a command in a new container."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.api.errors import InvalidArgument
from hutch.api.options import RunOptions
from hutch.cli.state import state_of

RUN_CONTEXT = {"allow_interspersed_args": False, "help_option_names": ["--help"]}


def register(app: typer.Typer) -> None:
    @app.command("run", context_settings=RUN_CONTEXT)
    def run(
        ctx: typer.Context,
        image: Annotated[str, typer.Argument(help="Image to run.")],
        command: Annotated[
            list[str] | None,
            typer.Argument(help="Command and arguments (default: the image's Entrypoint and Cmd)."),
        ] = None,
        rm: Annotated[
            bool, typer.Option("--rm", help="Remove the container when it exits.")
        ] = False,
        interactive: Annotated[
            bool,
            typer.Option(
                "--interactive", "-i", help="Keep stdin open and pass it to the container."
            ),
        ] = False,
        tty: Annotated[
            bool, typer.Option("--tty", "-t", help="Allocate a pseudo-terminal.")
        ] = False,
        detach: Annotated[
            bool, typer.Option("--detach", "-d", help="Run in the background (not available yet).")
        ] = False,
        env: Annotated[
            list[str] | None,
            typer.Option(
                "--env", "-e", help="Set an environment variable (NAME=VALUE, or NAME to copy)."
            ),
        ] = None,
        env_file: Annotated[
            list[str] | None,
            typer.Option("--env-file", help="Read environment variables from a file."),
        ] = None,
        workdir: Annotated[
            str | None,
            typer.Option("--workdir", "-w", help="Working directory inside the container."),
        ] = None,
        user: Annotated[
            str | None,
            typer.Option("--user", "-u", help="User (name or uid, optionally :group) to run as."),
        ] = None,
        entrypoint: Annotated[
            str | None,
            typer.Option(
                "--entrypoint", help="Override the image's entrypoint (string or JSON array)."
            ),
        ] = None,
        hostname: Annotated[
            str | None, typer.Option("--hostname", "-h", help="Container host name.")
        ] = None,
        name: Annotated[str | None, typer.Option("--name", help="Name of the container.")] = None,
        network: Annotated[
            str, typer.Option("--network", "--net", help="Network mode: none (default) or host.")
        ] = "none",
    ) -> None:
        """Run a command in a new container."""
        if detach:
            raise InvalidArgument(
                "--detach is not available yet: detached containers come with the "
                "container lifecycle work; run in the foreground"
            )
        options = RunOptions(
            image=image,
            command=tuple(command or ()),
            remove=rm,
            interactive=interactive,
            tty=tty,
            env=tuple(env or ()),
            env_files=tuple(env_file or ()),
            workdir=workdir,
            user=user,
            entrypoint=entrypoint,
            hostname=hostname,
            name=name,
            network=network,
        )
        raise typer.Exit(state_of(ctx).engine().run(options))
