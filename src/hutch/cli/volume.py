"""``hutch volume ...``: create, list, inspect, remove, prune, export and import volumes."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli import render
from hutch.cli.confirm import confirmed
from hutch.cli.reports import print_reports
from hutch.cli.state import state_of

if TYPE_CHECKING:
    from hutch.api.volumes import VolumeSummary

CONTEXT = {"help_option_names": ["--help"]}
HEADERS = {"Name": "VOLUME NAME", "Driver": "DRIVER", "Mountpoint": "MOUNTPOINT"}


def json_of(volume: VolumeSummary) -> dict[str, Any]:
    """``volume inspect`` (and ``ls --format json``): podman's keys."""
    return {
        "Name": volume.name,
        "Driver": volume.driver,
        "Mountpoint": volume.mountpoint,
        "CreatedAt": datetime.fromtimestamp(volume.created, timezone.utc).astimezone().isoformat(),
        "Labels": dict(volume.labels),
        "Scope": "local",
        "Options": dict(volume.options),
        "UID": 0,
        "GID": 0,
        "Anonymous": volume.anonymous,
        "MountCount": len(volume.users),
        "NeedsCopyUp": volume.needs_copy_up,
        "NeedsChown": False,
    }


def register(app: typer.Typer) -> None:
    volume_app = typer.Typer(
        help="Manage volumes.",
        no_args_is_help=True,
        context_settings=CONTEXT,
        rich_markup_mode=None,
    )

    @volume_app.command("create")
    def create(
        ctx: typer.Context,
        name: Annotated[str | None, typer.Argument(help="Volume name (default: random).")] = None,
        driver: Annotated[
            str, typer.Option("--driver", "-d", help="Volume driver (only local).")
        ] = "local",
        opt: Annotated[
            list[str] | None,
            typer.Option(
                "--opt", "-o", help="Driver option: type=tmpfs, o=MOUNT-OPTIONS, device=PATH."
            ),
        ] = None,
        label: Annotated[
            list[str] | None, typer.Option("--label", "-l", help="Set a label (KEY=VALUE).")
        ] = None,
        ignore: Annotated[
            bool, typer.Option("--ignore", help="Do nothing if the volume already exists.")
        ] = False,
    ) -> None:
        """Create a volume and print its name."""
        from hutch.api.volumes import VolumeCreateOptions

        options = VolumeCreateOptions(name, driver, tuple(opt or ()), tuple(label or ()), ignore)
        print(state_of(ctx).engine().volumes.create(options))

    def ls(
        ctx: typer.Context,
        filters: Annotated[
            list[str] | None,
            typer.Option(
                "--filter",
                "-f",
                help="name=REGEX, label=KEY[=VALUE], label!=..., dangling=true|false, driver=, "
                "opt=, scope=, anonymous=, until=, after= (repeatable).",
            ),
        ] = None,
        fmt: Annotated[
            str | None,
            typer.Option("--format", help="json, or a Go template such as '{{.Name}}'."),
        ] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print names only.")] = False,
        noheading: Annotated[
            bool, typer.Option("--noheading", "-n", help="Do not print the header row.")
        ] = False,
    ) -> None:
        """List volumes."""
        from hutch.api.volumes import VolumeListOptions

        found = state_of(ctx).engine().volumes.ls(VolumeListOptions(tuple(filters or ())))
        rows = [json_of(v) for v in found]
        if fmt == "json":
            render.print_json(rows)
            return
        if quiet:
            print("".join(f"{v.name}\n" for v in found), end="")
            return
        if fmt:
            print(
                render.render_template(fmt, rows, HEADERS, type_name="*entities.VolumeListReport"),
                end="",
            )
            return
        out = render.table(["DRIVER", "VOLUME NAME"], [[v.driver, v.name] for v in found])
        if noheading:
            out = "".join(out.splitlines(keepends=True)[1:])
        print(out, end="")

    volume_app.command("ls")(ls)
    volume_app.command("list", hidden=True)(ls)

    @volume_app.command("inspect")
    def inspect(
        ctx: typer.Context,
        names: Annotated[list[str] | None, typer.Argument(help="Volumes.")] = None,
        all_: Annotated[bool, typer.Option("--all", "-a", help="Inspect all volumes.")] = False,
        fmt: Annotated[
            str | None,
            typer.Option("--format", "-f", help="A Go template, e.g. '{{.Mountpoint}}'."),
        ] = None,
    ) -> None:
        """Show the details of volumes as JSON."""
        if not names and not all_:
            raise InvalidArgument("provide one or more volume names or use --all")
        found = state_of(ctx).engine().volumes.inspect(tuple(names or ()), all_)
        rows = [json_of(v) for v in found]
        if fmt and fmt != "json":
            print(render.render_template(fmt, rows, name="inspect"), end="")
        else:
            render.print_json(rows)

    def rm(
        ctx: typer.Context,
        names: Annotated[list[str] | None, typer.Argument(help="Volumes.")] = None,
        force: Annotated[
            bool,
            typer.Option("--force", "-f", help="Remove the containers that use the volume first."),
        ] = False,
        all_: Annotated[bool, typer.Option("--all", "-a", help="Remove all volumes.")] = False,
    ) -> None:
        """Remove volumes (a volume in use only with --force)."""
        from hutch.api.volumes import VolumeRemoveOptions

        if not names and not all_:
            raise InvalidArgument("provide one or more volume names or use --all")
        if names and all_:
            raise InvalidArgument("--all and volume names cannot be used together")
        options = VolumeRemoveOptions(force, all_)
        raise typer.Exit(print_reports(state_of(ctx).engine().volumes.remove(names or (), options)))

    volume_app.command("rm")(rm)
    volume_app.command("remove", hidden=True)(rm)

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
        if not force and not confirmed(
            "This will remove all volumes not used by at least one container."
        ):
            return
        for report in state_of(ctx).engine().volumes.prune(tuple(filters or ())):
            print(report.id)

    @volume_app.command("exists")
    def exists(
        ctx: typer.Context, name: Annotated[str, typer.Argument(help="Volume name.")]
    ) -> None:
        """Exit 0 if the volume exists, 1 if not."""
        raise typer.Exit(0 if state_of(ctx).engine().volumes.exists(name) else 1)

    @volume_app.command("export")
    def export(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help="Volume name.")],
        output: Annotated[
            str | None,
            typer.Option("--output", "-o", help="Write the tar archive to this file."),
        ] = None,
    ) -> None:
        """Write the content of a volume as a tar archive (to standard output by default)."""
        engine = state_of(ctx).engine()
        if output is None:
            if sys.stdout.isatty():
                raise InvalidArgument(
                    "cannot write a tar archive to a terminal: redirect the output or use --output"
                )
            engine.volumes.export(name, sys.stdout.buffer)
            return
        with open(output, "wb") as f:
            engine.volumes.export(name, f)

    @volume_app.command("import")
    def import_(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help="Volume name.")],
        source: Annotated[str, typer.Argument(help="Tar archive to read, or - for stdin.")],
    ) -> None:
        """Extract a tar archive into an existing volume."""
        engine = state_of(ctx).engine()
        if source == "-":
            engine.volumes.import_(name, sys.stdin.buffer)
            return
        try:
            f = open(source, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise InvalidArgument(f"{source}: {exc.strerror}") from exc
        with f:
            engine.volumes.import_(name, f)

    app.add_typer(volume_app, name="volume")
