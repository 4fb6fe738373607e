"""``hutch start``: start created or stopped containers.

``start_command`` does the work, for the fast path (cli/fast.py) and typer
alike; cli/stop.py says how such a module imports without typer.
"""

from hutch.api.errors import EXIT_ENGINE, InvalidArgument
from hutch.cli.reports import print_reports

TYPE_CHECKING = False  # mypy reads this alike
if TYPE_CHECKING:
    import typer

    from hutch.api.container_actions import ActionReport
    from hutch.cli.state import AppState


def start_command(
    state: "AppState",
    *,
    names: "list[str] | None",
    attach: bool,
    interactive: bool,
    detach_keys: "str | None",
    sig_proxy: bool,
    all_: bool,
    latest: bool,
    filters: "list[str] | None",
) -> int:
    """Start one or more containers."""
    names = names or []
    _check(names, attach, all_, latest, bool(filters))
    from hutch.api.container_actions import StartOptions

    options = StartOptions(
        attach,
        interactive,
        detach_keys,
        sig_proxy,
        all=all_,
        latest=latest,
        filters=tuple(filters or ()),
    )
    reports = start_failures(state.engine().containers.start(names, options), attached=attach)
    if attach:
        report = reports[0]
        if report.error is not None:
            return print_reports(reports)
        return report.exit_code
    # a container running already gets no line (podman's, 4.3.1's and current)
    return print_reports([r for r in reports if not r.unchanged])


def register(app: "typer.Typer", container_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli import targets as t
    from hutch.cli.state import state_of

    def start(
        ctx: typer.Context,
        names: Annotated[list[str] | None, typer.Argument(help="Containers to start.")] = None,
        attach: Annotated[
            bool,
            typer.Option(
                "--attach", "-a", help="Attach to the container's output and wait for it."
            ),
        ] = False,
        interactive: Annotated[
            bool,
            typer.Option(
                "--interactive", "-i", help="Pass stdin to the container (with --attach)."
            ),
        ] = False,
        detach_keys: Annotated[
            str | None,
            typer.Option(
                "--detach-keys",
                help="Keys that detach (with --attach; default: the container's own, "
                'else ctrl-p,ctrl-q; "" none).',
            ),
        ] = None,
        sig_proxy: Annotated[
            bool,
            typer.Option(
                "--sig-proxy/--no-sig-proxy",
                help="Forward the signals hutch receives to the container (with --attach).",
            ),
        ] = True,
        all_: Annotated[
            bool, typer.Option("--all", help="Start all containers, whatever their state.")
        ] = False,
        latest: t.Latest = False,
        filters: t.Filters = None,
    ) -> None:
        """Start one or more containers."""
        raise typer.Exit(
            start_command(
                state_of(ctx),
                names=names,
                attach=attach,
                interactive=interactive,
                detach_keys=detach_keys,
                sig_proxy=sig_proxy,
                all_=all_,
                latest=latest,
                filters=filters,
            )
        )

    app.command("start")(start)
    container_app.command("start")(start)


def start_failures(reports: "list[ActionReport]", *, attached: bool) -> "list[ActionReport]":
    """podman's words and status for a container that was found but did not start:
    ``unable to start container "ID": CAUSE``, without the quotes when attached (its
    other path), and 125 whatever the cause: only ``run`` gives a command not found
    127 and one that cannot run 126 (podman 4.3.1 and current podman alike)."""
    from dataclasses import replace

    shown = "{}" if attached else '"{}"'
    return [
        replace(
            r,
            error=f"unable to start container {shown.format(r.id)}: {r.error}",
            exit_code=EXIT_ENGINE,
        )
        if r.error is not None and r.id
        else r
        for r in reports
    ]


def _check(names: "list[str]", attach: bool, all_: bool, latest: bool, filters: bool) -> None:
    """podman's checks of start's arguments, in its order and words."""
    if not (names or latest or all_ or filters):
        raise InvalidArgument("start requires at least one argument")
    if all_ and latest:
        raise InvalidArgument("--all and --latest cannot be used together")
    if names and latest:
        raise InvalidArgument("--latest and containers cannot be used together")
    if len(names) > 1 and attach:
        raise InvalidArgument("you cannot start and attach multiple containers at once")
    if (names or latest) and all_:
        raise InvalidArgument(
            "either start all containers or the container(s) provided in the arguments"
        )
    if attach and (all_ or filters):
        raise InvalidArgument("you cannot start and attach all containers at once")
