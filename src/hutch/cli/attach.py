"""``hutch attach``: connect the terminal to a running container."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hutch.cli import targets as t
from hutch.cli.state import state_of

if TYPE_CHECKING:
    pass


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def attach(
        ctx: typer.Context,
        container: Annotated[str | None, typer.Argument(help="Container to attach to.")] = None,
        no_stdin: Annotated[
            bool, typer.Option("--no-stdin", help="Do not attach standard input.")
        ] = False,
        detach_keys: Annotated[
            str | None,
            typer.Option(
                "--detach-keys",
                help='Key sequence that detaches (default ctrl-p,ctrl-q; "" disables).',
            ),
        ] = None,
        sig_proxy: Annotated[
            bool,
            typer.Option(
                "--sig-proxy/--no-sig-proxy",
                help="Forward the signals hutch receives to the container (not with a tty).",
            ),
        ] = True,
        latest: t.Latest = False,
    ) -> None:
        """Attach to a running container's input and output."""
        from hutch.api.containers import AttachOptions

        name = t.one(ctx, container, latest, "attach")
        options = AttachOptions(name, no_stdin, detach_keys, sig_proxy)
        raise typer.Exit(state_of(ctx).engine().containers.attach(options))

    app.command("attach")(attach)
    container_app.command("attach")(attach)
