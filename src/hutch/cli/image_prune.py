"""``hutch image prune``: remove dangling (or all unused) images."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli import targets as t
from hutch.cli.confirm import confirmed
from hutch.cli.state import state_of


def register(image_app: typer.Typer) -> None:
    @image_app.command("prune")
    def prune(
        ctx: typer.Context,
        all_: Annotated[
            bool, typer.Option("--all", "-a", help="Remove every image no container uses.")
        ] = False,
        force: Annotated[
            bool, typer.Option("--force", "-f", help="Do not ask for confirmation.")
        ] = False,
        filters: t.PruneFilters = None,
        external: Annotated[
            bool,
            typer.Option(
                "--external",
                help="Accepted: no image here is held by another tool's container.",
            ),
        ] = False,
    ) -> None:
        """Remove images without a name (with -a: every image no container uses)."""
        # podman's --external also removes images that only other tools' containers
        # (Buildah's) use; hutch's store has no such containers: the same images go
        del external
        what = (
            "all images without at least one container associated with them"
            if all_
            else "all dangling images"
        )
        if not force and not confirmed(f"This command removes {what}."):
            return
        from hutch.api.images import ImagePruneOptions

        for report in (
            state_of(ctx).engine().images.prune(ImagePruneOptions(all_, tuple(filters or ())))
        ):
            print(report.id)
