"""``compose ls``: the compose projects, from the labels of their containers.

``ls_command`` does the work; the fast path (cli/fast.py) calls it without
typer, the typer command of ``add_commands`` with the same values (no
``from __future__ import annotations``, as cli/compose_ps.py). It reads no
compose file.
"""

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

from hutch.api.errors import InvalidArgument
from hutch.cli.compose_project import GROUP_KEY, progress_mode

if TYPE_CHECKING:
    import typer

    from hutch.cli.state import AppState

PROJECT_LABEL = "com.docker.compose.project"


def ls_command(
    state: "AppState", group: Mapping[str, Any], all: bool, quiet: bool, output_format: str
) -> None:
    """``hutch compose [GROUP] ls``: ``group`` holds the compose group's values."""
    from hutch.api.container_list import ListContainersOptions

    progress_mode(group)  # what typer's group callback checks first
    found = state.engine().containers.ls(
        ListContainersOptions(all=True, filters=(f"label={PROJECT_LABEL}",))
    )
    projects: dict[str, dict[str, int]] = {}
    files: dict[str, str] = {}
    for c in found:
        labels = dict(c.labels)
        name = labels[PROJECT_LABEL]
        projects.setdefault(name, {})
        projects[name][c.status] = projects[name].get(c.status, 0) + 1
        files[name] = labels.get(f"{PROJECT_LABEL}.config_files", "")
    rows = []
    for name, counts in sorted(projects.items()):
        if not all and "running" not in counts:
            continue
        status = ", ".join(f"{state}({n})" for state, n in sorted(counts.items()))
        rows.append({"Name": name, "Status": status, "ConfigFiles": files[name]})
    if quiet:
        for row in rows:
            print(row["Name"])
    elif output_format == "json":
        print(json.dumps(rows))
    elif output_format == "table":
        width = max([len("NAME"), *(len(r["Name"]) for r in rows)])
        swidth = max([len("STATUS"), *(len(r["Status"]) for r in rows)])
        print(f"{'NAME'.ljust(width)}   {'STATUS'.ljust(swidth)}   CONFIG FILES")
        for r in rows:
            print(f"{r['Name'].ljust(width)}   {r['Status'].ljust(swidth)}   {r['ConfigFiles']}")
    else:
        raise InvalidArgument(f"unsupported --format {output_format!r} (table or json)")


def add_commands(compose_app: "typer.Typer") -> None:
    import typer

    @compose_app.command("ls")
    def ls(
        ctx: typer.Context,
        all: Annotated[
            bool, typer.Option("--all", "-a", help="Also projects with no running container.")
        ] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print names only.")] = False,
        output_format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    ) -> None:
        """List the compose projects (from the labels of their containers)."""
        from hutch.cli.state import state_of

        ls_command(
            state_of(ctx), ctx.meta[GROUP_KEY], all=all, quiet=quiet, output_format=output_format
        )
