"""``hutch volume create``: create a volume and print its name."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.state import state_of


def register(volume_app: typer.Typer) -> None:
    @volume_app.command("create")
    def create(
        ctx: typer.Context,
        name: Annotated[str | None, typer.Argument(help="Volume name (default: random).")] = None,
        driver: Annotated[
            str, typer.Option("--driver", "-d", help="Volume driver: local or image.")
        ] = "local",
        opt: Annotated[
            list[str] | None,
            typer.Option(
                "--opt",
                "-o",
                help="Driver option: type=tmpfs, o=MOUNT-OPTIONS (o=uid=N,gid=N for a plain "
                "volume), device=PATH, copy, nocopy; image=IMAGE with --driver image.",
            ),
        ] = None,
        label: Annotated[
            list[str] | None, typer.Option("--label", "-l", help="Set a label (KEY=VALUE).")
        ] = None,
        ignore: Annotated[
            bool, typer.Option("--ignore", help="Do nothing if the volume already exists.")
        ] = False,
        uid: Annotated[int | None, typer.Option("--uid", help="The volume owner's UID.")] = None,
        gid: Annotated[int | None, typer.Option("--gid", help="The volume owner's GID.")] = None,
    ) -> None:
        """Create a volume and print its name."""
        from hutch.api.volumes import VolumeCreateOptions

        options = VolumeCreateOptions(
            name, driver, tuple(opt or ()), tuple(label or ()), ignore, uid=uid, gid=gid
        )
        print(state_of(ctx).engine().volumes.create(options))
