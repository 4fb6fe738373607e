"""``hutch pod inspect``: show the details of pods as JSON.

``inspect_command`` does the work, for the fast path (cli/fast.py) and typer
alike; cli/stop.py says how such a module imports without typer.
"""

from hutch.cli import inspecting, render

TYPE_CHECKING = False  # mypy reads this alike
if TYPE_CHECKING:
    import typer

    from hutch.cli.state import AppState


def inspect_command(
    state: "AppState", *, names: "list[str] | None", fmt: "str | None", latest: bool
) -> int:
    """Show the details of pods as JSON."""
    from hutch.api.errors import InvalidArgument
    from hutch.api.podman_json import to_json
    from hutch.cli.pod_targets import latest_pod

    if latest and names:
        raise InvalidArgument("--latest and arguments cannot be used together")
    if latest:
        names = [latest_pod(state)]
    if not names:
        raise InvalidArgument("no names or ids specified")
    pods = state.engine().pods
    rows, errors = inspecting.collect(
        names, lambda name: [to_json(p) for p in pods.inspect([name])], inspecting.no_such_pod
    )
    if not fmt or render.is_json(fmt):
        if len(rows) == 1 and not errors:
            inspecting.print_inspect_json(rows[0])  # 4.3.1 prints one pod as an object
            return 0
    else:
        from hutch.cli.pod_render import inspect_template_row

        rows = [inspect_template_row(r) for r in rows]
    inspecting.report(rows, errors, fmt)
    return 0


def register(pod_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli.state import state_of

    @pod_app.command("inspect")
    def inspect(
        ctx: typer.Context,
        names: Annotated[list[str] | None, typer.Argument(help="Pods.")] = None,
        fmt: Annotated[
            str | None,
            typer.Option("--format", "-f", help="json, or a Go template, e.g. '{{.Name}}'."),
        ] = None,
        latest: Annotated[
            bool, typer.Option("--latest", "-l", help="The pod created last.")
        ] = False,
    ) -> None:
        """Show the details of pods as JSON."""
        raise typer.Exit(inspect_command(state_of(ctx), names=names, fmt=fmt, latest=latest))
