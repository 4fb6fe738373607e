"""``hutch run`` and ``hutch create``: a new container from an image."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli import run_flags as f
from hutch.cli.state import state_of

RUN_CONTEXT = {"allow_interspersed_args": False, "help_option_names": ["--help"]}


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def run(
        ctx: typer.Context,
        image: f.Image,
        command: f.Command = None,
        rm: f.Rm = False,
        interactive: f.Interactive = False,
        tty: f.Tty = False,
        detach: Annotated[
            bool,
            typer.Option(
                "--detach", "-d", help="Run in the background and print the container id."
            ),
        ] = False,
        env: f.Env = None,
        env_file: f.EnvFile = None,
        workdir: f.Workdir = None,
        user: f.User = None,
        entrypoint: f.Entrypoint = None,
        hostname: f.Hostname = None,
        name: f.Name = None,
        network: f.Network = "none",
        restart: f.Restart = "no",
        label: f.Label = None,
        stop_signal: f.StopSignal = None,
        stop_timeout: f.StopTimeout = None,
        cidfile: f.Cidfile = None,
    ) -> None:
        """Run a command in a new container."""
        options = f.run_options(
            image=image,
            command=command,
            rm=rm,
            interactive=interactive,
            tty=tty,
            env=env,
            env_file=env_file,
            workdir=workdir,
            user=user,
            entrypoint=entrypoint,
            hostname=hostname,
            name=name,
            network=network,
            restart=restart,
            label=label,
            stop_signal=stop_signal,
            stop_timeout=stop_timeout,
            cidfile=cidfile,
            detach=detach,
        )
        report = state_of(ctx).engine().run(options)
        if report.exit_code is None:
            print(report.id)
            return
        raise typer.Exit(report.exit_code)

    def create(
        ctx: typer.Context,
        image: f.Image,
        command: f.Command = None,
        rm: f.Rm = False,
        interactive: f.Interactive = False,
        tty: f.Tty = False,
        env: f.Env = None,
        env_file: f.EnvFile = None,
        workdir: f.Workdir = None,
        user: f.User = None,
        entrypoint: f.Entrypoint = None,
        hostname: f.Hostname = None,
        name: f.Name = None,
        network: f.Network = "none",
        restart: f.Restart = "no",
        label: f.Label = None,
        stop_signal: f.StopSignal = None,
        stop_timeout: f.StopTimeout = None,
        cidfile: f.Cidfile = None,
    ) -> None:
        """Create a container without starting it; print its id."""
        options = f.run_options(
            image=image,
            command=command,
            rm=rm,
            interactive=interactive,
            tty=tty,
            env=env,
            env_file=env_file,
            workdir=workdir,
            user=user,
            entrypoint=entrypoint,
            hostname=hostname,
            name=name,
            network=network,
            restart=restart,
            label=label,
            stop_signal=stop_signal,
            stop_timeout=stop_timeout,
            cidfile=cidfile,
            detach=True,
        )
        print(state_of(ctx).engine().create(options))

    for target in (app, container_app):
        target.command("run", context_settings=RUN_CONTEXT)(run)
        target.command("create", context_settings=RUN_CONTEXT)(create)
