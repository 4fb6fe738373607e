"""``hutch pod stats``: resource use of the containers of pods, from their cgroups."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hutch.cli import render, templating
from hutch.cli.state import state_of

if TYPE_CHECKING:
    from hutch.api.container_usage import StatsReport
    from hutch.api.pods import PodStatsReport

HEADERS = {"Pod": "POD", "CID": "CID", "Name": "NAME"}
COLUMNS = ("Pod", "CID", "Name", "CPUPerc", "MemUsage", "MemPerc", "NetIO", "BlockIO", "PIDs")


def _row(report: PodStatsReport, previous: StatsReport | None, no_trunc: bool) -> dict[str, Any]:
    from hutch.cli.stats import row

    fields = row(report.stats, previous, no_trunc)
    short = report.pod_id if no_trunc else report.pod_id[:12]
    return {"Pod": short, "CID": fields["ID"], **fields}


def register(pod_app: typer.Typer) -> None:
    @pod_app.command("stats")
    def stats(
        ctx: typer.Context,
        names: Annotated[list[str] | None, typer.Argument(help="Pods.")] = None,
        all_: Annotated[bool, typer.Option("--all", "-a", help="Every pod (the default).")] = False,
        no_stream: Annotated[
            bool, typer.Option("--no-stream", help="Print one sample and exit.")
        ] = False,
        format_: Annotated[
            str | None,
            typer.Option("--format", help="json, or a Go template such as '{{.MemUsage}}'."),
        ] = None,
        no_trunc: Annotated[bool, typer.Option("--no-trunc", help="Do not truncate ids.")] = False,
        latest: Annotated[
            bool, typer.Option("--latest", "-l", help="The pod created last.")
        ] = False,
        no_reset: Annotated[
            bool,
            typer.Option("--no-reset", help="Streaming: print each sample below the last."),
        ] = False,
    ) -> None:
        """Show the resource use of the containers of pods."""
        from hutch.api.errors import InvalidArgument
        from hutch.api.pods import PodSelectOptions
        from hutch.cli.pod_targets import latest_pod
        from hutch.cli.stats import TEMPLATE_HEADERS

        if latest and (names or all_):
            raise InvalidArgument("--all, --latest and arguments cannot be used together")
        if latest:
            names = [latest_pod(state_of(ctx))]
        engine = state_of(ctx).engine()
        previous: dict[str, StatsReport] = {}
        while True:
            reports = engine.pods.stats(names or [], PodSelectOptions(all=all_))
            rows = [_row(r, previous.get(r.stats.id), no_trunc) for r in reports]
            if not (no_stream or no_reset):
                render.redraw()
            if format_ == "json":
                render.print_json(rows)
            else:
                template = format_ or "table " + "\\t".join(f"{{{{.{c}}}}}" for c in COLUMNS)
                headers = {**TEMPLATE_HEADERS, **HEADERS}
                sys.stdout.write(templating.render_template(template, rows, headers, name="stats"))
            sys.stdout.flush()
            if no_stream:
                return
            previous = {r.stats.id: r.stats for r in reports}
            time.sleep(5.0)
