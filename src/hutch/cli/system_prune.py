"""``hutch system prune``: remove unused pods, containers, networks, images (and volumes)."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli import targets as t
from hutch.cli.confirm import confirmed
from hutch.cli.reports import print_reports
from hutch.cli.state import state_of
from hutch.util.humansize import human_size


def register(system_app: typer.Typer) -> None:
    @system_app.command("prune")
    def prune(
        ctx: typer.Context,
        all_: Annotated[
            bool, typer.Option("--all", "-a", help="Remove every image no container uses.")
        ] = False,
        filters: t.PruneFilters = None,
        force: Annotated[
            bool, typer.Option("--force", "-f", help="Do not ask for confirmation.")
        ] = False,
        volumes: Annotated[
            bool, typer.Option("--volumes", help="Also remove volumes no container uses.")
        ] = False,
    ) -> None:
        """Remove stopped containers, unused pods and networks, dangling images
        (with -a every unused image) and, with --volumes, unused volumes."""
        what = [
            "all stopped containers",
            "all networks not used by at least one container",
            *(["all volumes not used by at least one container"] if volumes else []),
            # podman's words: with -a every unused image and all of the build cache
            "all images without at least one container associated with them"
            if all_
            else "all dangling images",
            "all build cache" if all_ else "all dangling build cache",
        ]
        warning = "This command removes:\n" + "".join(f"\t- {w}\n" for w in what)
        if not force and not confirmed(warning):
            return
        from hutch.api.system import SystemPruneOptions

        options = SystemPruneOptions(all_, volumes, tuple(filters or ()))
        report = state_of(ctx).engine().system.prune(options)
        # podman's order of the sections: containers, pods, volumes, images, networks
        code = print_reports([r for r in report.containers if r.error is not None])
        _section("Containers", [r.id for r in report.containers if r.error is None])
        _section("Pods", [p.id for p in report.pods if p.error is None])
        _section("Volumes", [v.id for v in report.volumes])
        _section("Images", [i.id for i in report.images if i.error is None])
        _section("Networks", [n.id for n in report.networks])
        reclaimed = sum(v.size for v in report.volumes)
        reclaimed += sum(i.size for i in report.images if i.error is None)
        print(f"Total reclaimed space: {human_size(reclaimed)}")
        raise typer.Exit(code)


def _section(title: str, names: list[str]) -> None:
    """podman's ``Deleted Containers`` and its ids; nothing when nothing went."""
    if names:
        print(f"Deleted {title}")
        print("".join(f"{n}\n" for n in names), end="")
