"""``hutch pod prune``: remove every pod none of whose containers runs."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hutch.cli.confirm import confirmed
from hutch.cli.state import state_of


def register(pod_app: typer.Typer) -> None:
    @pod_app.command("prune")
    def prune(
        ctx: typer.Context,
        force: Annotated[
            bool, typer.Option("--force", "-f", help="Do not ask for confirmation.")
        ] = False,
    ) -> None:
        """Remove every stopped pod and its containers."""
        # the two full stops are podman's
        if not force and not confirmed("This will remove all stopped/exited pods.."):
            return
        code = 0
        for report in state_of(ctx).engine().pods.prune():
            if report.error:
                sys.stdout.flush()  # what went to stdout first comes first on a shared pipe
                sys.stderr.write(f"Error: {report.error}\n")
                code = 125
            else:
                print(report.id)
        raise typer.Exit(code)
