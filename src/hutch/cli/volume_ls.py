"""``hutch volume ls``: list volumes."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli import render
from hutch.cli.state import state_of
from hutch.cli.volume_render import HEADERS, json_of, ls_row


def register(volume_app: typer.Typer) -> None:
    def ls(
        ctx: typer.Context,
        filters: Annotated[
            list[str] | None,
            typer.Option(
                "--filter",
                "-f",
                help="name=REGEX, label=KEY[=VALUE], label!=..., dangling=true|false, driver=, "
                "opt=, scope=, anonymous=, until=, after= (repeatable).",
            ),
        ] = None,
        fmt: Annotated[
            str | None,
            typer.Option("--format", help="json, or a Go template such as '{{.Name}}'."),
        ] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print names only.")] = False,
        noheading: Annotated[
            bool, typer.Option("--noheading", "-n", help="Do not print the header row.")
        ] = False,
    ) -> None:
        """List volumes."""
        from hutch.api.errors import InvalidArgument
        from hutch.api.volumes import VolumeListOptions

        if quiet and fmt:  # podman's refusal, before anything is listed
            raise InvalidArgument("quiet and format flags cannot be used together")
        found = state_of(ctx).engine().volumes.ls(VolumeListOptions(tuple(filters or ())))
        rows = [json_of(v) for v in found]
        if render.is_json(fmt):
            render.print_json(rows, indent=2)  # podman's two spaces
            return
        if quiet:
            print("".join(f"{v.name}\n" for v in found), end="")
            return
        if fmt:
            print(
                render.render_template(
                    fmt,
                    [ls_row(r) for r in rows],
                    HEADERS,
                    type_name="*entities.VolumeListReport",
                    heading=not noheading,
                    header_words=render.HEADER_WORDS,
                ),
                end="",
            )
            return
        out = render.table(["DRIVER", "VOLUME NAME"], [[v.driver, v.name] for v in found])
        if noheading:
            out = "".join(out.splitlines(keepends=True)[1:])
        print(out, end="")

    volume_app.command("ls")(ls)
    volume_app.command("list", hidden=True)(ls)
