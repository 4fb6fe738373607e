"""``hutch volume create``: create a volume and print its name.

``create_command`` does the work, for the fast path (cli/fast.py) and typer
alike; cli/stop.py says how such a module imports without typer.
"""

TYPE_CHECKING = False  # mypy reads this alike
if TYPE_CHECKING:
    import typer

    from hutch.cli.state import AppState


def create_command(
    state: "AppState",
    *,
    name: "str | None",
    driver: str,
    opt: "list[str] | None",
    label: "list[str] | None",
    ignore: bool,
    uid: "int | None",
    gid: "int | None",
) -> int:
    """Create a volume and print its name."""
    from hutch.api.volume_options import VolumeCreateOptions

    options = VolumeCreateOptions(
        name, driver, tuple(opt or ()), tuple(label or ()), ignore, uid=uid, gid=gid
    )
    print(state.engine().volumes.create(options))
    return 0


def register(volume_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli.state import state_of

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
        raise typer.Exit(
            create_command(
                state_of(ctx),
                name=name,
                driver=driver,
                opt=opt,
                label=label,
                ignore=ignore,
                uid=uid,
                gid=gid,
            )
        )
