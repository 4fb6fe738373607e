"""``hutch container cleanup``: podman's, on stopped containers (what a detached
monitor runs too, with ``--rm``, once an --rm container exits for good)."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli import targets as t
from hutch.cli.reports import print_reports
from hutch.cli.state import state_of


def register(container_app: typer.Typer) -> None:
    @container_app.command("cleanup")
    def cleanup(
        ctx: typer.Context,
        names: t.Names = None,
        all_: Annotated[bool, t.all_option("Clean up all containers.")] = False,
        exec_session: Annotated[
            str | None,
            typer.Option("--exec", help="Clean up this exec session of the container instead."),
        ] = None,
        latest: t.Latest = False,
        remove: Annotated[
            bool, typer.Option("--rm", help="Then remove the container entirely.")
        ] = False,
        remove_image: Annotated[
            bool, typer.Option("--rmi", help="Then remove its image (unless another uses it).")
        ] = False,
    ) -> None:
        """Clean up stopped containers: the pod's exit policy, and with --rm or --rmi
        removal (hutch's monitor releases mounts and network as the container exits)."""
        from hutch.api.containers import CleanupOptions
        from hutch.api.errors import InvalidArgument

        if exec_session is not None and all_:  # podman's order and words
            raise InvalidArgument("exec and all options conflict")
        if exec_session is None or not latest:  # podman looks up --exec -l's container
            t.check(names or (), all_=all_, latest=latest)
        options = CleanupOptions(all_, latest, exec_session, remove, remove_image)
        reports = state_of(ctx).engine().containers.cleanup(names or (), options)
        # podman prints nothing for an exec session, the names (ids with -a, -l) else
        raise typer.Exit(print_reports(reports, show=exec_session is None))
