"""``hutch mount`` / ``hutch unmount`` (``umount``): a container's root filesystem at a
path, inside ``hutch unshare`` as podman's rootless mount is; ``container mount`` too."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.api.errors import InvalidArgument, NeedsUnshare
from hutch.cli import render
from hutch.cli import targets as t
from hutch.cli.state import state_of


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def mount(
        ctx: typer.Context,
        names: Annotated[list[str] | None, typer.Argument(help="Containers to mount.")] = None,
        all_: Annotated[bool, t.all_option("Mount every container.")] = False,
        fmt: Annotated[
            str | None, typer.Option("--format", help="json: the mounted containers as JSON.")
        ] = None,
        latest: t.Latest = False,
        no_trunc: Annotated[
            bool, typer.Option("--no-trunc", help="Do not truncate ids in the listing.")
        ] = False,
        notruncate: Annotated[
            bool, typer.Option("--notruncate", hidden=True, help="Same as --no-trunc.")
        ] = False,
    ) -> None:
        """Mount containers' root filesystems and print where (inside hutch unshare)."""
        t.check(names or (), all_=all_, latest=latest, any_count=True)
        engine = state_of(ctx).engine()
        if latest:
            names = t.many(ctx, names, latest, "mount")
        try:
            if names or all_:  # podman ignores --format here
                for point in engine.containers.mount(tuple(names or ()), all_):
                    print(point)
                return
            if fmt not in (None, "json"):
                raise InvalidArgument(f'unknown --format argument: "{fmt}"')
            mounted = engine.containers.mounted()
        except NeedsUnshare as exc:  # podman words it with the command's path
            raise NeedsUnshare(_command(ctx)) from exc
        if fmt == "json":  # podman 4.3.1 indents this listing by one blank
            rows = [
                {"id": m.id, "Names": list(m.names), "mountpoint": m.mountpoint} for m in mounted
            ]
            render.print_json(rows, indent=1)
            return
        full = no_trunc or notruncate
        for m in mounted:
            print(f"{m.id if full else m.id[:12]}  {m.mountpoint}")

    def unmount(
        ctx: typer.Context,
        names: Annotated[list[str] | None, typer.Argument(help="Containers to unmount.")] = None,
        all_: Annotated[bool, t.all_option("Unmount every mounted container.")] = False,
        force: Annotated[
            bool, typer.Option("--force", "-f", help="Accepted (hutch keeps no mount count).")
        ] = False,
        latest: t.Latest = False,
    ) -> None:
        """Unmount containers' root filesystems mounted with hutch mount (in hutch unshare)."""
        t.check(names or (), all_=all_, latest=latest, any_count=True)
        if latest:
            names = t.many(ctx, names, latest, "mount")
        engine = state_of(ctx).engine()
        for shown in engine.containers.unmount(tuple(names or ()), all_, force, latest):
            print(shown)

    def _command(ctx: typer.Context) -> str:
        """``mount`` or ``container mount``: the words the user typed."""
        parent = ctx.parent.info_name if ctx.parent is not None else None
        return "container mount" if parent == "container" else "mount"

    for group in (app, container_app):
        group.command("mount")(mount)
        group.command("unmount")(unmount)
        group.command("umount", hidden=True)(unmount)  # podman's alias
