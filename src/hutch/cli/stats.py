"""``hutch stats``: live resource use of containers, from their cgroups.

``stats_command`` does the work, for the fast path (cli/fast.py) and typer alike;
cli/stop.py says how such a module imports without typer.
"""

import sys
import time

from hutch.api.errors import InvalidArgument
from hutch.cli import render, target_rules
from hutch.util import gcpause

TYPE_CHECKING = False  # typing costs an import on the fast path; mypy reads this alike
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

    import typer

    from hutch.api.container_usage import StatsReport
    from hutch.cli.state import AppState

HEADERS = ("ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET IO", "BLOCK IO", "PIDS")
TEMPLATE_HEADERS = {
    "ID": "ID",
    "Name": "NAME",
    "CPUPerc": "CPU %",
    "MemUsage": "MEM USAGE / LIMIT",
    "MemPerc": "MEM %",
    "NetIO": "NET IO",
    "BlockIO": "BLOCK IO",
    "PIDs": "PIDS",
}


def row(report: "StatsReport", previous: "StatsReport | None", no_trunc: bool) -> "dict[str, Any]":
    """The template fields of one sample (podman's names, plus raw numbers)."""
    from hutch.api.container_usage import cpu_percent
    from hutch.util.humantime import go_duration

    cpu = cpu_percent(report, previous)
    average = cpu_percent(report)  # since the start, whatever the previous sample
    size = render.human_size
    nano = report.cpu_usec * 1000
    row = {
        "ID": report.id if no_trunc else report.id[:12],
        "ContainerID": report.id,
        "Name": report.name,
        "CPU": cpu,
        "CPUPerc": f"{cpu:.2f}%",
        "AvgCPU": average,
        "AVGCPU": f"{average:.2f}%",
        "CPUNano": nano,
        "CPUSystemNano": report.cpu_system_usec * 1000,
        "Duration": nano,
        "Up": go_duration(nano),
        "UpTime": go_duration(nano),
        "SystemNano": int(report.sampled_at * 1e9),
        "PerCPU": [],  # cgroup v2 keeps no per-CPU usage (podman's is empty there too)
        "CPUUsec": report.cpu_usec,
        "ThrottledUsec": report.throttled_usec,
        "NrThrottled": report.nr_throttled,
        "MemUsage": f"{size(report.mem_usage)} / {size(report.mem_limit)}",
        "MemUsageBytes": report.mem_usage,
        "MemLimit": report.mem_limit,
        "MemPerc": f"{report.mem_percent:.2f}%",
        "NetIO": f"{size(report.net_input)} / {size(report.net_output)}",
        "NetInput": report.net_input,
        "NetOutput": report.net_output,
        "BlockIO": f"{size(report.block_input)} / {size(report.block_output)}",
        "BlockInput": report.block_input,
        "BlockOutput": report.block_output,
        "PIDs": report.pids,
        "PIDS": report.pids,
        "OOMKills": report.oom_kills,
    }
    # podman's define.ContainerStats, the raw sample under the names it has there
    raw = ("ContainerID", "Name", "PerCPU", "CPU", "CPUNano", "CPUSystemNano", "SystemNano")
    row["ContainerStats"] = {
        **{k: row[k] for k in raw},
        "MemUsage": report.mem_usage,
        "MemLimit": report.mem_limit,
        "MemPerc": report.mem_percent,
        "NetInput": report.net_input,
        "NetOutput": report.net_output,
        "BlockInput": report.block_input,
        "BlockOutput": report.block_output,
        "PIDs": report.pids,
        "UpTime": nano,
        "Duration": nano,
    }
    return row


def render_rows(rows: "Sequence[Mapping[str, Any]]", template: "str | None") -> str:
    if template == "json":
        import json

        return json.dumps(list(rows), indent=4) + "\n"
    if template:
        from hutch.cli import templating  # a format given: the template engine

        return templating.render_template(
            template, rows, TEMPLATE_HEADERS, name="stats", type_name="containers.containerStats"
        )
    keys = ("ID", "Name", "CPUPerc", "MemUsage", "MemPerc", "NetIO", "BlockIO", "PIDs")
    return render.table(HEADERS, [[str(r[k]) for k in keys] for r in rows])


def stats_command(
    state: "AppState",
    *,
    names: "list[str] | None",
    all_: bool,
    no_stream: bool,
    format_: "str | None",
    no_trunc: bool,
    interval: float,
    no_reset: bool,
    latest: bool,
) -> int:
    """Show the resource use (CPU, memory, network, block I/O, pids) of containers."""
    from hutch.api.container_usage import StatsOptions

    if sum((all_, latest, bool(names))) > 1:  # podman's words, before the interval's
        raise InvalidArgument("--all, --latest and containers cannot be used together")
    if latest:
        names = [target_rules.latest_id(state)]
    if interval <= 0:  # podman's words; a fraction of a second is hutch's extension
        raise InvalidArgument("invalid interval, must be a positive number greater zero")
    engine = state.engine()
    previous: dict[str, StatsReport] = {}
    while True:
        reports = engine.containers.stats(names or [], StatsOptions(all_))
        rows = [row(r, previous.get(r.id), no_trunc) for r in reports]
        if not (no_stream or no_reset):
            render.redraw()
        sys.stdout.write(render_rows(rows, format_))
        sys.stdout.flush()
        if no_stream:
            return 0
        # the fast path holds the collector off while a verb starts: a stream goes on
        gcpause.resume(freeze=True)
        previous = {r.id: r for r in reports}
        time.sleep(max(interval, 0.1))


def register(app: "typer.Typer", container_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli import targets as t
    from hutch.cli.state import state_of

    def stats(
        ctx: typer.Context,
        names: Annotated[list[str] | None, typer.Argument(help="Containers.")] = None,
        all_: Annotated[
            bool, typer.Option("--all", "-a", help="All running containers (the default).")
        ] = False,
        no_stream: Annotated[
            bool, typer.Option("--no-stream", help="Print one sample and exit.")
        ] = False,
        format_: Annotated[
            str | None,
            typer.Option("--format", help="json, or a Go template such as '{{.MemUsage}}'."),
        ] = None,
        no_trunc: Annotated[
            bool, typer.Option("--no-trunc", help="Do not truncate container ids.")
        ] = False,
        interval: Annotated[
            float, typer.Option("--interval", "-i", help="Seconds between samples.")
        ] = 5.0,
        no_reset: Annotated[
            bool,
            typer.Option(
                "--no-reset", help="Do not clear the screen between samples: append each table."
            ),
        ] = False,
        latest: t.Latest = False,
    ) -> None:
        """Show the resource use (CPU, memory, network, block I/O, pids) of containers."""
        raise typer.Exit(
            stats_command(
                state_of(ctx),
                names=names,
                all_=all_,
                no_stream=no_stream,
                format_=format_,
                no_trunc=no_trunc,
                interval=interval,
                no_reset=no_reset,
                latest=latest,
            )
        )

    app.command("stats")(stats)
    container_app.command("stats")(stats)
