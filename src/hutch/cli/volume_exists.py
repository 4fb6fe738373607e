"""``hutch volume exists``: exit 0 if the volume exists, 1 if not.

``exists_command`` does the work, for the fast path (cli/fast.py) and typer
alike; cli/stop.py says how such a module imports without typer.
"""

TYPE_CHECKING = False  # mypy reads this alike
if TYPE_CHECKING:
    import typer

    from hutch.cli.state import AppState


def exists_command(state: "AppState", *, name: str) -> int:
    """Exit 0 if the volume exists, 1 if not."""
    return 0 if state.engine().volumes.exists(name) else 1


def register(volume_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli.state import state_of

    @volume_app.command("exists")
    def exists(
        ctx: typer.Context, name: Annotated[str, typer.Argument(help="Volume name.")]
    ) -> None:
        """Exit 0 if the volume exists, 1 if not."""
        raise typer.Exit(exists_command(state_of(ctx), name=name))
