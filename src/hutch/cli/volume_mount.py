"""``hutch volume mount`` / ``unmount``: where a volume's files are (in ``hutch unshare``);
``volume reload``, which has no plugins to ask."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.state import state_of


def register(volume_app: typer.Typer) -> None:
    @volume_app.command("mount")
    def mount(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Volume.")]) -> None:
        """Print the path of a volume's files (inside hutch unshare, as podman)."""
        print(state_of(ctx).engine().volumes.mount(name))

    @volume_app.command("unmount")
    def unmount(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Volume.")]) -> None:
        """Undo volume mount (nothing is mounted for a local volume); prints the name."""
        print(state_of(ctx).engine().volumes.unmount(name))

    volume_app.command("umount", hidden=True)(unmount)  # podman's alias
    register_reload(volume_app)


def register_reload(volume_app: typer.Typer) -> None:
    @volume_app.command("reload")
    def reload() -> None:
        """Check volume plugins for volumes (hutch has no plugins: nothing to do)."""
        # podman prints Added:/Removed: lists only for plugin volumes; with none
        # (always the case here) it prints nothing and exits 0, as 4.3.1 does here
