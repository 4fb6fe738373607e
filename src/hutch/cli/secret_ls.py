"""``hutch secret ls``: list secrets."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli import render
from hutch.cli.secret_render import DEFAULT_LS, HEADERS, ls_row
from hutch.cli.state import state_of


def register(secret_app: typer.Typer) -> None:
    def ls(
        ctx: typer.Context,
        filters: Annotated[
            list[str] | None,
            typer.Option(
                "--filter",
                "-f",
                help="name=REGEX, id=REGEX (a full or partial id) (repeatable).",
            ),
        ] = None,
        fmt: Annotated[
            str | None,
            typer.Option("--format", help="A Go template such as '{{.Name}}' ('table ...' too)."),
        ] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print ids only.")] = False,
        noheading: Annotated[
            bool, typer.Option("--noheading", "-n", help="Do not print the header row.")
        ] = False,
    ) -> None:
        """List secrets."""
        found = state_of(ctx).engine().secrets.ls(tuple(filters or ()))
        if quiet and fmt is None:
            print("".join(f"{s.id}\n" for s in found), end="")
            return
        rows = [ls_row(s) for s in found]
        # podman's secret ls has no JSON of its own: --format json is a template, as
        # any (the word "json" for each secret); {{json .}} one object a line
        # podman's default is a table; a user's format is one only with "table"
        template = fmt if fmt is not None else f"table {DEFAULT_LS}"
        # --noheading leaves the header row out before the columns are aligned, so
        # they are as wide as the data alone, as podman's tabwriter makes them
        from hutch.cli import templating  # a format given: the template engine

        out = templating.render_template(
            template,
            rows,
            HEADERS,
            type_name="*entities.SecretListReport",
            heading=not noheading,
            header_words=render.HEADER_WORDS,
        )
        print(out, end="")

    secret_app.command("ls")(ls)
    secret_app.command("list", hidden=True)(ls)
