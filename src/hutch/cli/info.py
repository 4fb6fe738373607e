"""``hutch info`` / ``hutch system info``: host facts and how to fix them."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli import render, templating
from hutch.cli.state import state_of


def register(app: typer.Typer, system_app: typer.Typer) -> None:
    def info(
        ctx: typer.Context,
        fmt: Annotated[
            str | None,
            typer.Option("--format", "-f", help="json, or a Go template over the report."),
        ] = None,
        _debug: Annotated[
            bool,
            # podman's hidden no-op since 2.0, still in bug report templates
            typer.Option("--debug", "-D", hidden=True, help="Changes nothing (podman's)."),
        ] = False,
    ) -> None:
        """Show the host, the store and the version as podman does, then hutch's checks."""
        import json

        from hutch.cli import goyaml, info_shape
        from hutch.service.listen import default_uri
        from hutch.util import gotemplate

        report = state_of(ctx).engine().system.info()
        # .Host.RemoteSocket.Path: where `hutch system service` listens by default,
        # as scripts read podman's to set DOCKER_HOST
        data = info_shape.info(report, default_uri().removeprefix("unix://"))
        if fmt == "json":
            render.print_json(data, indent=2)
            return
        if fmt:
            print(templating.render_one(fmt, data, name="info"), end="")
            return
        # podman's YAML (its JSON through go-yaml: sections and keys sorted), then
        # hutch's own checks as YAML comments: one line each, the fix under a
        # missing one, and the whole output still podman's document for a parser
        plain = json.loads(gotemplate.gojson.dumps(templating.plain_data(data)))
        plain.pop("diagnostics", None)
        print(goyaml.dumps(plain))
        if report.facts:
            print("# hutch's checks of this host (--format json: diagnostics)")
        for fact in report.facts:
            mark = "" if fact.ok else "  [missing]"
            print(f"#   {fact.name}: {fact.value}{mark}")
            if fact.fix:
                print(f"#     fix: {fact.fix}")

    app.command("info")(info)
    system_app.command("info")(info)
