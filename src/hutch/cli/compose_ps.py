"""``compose ps``: the project's containers, by status, as a table, JSON or a Go template.

``ps_command`` does the work; the fast path (cli/fast.py) calls it without
typer, the typer command of ``add_commands`` with the same values. So that
this module imports without typer, it has no ``from __future__ import
annotations``: the command's annotations are evaluated inside add_commands,
which imports typer. The project comes from the cache of loaded projects
(compose/modelcache.py) when nothing it was made from changed.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, Any

from hutch.api.errors import InvalidArgument
from hutch.cli.compose_project import GROUP_KEY, load_project, options_of, progress_mode

if TYPE_CHECKING:
    import typer

    from hutch.api.compose import ComposeContainer
    from hutch.cli.state import AppState

# docker compose ps --status accepts these (its container states)
STATUSES = ("paused", "restarting", "removing", "running", "dead", "created", "exited")


def wanted_statuses(status: Sequence[str], filters: Sequence[str]) -> set[str]:
    """--status values and ``--filter status=VALUE``; empty: any (``status`` is the one key)."""
    out = set()
    for value in status:
        out.add(value)
    for item in filters:
        key, sep, value = item.partition("=")
        if key != "status" or not sep:
            raise InvalidArgument(f"invalid filter {item!r}: only status=VALUE is supported")
        out.add(value)
    for value in out:
        if value not in STATUSES:
            raise InvalidArgument(f"invalid status {value!r}: use one of {', '.join(STATUSES)}")
    return out


def row(c: "ComposeContainer") -> dict[str, Any]:
    """The fields of one container: the JSON keys, and the names a template uses."""
    return {
        "Name": c.name,
        "ID": c.id,
        "Service": c.service,
        "Number": c.number,
        "Image": c.image,
        "Command": c.command,
        "State": c.status,
        "Status": c.status,
        "Health": c.health,
        "Ports": ", ".join(c.ports),
    }


def _json(c: "ComposeContainer") -> dict[str, object]:
    return {**row(c), "Ports": list(c.ports)}


def _table(found: Sequence["ComposeContainer"]) -> None:
    rows = [("NAME", "IMAGE", "COMMAND", "SERVICE", "STATUS", "PORTS")]
    for c in found:
        status = c.status + (f" ({c.health})" if c.health else "")
        rows.append((c.name, c.image, c.command, c.service, status, ", ".join(c.ports)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for line in rows:
        print("   ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())


def ps_command(
    state: "AppState",
    group: Mapping[str, Any],
    services: list[str] | None,
    all: bool,
    quiet: bool,
    list_services: bool,
    status: list[str] | None,
    filter_: list[str] | None,
    output_format: str,
) -> None:
    """``hutch compose [GROUP] ps``: ``group`` holds the compose group's values."""
    progress_mode(group)  # what typer's group callback checks first
    statuses = wanted_statuses(status or (), filter_ or ())
    options = replace(options_of(group), profiles=("*",))
    project = load_project(state, options, services or (), reuse=True)
    # a status asked for lists stopped containers too, as docker compose does
    found = state.compose().containers(project, all or bool(statuses), tuple(services or ()))
    if statuses:
        found = [c for c in found if c.status in statuses]
    if quiet:
        for c in found:
            print(c.id)
    elif list_services:
        for name in dict.fromkeys(c.service for c in found):
            print(name)
    elif output_format == "json":
        print(json.dumps([_json(c) for c in found]))
    elif output_format == "table":
        _table(found)
    else:
        from hutch.cli.templating import render_template

        text = render_template(output_format, [row(c) for c in found], name="ps")
        print(text, end="")


def add_commands(compose_app: "typer.Typer") -> None:
    import typer

    @compose_app.command("ps")
    def ps(
        ctx: typer.Context,
        services: Annotated[list[str] | None, typer.Argument(help="Services to list.")] = None,
        all: Annotated[bool, typer.Option("--all", "-a", help="Also stopped containers.")] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print ids only.")] = False,
        list_services: Annotated[
            bool, typer.Option("--services", help="Print the service names only.")
        ] = False,
        status: Annotated[
            list[str] | None,
            typer.Option("--status", help="Only containers in this state (repeatable)."),
        ] = None,
        filter_: Annotated[
            list[str] | None,
            typer.Option("--filter", help="status=STATE: only containers in that state."),
        ] = None,
        output_format: Annotated[
            str, typer.Option("--format", help="table, json, or a Go template.")
        ] = "table",
    ) -> None:
        """List the project's containers."""
        from hutch.cli.state import state_of

        ps_command(
            state_of(ctx),
            ctx.meta[GROUP_KEY],
            services=services,
            all=all,
            quiet=quiet,
            list_services=list_services,
            status=status,
            filter_=filter_,
            output_format=output_format,
        )
