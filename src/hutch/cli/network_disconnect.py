"""``hutch network disconnect``: disconnect a container from a network."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.state import state_of


def register(network_app: typer.Typer) -> None:
    @network_app.command("disconnect")
    def disconnect(
        ctx: typer.Context,
        network: Annotated[str, typer.Argument(help="Network.")],
        container: Annotated[str, typer.Argument(help="Container.")],
        force: Annotated[
            bool, typer.Option("--force", "-f", help="Accepted for compatibility.")
        ] = False,
    ) -> None:
        """Disconnect a container from a network."""
        from hutch.api.networks import NetworkDisconnectOptions

        options = NetworkDisconnectOptions(container, force)
        state_of(ctx).engine().networks.disconnect(network, options)
