"""``hutch start``: start created or stopped containers."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli.reports import print_reports
from hutch.cli.state import state_of


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def start(
        ctx: typer.Context,
        names: Annotated[list[str], typer.Argument(help="Containers to start.")],
        attach: Annotated[
            bool,
            typer.Option(
                "--attach", "-a", help="Attach to the container's output and wait for it."
            ),
        ] = False,
        interactive: Annotated[
            bool,
            typer.Option(
                "--interactive", "-i", help="Pass stdin to the container (with --attach)."
            ),
        ] = False,
        detach_keys: Annotated[
            str | None,
            typer.Option(
                "--detach-keys",
                help="Keys that detach (with --attach; default: the container's own, "
                'else ctrl-p,ctrl-q; "" none).',
            ),
        ] = None,
        sig_proxy: Annotated[
            bool,
            typer.Option(
                "--sig-proxy/--no-sig-proxy",
                help="Forward the signals hutch receives to the container (with --attach).",
            ),
        ] = True,
    ) -> None:
        """Start one or more containers."""
        if attach and len(names) > 1:
            raise InvalidArgument("you cannot start and attach multiple containers at once")
        from hutch.api.containers import StartOptions

        options = StartOptions(attach, interactive, detach_keys, sig_proxy)
        reports = state_of(ctx).engine().containers.start(names, options)
        if attach:
            report = reports[0]
            if report.error is not None:
                raise typer.Exit(print_reports(reports))
            raise typer.Exit(report.exit_code)
        raise typer.Exit(print_reports(reports))

    app.command("start")(start)
    container_app.command("start")(start)
