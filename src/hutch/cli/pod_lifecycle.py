"""``hutch pod start|stop|restart|kill|pause|unpause``: act on every container of pods.

The infra container starts first and stops last; each verb prints the id of
each pod it acted on, as podman does.
"""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.reports import by_id, print_reports
from hutch.cli.state import state_of

Names = Annotated[list[str] | None, typer.Argument(help="Pods.")]
All = Annotated[bool, typer.Option("--all", "-a", help="Every pod.")]
Time = Annotated[
    int | None, typer.Option("--time", "-t", help="Seconds to wait for a stop before SIGKILL.")
]
Ignore = Annotated[bool, typer.Option("--ignore", "-i", help="A missing pod is no error.")]


def _names(names: list[str] | None, all_: bool) -> list[str]:
    from hutch.api.errors import InvalidArgument

    if all_ and names:
        raise InvalidArgument("when using the --all switch, you may not pass any pods")
    if not all_ and not names:
        raise InvalidArgument("you must provide at least one name or id")
    return list(names or ())


def register(pod_app: typer.Typer) -> None:
    @pod_app.command("start")
    def start(ctx: typer.Context, names: Names = None, all_: All = False) -> None:
        """Start every container of pods (the infra first)."""
        from hutch.api.pods import PodSelectOptions

        pods = state_of(ctx).engine().pods
        reports = pods.start(_names(names, all_), PodSelectOptions(all=all_))
        raise typer.Exit(print_reports(by_id(reports)))

    @pod_app.command("stop")
    def stop(
        ctx: typer.Context,
        names: Names = None,
        all_: All = False,
        time: Time = None,
        ignore: Ignore = False,
    ) -> None:
        """Stop every container of pods (the infra last)."""
        from hutch.api.pods import PodStopOptions

        pods = state_of(ctx).engine().pods
        options = PodStopOptions(timeout=time, all=all_, ignore=ignore)
        raise typer.Exit(print_reports(by_id(pods.stop(_names(names, all_), options))))

    @pod_app.command("restart")
    def restart(ctx: typer.Context, names: Names = None, all_: All = False) -> None:
        """Restart every container of pods."""
        from hutch.api.pods import PodStopOptions

        pods = state_of(ctx).engine().pods
        reports = pods.restart(_names(names, all_), PodStopOptions(all=all_))
        raise typer.Exit(print_reports(by_id(reports)))

    @pod_app.command("kill")
    def kill(
        ctx: typer.Context,
        names: Names = None,
        all_: All = False,
        signal: Annotated[
            str, typer.Option("--signal", "-s", help="Signal to send (default KILL).")
        ] = "KILL",
    ) -> None:
        """Send a signal to every running container of pods."""
        from hutch.api.pods import PodKillOptions

        pods = state_of(ctx).engine().pods
        reports = pods.kill(_names(names, all_), PodKillOptions(signal=signal, all=all_))
        raise typer.Exit(print_reports(by_id(reports)))

    @pod_app.command("pause")
    def pause(ctx: typer.Context, names: Names = None, all_: All = False) -> None:
        """Pause every running container of pods."""
        from hutch.api.pods import PodSelectOptions

        pods = state_of(ctx).engine().pods
        reports = pods.pause(_names(names, all_), PodSelectOptions(all=all_))
        raise typer.Exit(print_reports(by_id(reports)))

    @pod_app.command("unpause")
    def unpause(ctx: typer.Context, names: Names = None, all_: All = False) -> None:
        """Resume every paused container of pods."""
        from hutch.api.pods import PodSelectOptions

        pods = state_of(ctx).engine().pods
        reports = pods.unpause(_names(names, all_), PodSelectOptions(all=all_))
        raise typer.Exit(print_reports(by_id(reports)))
