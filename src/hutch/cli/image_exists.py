"""``hutch image exists``: exit 0 when a local image matches, 1 when none does.

``exists_command`` does the work, for the fast path (cli/fast.py) and typer
alike; cli/stop.py says how such a module imports without typer.
"""

TYPE_CHECKING = False  # mypy reads this alike
if TYPE_CHECKING:
    import typer

    from hutch.cli.state import AppState


def exists_command(state: "AppState", *, image: str) -> int:
    """Check whether an image exists in local storage (exit 0) or not (exit 1)."""
    return 0 if state.engine().images.exists(image) else 1


def register(image_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli.state import state_of

    @image_app.command("exists")
    def exists(
        ctx: typer.Context,
        image: Annotated[str, typer.Argument(help="Image name, id or id prefix.")],
    ) -> None:
        """Check whether an image exists in local storage (exit 0) or not (exit 1)."""
        raise typer.Exit(exists_command(state_of(ctx), image=image))
