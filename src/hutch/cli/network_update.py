"""``hutch network update``: change the name servers of a network (``--dns-add``,
``--dns-drop``); containers already running on it use them at once."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.state import state_of


def _servers(values: list[str] | None) -> tuple[str, ...]:
    """Each flag may repeat and take a comma list, as podman's string slices do (an
    empty value is no server; an empty item between commas is kept, and refused)."""
    return tuple(item for value in values or () if value for item in value.split(","))


def register(network_app: typer.Typer) -> None:
    @network_app.command("update")
    def update(
        ctx: typer.Context,
        network: Annotated[str, typer.Argument(help="Network.")],
        dns_add: Annotated[
            list[str] | None,
            typer.Option("--dns-add", help="Add name servers (IP[,IP...]) to the network."),
        ] = None,
        dns_drop: Annotated[
            list[str] | None,
            typer.Option("--dns-drop", help="Remove name servers (IP[,IP...]) from the network."),
        ] = None,
    ) -> None:
        """Update a network's name servers (running containers use them at once)."""
        from hutch.api.networks import NetworkUpdateOptions

        options = NetworkUpdateOptions(_servers(dns_add), _servers(dns_drop))
        state_of(ctx).engine().networks.update(network, options)
        print(network)  # podman prints the name as given
