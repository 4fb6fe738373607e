"""``hutch info`` / ``hutch system info``: host facts and how to fix them."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli import render
from hutch.cli.state import state_of


def register(app: typer.Typer, system_app: typer.Typer) -> None:
    def info(
        ctx: typer.Context,
        fmt: Annotated[
            str | None,
            typer.Option("--format", "-f", help="json, or a Go template over the report."),
        ] = None,
    ) -> None:
        """Show what hutch found on this host, with the fix for anything missing."""
        from hutch.cli import info_shape
        from hutch.service.listen import default_uri

        report = state_of(ctx).engine().system.info()
        # .Host.RemoteSocket.Path: where `hutch system service` listens by default,
        # as scripts read podman's to set DOCKER_HOST
        data = info_shape.info(report, default_uri().removeprefix("unix://"))
        if fmt == "json":
            render.print_json(data, indent=2)
            return
        if fmt:
            print(render.render_one(fmt, data, name="info"), end="")
            return
        print(f"version: {report.version}")
        print("host:")
        for fact in report.facts:
            mark = "" if fact.ok else "  [missing]"
            print(f"  {fact.name}: {fact.value}{mark}")
            if fact.fix:
                print(f"    fix: {fact.fix}")

    app.command("info")(info)
    system_app.command("info")(info)
