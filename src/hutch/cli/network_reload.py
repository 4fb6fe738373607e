"""``hutch network reload``: re-apply the firewall rules and name records of networks."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.reports import print_reports
from hutch.cli.state import state_of


def register(network_app: typer.Typer) -> None:
    @network_app.command("reload")
    def reload(
        ctx: typer.Context,
        names: Annotated[list[str] | None, typer.Argument(help="Containers.")] = None,
        all_: Annotated[bool, typer.Option("--all", "-a", help="All containers.")] = False,
        latest: Annotated[
            bool, typer.Option("--latest", "-l", help="The container created last.")
        ] = False,
    ) -> None:
        """Re-apply the firewall rules and name records of containers' networks."""
        from hutch.api.networks import NetworkReloadOptions
        from hutch.cli import target_rules

        target_rules.check(names or (), all_=all_, latest=latest)  # podman's order and words
        if latest:
            names = [target_rules.latest_id(state_of(ctx))]

        reports = state_of(ctx).engine().networks.reload(names or (), NetworkReloadOptions(all_))
        raise typer.Exit(print_reports(reports))
