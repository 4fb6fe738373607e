"""``hutch quadlet install|list|print|rm``: manage the user's Quadlet files.

A front end of hutch.systemd (layer 5), imported inside each command: the
files are plain text managed without the engine or the store.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.cli import render, templating

CONTEXT = {"help_option_names": ["--help"]}
HEADERS = {"Name": "NAME", "UnitName": "UNIT NAME", "Path": "PATH ON DISK", "Status": "STATUS"}

Reload = Annotated[
    bool,
    typer.Option(
        "--reload-systemd/--no-reload-systemd",
        help="Run systemctl --user daemon-reload afterwards (default true).",
    ),
]


def _reload(enabled: bool) -> None:
    if not enabled:
        return
    from hutch.systemd.manage import reload_systemd

    problem = reload_systemd()
    if problem:
        print(f"Warning: systemctl --user daemon-reload failed: {problem}", file=sys.stderr)


def register(app: typer.Typer) -> None:
    quadlet_app = typer.Typer(
        help="Manage Quadlet files (containers as systemd user services).",
        no_args_is_help=True,
        context_settings=CONTEXT,
        rich_markup_mode=None,
    )
    app.add_typer(quadlet_app, name="quadlet")

    @quadlet_app.command("install")
    def install(
        paths: Annotated[list[str], typer.Argument(help="Quadlet files or directories of them.")],
        replace: Annotated[
            bool, typer.Option("--replace", help="Overwrite files already installed.")
        ] = False,
        reload_systemd: Reload = True,
    ) -> None:
        """Install Quadlet files into ~/.config/containers/systemd."""
        from hutch.systemd.manage import QuadletFileError
        from hutch.systemd.manage import install as do_install

        try:
            done = do_install(paths, os.environ, replace)
        except (QuadletFileError, OSError) as exc:
            raise InvalidArgument(str(exc)) from None
        for path in done:
            print(path)
        _reload(reload_systemd)

    @quadlet_app.command("list")
    def list_(
        fmt: Annotated[
            str | None, typer.Option("--format", help="json, or a Go template per file.")
        ] = None,
        noheading: Annotated[
            bool, typer.Option("--noheading", "-n", help="Do not print the header row.")
        ] = False,
    ) -> None:
        """List the installed Quadlet files and the services they become."""
        from hutch.systemd.manage import installed

        rows = [
            {"Name": i.name, "UnitName": i.unit, "Path": i.path, "Status": i.status}
            for i in installed(os.environ, os.getuid(), with_status=True)
        ]
        if fmt == "json":
            render.print_json(rows)
            return
        if fmt:
            print(templating.render_template(fmt, rows, HEADERS), end="")
            return
        out = render.table(
            list(HEADERS.values()),
            [[r["Name"], r["UnitName"], r["Path"], r["Status"]] for r in rows],
        )
        if noheading:
            out = "".join(out.splitlines(keepends=True)[1:])
        print(out, end="")

    @quadlet_app.command("print")
    def print_(
        name: Annotated[str, typer.Argument(help="Quadlet file name (web.container) or its unit.")],
    ) -> None:
        """Print the contents of an installed Quadlet file."""
        from hutch.systemd.manage import QuadletFileError, find

        try:
            item = find(name, os.environ, os.getuid())
        except QuadletFileError as exc:
            raise NoSuchObject(str(exc)) from None
        with open(item.path, encoding="utf-8") as f:
            print(f.read(), end="")

    @quadlet_app.command("rm")
    def rm(
        names: Annotated[list[str], typer.Argument(help="Quadlet file names or their units.")],
        ignore: Annotated[
            bool, typer.Option("--ignore", "-i", help="Ignore names that are not installed.")
        ] = False,
        reload_systemd: Reload = True,
    ) -> None:
        """Remove installed Quadlet files (the services go at the next daemon-reload)."""
        from hutch.systemd.manage import QuadletFileError, remove

        try:
            done = remove(names, os.environ, os.getuid(), ignore)
        except QuadletFileError as exc:
            raise NoSuchObject(str(exc)) from None
        for name in done:
            print(name)
        _reload(reload_systemd)
