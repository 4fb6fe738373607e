"""``hutch volume prune``: remove every unused volume that the filters match."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.api.volumes import VolumeListOptions
from hutch.cli.confirm import confirmed
from hutch.cli.state import state_of


def register(volume_app: typer.Typer) -> None:
    @volume_app.command("prune")
    def prune(
        ctx: typer.Context,
        force: Annotated[
            bool, typer.Option("--force", "-f", help="Do not ask for confirmation.")
        ] = False,
        filters: Annotated[
            list[str] | None,
            typer.Option(
                "--filter",
                help="label=KEY[=VALUE], label!=KEY[=VALUE], until=TIME|DURATION (repeatable).",
            ),
        ] = None,
    ) -> None:
        """Remove every volume that no container uses (and that the filters match)."""
        volumes = state_of(ctx).engine().volumes
        if not force:
            # podman names what would go before it asks, and asks nothing when
            # nothing would go (the user's filters and dangling=true apart, as a
            # user's own dangling= would otherwise widen the match)
            dangling = {v.name for v in volumes.ls(VolumeListOptions(("dangling=true",)))}
            listed = volumes.ls(VolumeListOptions(tuple(filters or ())))
            unused = [v for v in listed if v.name in dangling]
            warning = (
                "This will remove all volumes not used by at least one container. "
                "The following volumes will be removed:"
            )
            if not unused:  # podman: after its warning line, and no question
                print(f"WARNING! {warning}\nNo dangling volumes found")
                return
            if not confirmed(warning, [v.name for v in unused]):
                return
        for report in volumes.prune(tuple(filters or ())):
            print(report.id)
