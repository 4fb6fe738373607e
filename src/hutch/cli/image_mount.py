"""``hutch image mount`` / ``hutch image unmount``: an image's files at a path (in ``unshare``)."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli import render
from hutch.cli.state import state_of


def register(image_app: typer.Typer) -> None:
    @image_app.command("mount")
    def mount(
        ctx: typer.Context,
        images: Annotated[list[str] | None, typer.Argument(help="Images to mount.")] = None,
        all_: Annotated[bool, typer.Option("--all", "-a", help="Mount every image.")] = False,
        fmt: Annotated[
            str | None, typer.Option("--format", help="json: the mounted images as JSON.")
        ] = None,
    ) -> None:
        """Mount images' file systems read-only and print where (inside hutch unshare)."""
        if fmt not in (None, "json"):
            raise InvalidArgument(f"invalid --format {fmt!r}: only json is supported")
        if images and all_:
            raise InvalidArgument(
                "when using the --all switch, you may not pass any image names or IDs"
            )
        engine = state_of(ctx).engine()
        if images or all_:
            for point in engine.images.mount(tuple(images or ())):
                print(point)
            return
        mounted = engine.images.mounted()
        if fmt == "json":
            rows = [
                {"id": m.id, "Repositories": list(m.names), "mountpoint": m.mountpoint}
                for m in mounted
            ]
            render.print_json(rows)
            return
        for m in mounted:  # podman's listing: the first name (or the id), the mount point
            print(f"{m.names[0] if m.names else m.id[:12]}  {m.mountpoint}")

    @image_app.command("unmount")
    def unmount(
        ctx: typer.Context,
        images: Annotated[list[str] | None, typer.Argument(help="Images to unmount.")] = None,
        all_: Annotated[
            bool, typer.Option("--all", "-a", help="Unmount every mounted image.")
        ] = False,
        force: Annotated[
            bool, typer.Option("--force", "-f", help="Accepted (hutch keeps no mount count).")
        ] = False,
    ) -> None:
        """Unmount images mounted with hutch image mount."""
        if not images and not all_:
            raise InvalidArgument("image name or ID must be specified")
        if images and all_:
            raise InvalidArgument(
                "when using the --all switch, you may not pass any image names or IDs"
            )
        for image_id in state_of(ctx).engine().images.unmount(tuple(images or ()), all_, force):
            print(image_id)

    image_app.command("umount", hidden=True)(unmount)  # podman's alias
