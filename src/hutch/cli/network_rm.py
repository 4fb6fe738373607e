"""``hutch network rm``: remove networks (a network in use only with --force)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from hutch.cli.reports import print_reports
from hutch.cli.state import state_of

if TYPE_CHECKING:
    from hutch.api.container_actions import ActionReport


def exit_code(reports: Sequence[ActionReport]) -> int:
    """podman's: the code of the last missing (1) or in-use (2) network among the errors,
    else 125 for any other error (``network rm nosuch podman`` exits 1, ``network rm
    n1 podman`` 125), 0 when all went."""
    codes = [r.exit_code or 125 for r in reports if r.error is not None]
    specific = [c for c in codes if c in (1, 2)]
    return specific[-1] if specific else (125 if codes else 0)


def register(network_app: typer.Typer) -> None:
    def rm(
        ctx: typer.Context,
        names: Annotated[list[str], typer.Argument(help="Networks.")],
        force: Annotated[
            bool,
            typer.Option("--force", "-f", help="Remove the containers on the network too."),
        ] = False,
        time: Annotated[
            int | None,
            typer.Option("--time", "-t", help="Seconds to wait for a stop before SIGKILL."),
        ] = None,
    ) -> None:
        """Remove networks (a network in use only with --force)."""
        from hutch.api.networks import NetworkRemoveOptions

        options = NetworkRemoveOptions(force, time)
        reports = state_of(ctx).engine().networks.remove(names, options)
        if force:  # podman's CLI (4.3.1 and current): -f passes over a missing network
            reports = [r for r in reports if r.exit_code != 1]
        print_reports(reports)
        raise typer.Exit(exit_code(reports))

    network_app.command("rm")(rm)
    network_app.command("remove", hidden=True)(rm)
