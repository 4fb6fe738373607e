"""Small container verbs: rename, exists, prune, init, clone."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from hutch.api.container_flags import flags_of
from hutch.cli import targets as t
from hutch.cli.confirm import confirmed
from hutch.cli.flagparams import with_flags
from hutch.cli.reports import print_reports
from hutch.cli.state import state_of


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def rename(
        ctx: typer.Context,
        container: Annotated[str, typer.Argument(help="Container to rename.")],
        new_name: Annotated[str, typer.Argument(help="Its new name.")],
    ) -> None:
        """Rename a container."""
        state_of(ctx).engine().containers.rename(container, new_name)

    def exists(
        ctx: typer.Context,
        container: Annotated[str, typer.Argument(help="Container name, id or id prefix.")],
        external: Annotated[
            bool,
            typer.Option(
                "--external",
                help="Accepted: hutch's store holds no containers of other tools to find.",
            ),
        ] = False,
    ) -> None:
        """Check whether a container exists (exit 0) or not (exit 1)."""
        from hutch.cli.container_exists import exists_command

        raise typer.Exit(exists_command(state_of(ctx), container=container, external=external))

    def prune(
        ctx: typer.Context,
        force: Annotated[
            bool, typer.Option("--force", "-f", help="Do not ask for confirmation.")
        ] = False,
        filters: t.PruneFilters = None,
    ) -> None:
        """Remove all stopped containers and print their ids."""
        if not force and not confirmed("This will remove all non running containers."):
            return
        reports = state_of(ctx).engine().containers.prune(tuple(filters or ()))
        code = print_reports([r for r in reports if r.error is not None])
        for report in reports:
            if report.error is None:
                print(report.id)
        raise typer.Exit(code)

    def init(
        ctx: typer.Context,
        names: t.Names = None,
        all_: Annotated[bool, t.all_option("Initialize all containers.")] = False,
        latest: t.Latest = False,
    ) -> None:
        """Initialize created containers (hutch prepares them at create: a check)."""
        from hutch.api.containers import PauseOptions

        t.check(names or (), all_=all_, latest=latest)
        options = PauseOptions(all_, latest)
        raise typer.Exit(
            print_reports(state_of(ctx).engine().containers.init(names or (), options))
        )

    def clone(
        ctx: typer.Context,
        container: Annotated[str, typer.Argument(help="Container to clone.")],
        new_name: Annotated[
            str | None, typer.Argument(metavar="[NAME]", help="Name of the clone.")
        ] = None,
        image: Annotated[
            str | None, typer.Argument(metavar="[IMAGE]", help="Image of the clone.")
        ] = None,
        name: Annotated[
            str | None, typer.Option("--name", help="Name of the clone (default NAME-clone).")
        ] = None,
        destroy: Annotated[
            bool, typer.Option("--destroy", help="Remove the original container.")
        ] = False,
        force: Annotated[
            bool, typer.Option("--force", "-f", help="With --destroy: also when it runs.")
        ] = False,
        run: Annotated[bool, typer.Option("--run", help="Start the clone.")] = False,
        pod: Annotated[
            str | None,
            typer.Option("--pod", help="Create the clone in this existing pod (NAME or ID)."),
        ] = None,
        **values: Any,
    ) -> None:
        """Create a copy of a container, with other limits if given; print its id."""
        from hutch.api.containers import CloneOptions
        from hutch.api.flagoptions import resource_options

        options = CloneOptions(
            container, name or new_name, image, resource_options(values), destroy, force, run, pod
        )
        print(state_of(ctx).engine().containers.clone(options))

    with_flags(clone, flags_of("update"))
    app.command("init")(init)
    container_app.command("init")(init)
    container_app.command("clone")(clone)
    app.command("rename")(rename)
    container_app.command("rename")(rename)
    container_app.command("exists")(exists)
    container_app.command("prune")(prune)
