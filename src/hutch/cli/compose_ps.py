"""``compose ps``: the project's containers, by status, as a table, JSON or a Go template."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli.compose_project import load_model
from hutch.cli.state import state_of

if TYPE_CHECKING:
    from hutch.api.compose import ComposeContainer

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


def row(c: ComposeContainer) -> dict[str, Any]:
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


def _json(c: ComposeContainer) -> dict[str, object]:
    return {**row(c), "Ports": list(c.ports)}


def _table(found: Sequence[ComposeContainer]) -> None:
    rows = [("NAME", "IMAGE", "COMMAND", "SERVICE", "STATUS", "PORTS")]
    for c in found:
        status = c.status + (f" ({c.health})" if c.health else "")
        rows.append((c.name, c.image, c.command, c.service, status, ", ".join(c.ports)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for line in rows:
        print("   ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())


def add_commands(compose_app: typer.Typer) -> None:
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
        statuses = wanted_statuses(status or (), filter_ or ())
        project = load_model(ctx, services or (), profiles=("*",))
        # a status asked for lists stopped containers too, as docker compose does
        found = (
            state_of(ctx)
            .compose()
            .runner(project)
            .containers(all or bool(statuses), tuple(services or ()))
        )
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
            from hutch.cli.render import render_template

            text = render_template(output_format, [row(c) for c in found], name="ps")
            print(text, end="")
