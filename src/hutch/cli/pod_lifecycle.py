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
Latest = Annotated[bool, typer.Option("--latest", "-l", help="The pod created last.")]
IdFiles = Annotated[
    list[str] | None,
    typer.Option("--pod-id-file", help="Read the pod's id from this file (repeatable)."),
]
Time = Annotated[
    int | None, typer.Option("--time", "-t", help="Seconds to wait for a stop before SIGKILL.")
]
Ignore = Annotated[bool, typer.Option("--ignore", "-i", help="A missing pod is no error.")]


def _names(
    ctx: typer.Context,
    names: list[str] | None,
    all_: bool,
    latest: bool,
    id_files: list[str] | None = None,
) -> list[str]:
    """The pods the verb acts on (cli/pod_targets.py: podman's rules and words)."""
    from hutch.cli.pod_targets import chosen

    return chosen(state_of(ctx), names, all_=all_, latest=latest, id_files=id_files)


def register(pod_app: typer.Typer) -> None:
    @pod_app.command("start")
    def start(
        ctx: typer.Context,
        names: Names = None,
        all_: All = False,
        latest: Latest = False,
        id_files: IdFiles = None,
    ) -> None:
        """Start every container of pods (the infra first)."""
        from hutch.api.pods import PodSelectOptions

        chosen = _names(ctx, names, all_, latest, id_files)
        pods = state_of(ctx).engine().pods
        reports = pods.start(chosen, PodSelectOptions(all=all_))
        raise typer.Exit(print_reports(by_id(reports)))

    @pod_app.command("stop")
    def stop(
        ctx: typer.Context,
        names: Names = None,
        all_: All = False,
        time: Time = None,
        ignore: Ignore = False,
        latest: Latest = False,
        id_files: IdFiles = None,
    ) -> None:
        """Stop every container of pods (the infra last)."""
        from hutch.api.pods import PodStopOptions

        chosen = _names(ctx, names, all_, latest, id_files)
        pods = state_of(ctx).engine().pods
        options = PodStopOptions(timeout=time, all=all_, ignore=ignore)
        raise typer.Exit(print_reports(by_id(pods.stop(chosen, options))))

    @pod_app.command("restart")
    def restart(
        ctx: typer.Context, names: Names = None, all_: All = False, latest: Latest = False
    ) -> None:
        """Restart every container of pods."""
        from hutch.api.pods import PodStopOptions

        chosen = _names(ctx, names, all_, latest)
        pods = state_of(ctx).engine().pods
        reports = pods.restart(chosen, PodStopOptions(all=all_))
        raise typer.Exit(print_reports(by_id(reports)))

    @pod_app.command("kill")
    def kill(
        ctx: typer.Context,
        names: Names = None,
        all_: All = False,
        signal: Annotated[
            str, typer.Option("--signal", "-s", help="Signal to send (default KILL).")
        ] = "KILL",
        latest: Latest = False,
    ) -> None:
        """Send a signal to every running container of pods."""
        from hutch.api.pods import PodKillOptions

        chosen = _names(ctx, names, all_, latest)
        pods = state_of(ctx).engine().pods
        reports = pods.kill(chosen, PodKillOptions(signal=signal, all=all_))
        raise typer.Exit(print_reports(by_id(reports)))

    @pod_app.command("pause")
    def pause(
        ctx: typer.Context, names: Names = None, all_: All = False, latest: Latest = False
    ) -> None:
        """Pause every running container of pods."""
        from hutch.api.pods import PodSelectOptions

        chosen = _names(ctx, names, all_, latest)
        pods = state_of(ctx).engine().pods
        reports = pods.pause(chosen, PodSelectOptions(all=all_))
        raise typer.Exit(print_reports(by_id(reports)))

    @pod_app.command("unpause")
    def unpause(
        ctx: typer.Context, names: Names = None, all_: All = False, latest: Latest = False
    ) -> None:
        """Resume every paused container of pods."""
        from hutch.api.pods import PodSelectOptions

        chosen = _names(ctx, names, all_, latest)
        pods = state_of(ctx).engine().pods
        reports = pods.unpause(chosen, PodSelectOptions(all=all_))
        raise typer.Exit(print_reports(by_id(reports)))
