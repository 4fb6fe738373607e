"""``hutch system check``: compare the store's records with its files, repair on request."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.api.errors import HutchError
from hutch.cli.state import state_of


def register(system_app: typer.Typer) -> None:
    @system_app.command("check")
    def check(
        ctx: typer.Context,
        repair: Annotated[
            bool,
            typer.Option(
                "--repair", "-r", help="Remove what is damaged or orphaned (and safe to remove)."
            ),
        ] = False,
        force: Annotated[
            bool,
            typer.Option(
                "--force", "-f", help="With --repair: also remove containers on damaged images."
            ),
        ] = False,
        max_age: Annotated[
            str | None,
            typer.Option(
                "--max",
                "-m",
                help="Treat unrecorded layers older than DURATION as orphans even while "
                "the process that stored them runs.",
            ),
        ] = None,
        quick: Annotated[
            bool, typer.Option("--quick", "-q", help="Accepted for podman; every check is quick.")
        ] = False,
    ) -> None:
        """Check the consistency of image and container storage."""
        from hutch.api.system import CheckOptions

        report = (
            state_of(ctx)
            .engine()
            .system.check(CheckOptions(repair=repair, force=force, max_age=max_age))
        )
        for found in report.findings:
            print(f"Damaged {found.kind} {found.name}:\n\t{found.problem}")
        for gone in report.removed:
            print(f"Deleted {gone.kind}: {gone.name}")
        if report.findings:
            if repair:
                raise HutchError(
                    "damage in local storage still present after repair attempt",
                    hint="what is left is in use: --force also removes the containers on it",
                )
            raise HutchError(
                "damage detected in local storage",
                hint="hutch system check --repair removes what is safe to remove",
            )
