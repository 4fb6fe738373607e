"""The hutch command line: builds the typer app and maps errors to exit codes.

This is the one place where exceptions become exit codes (podman's rules:
125 for hutch's own errors, 126 cannot invoke, 127 not found, otherwise the
container's status). Verb modules only parse, call the engine and render.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

# typer 0.28 vendors click; its exceptions are only reachable here.
from typer._click import exceptions as click_exceptions

from hutch import __version__
from hutch.api.errors import EXIT_ENGINE, HutchError
from hutch.cli import (
    cleanup,
    commit,
    container_admin,
    cp,
    diff,
    events,
    export,
    images,
    import_,
    info,
    inspect,
    kill,
    lazy,
    logs,
    ps,
    rm,
    rmi,
    run,
    start,
    stop,
    system,
    unshare,
    wait,
)
from hutch.cli.state import AppState

if TYPE_CHECKING:
    from hutch.api.protocols import Engine

CONTEXT = {"help_option_names": ["--help"]}


def build_app(engine: Engine | None = None) -> typer.Typer:
    """The typer app; ``engine`` replaces the local one (tests, the REST API)."""
    app = typer.Typer(
        name="hutch",
        help="Rootless, daemonless containers: build, pull, run.",
        no_args_is_help=True,
        add_completion=False,
        context_settings=CONTEXT,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
    )

    @app.callback(invoke_without_command=True)
    def main_options(
        ctx: typer.Context,
        root: Annotated[
            str | None,
            typer.Option("--root", help="Storage root directory (default ~/.local/share/hutch)."),
        ] = None,
        runroot: Annotated[
            str | None, typer.Option("--runroot", help="Runtime state directory.")
        ] = None,
        log_level: Annotated[
            str, typer.Option("--log-level", help="Log level: debug, info, warn, error.")
        ] = "warn",
        version: Annotated[
            bool, typer.Option("--version", "-v", help="Print the version and exit.")
        ] = False,
    ) -> None:
        if version:
            print(f"hutch version {__version__}")
            raise typer.Exit(0)
        ctx.obj = AppState(root=root, runroot=runroot, log_level=log_level, _engine=engine)

    image_app = typer.Typer(
        help="Manage images.", no_args_is_help=True, context_settings=CONTEXT, rich_markup_mode=None
    )
    system_app = typer.Typer(
        help="Manage hutch itself.",
        no_args_is_help=True,
        context_settings=CONTEXT,
        rich_markup_mode=None,
    )
    container_app = typer.Typer(
        help="Manage containers.",
        no_args_is_help=True,
        context_settings=CONTEXT,
        rich_markup_mode=None,
    )
    for module in (images, import_, rmi):
        module.register(app, image_app)
    # Registry and image-toolbox verbs (images issue), registered as one group.
    from hutch.cli import image_verbs

    image_verbs.register(app, image_app)
    for verb in (run, start, stop, kill, rm, wait, ps, logs, inspect):
        verb.register(app, container_app)
    container_admin.register(app, container_app)
    events.register(app)
    for files_verb in (cp, diff, commit, export):
        files_verb.register(app, container_app)
    cleanup.register(container_app)
    # Life-cycle verbs of running containers (lifecycle issue).
    from hutch.cli import attach, exec, healthcheck, pause, top

    for verb in (exec, attach, top, pause):
        verb.register(app, container_app)
    healthcheck.register(app)
    # Resource limits of running containers (cgroups issue).
    from hutch.cli import stats, update

    for verb in (update, stats):
        verb.register(app, container_app)
    # Building images (build issue); "buildx build" is docker's spelling.
    from hutch.cli import build

    buildx_app = typer.Typer(
        help="Build images (docker buildx compatibility).",
        no_args_is_help=True,
        context_settings=CONTEXT,
        rich_markup_mode=None,
    )
    build.register(app, image_app, buildx_app)
    # Volumes (volumes issue): the "volume" group.
    from hutch.cli import volume

    volume.register(app)
    # Networks and published ports (networking issue).
    from hutch.cli import network, port

    network.register(app)
    port.register(app, container_app)
    info.register(app, system_app)
    unshare.register(app)
    system.register(system_app)

    @app.command("version", help="Show the hutch version.")
    def version_cmd() -> None:
        print(f"Version:      {__version__}")

    app.add_typer(container_app, name="container")
    app.add_typer(image_app, name="image")
    app.add_typer(system_app, name="system")
    app.add_typer(buildx_app, name="buildx")
    return app


def main(argv: list[str] | None = None, *, engine: Engine | None = None) -> None:
    app = build_app(engine)
    args = sys.argv[1:] if argv is None else argv
    lazy.prune(app, args)
    try:
        result = app(args=args, prog_name="hutch", standalone_mode=False)
    except HutchError as exc:
        _error(str(exc), exc.hint)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(EXIT_ENGINE)
    except click_exceptions.ClickException as exc:
        _error(exc.format_message(), None)
        sys.exit(EXIT_ENGINE)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (``hutch export | head``): stop quietly, as a
        # program killed by SIGPIPE would, without a traceback or message.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(141)
    except OSError as exc:
        _error(str(exc), None)
        sys.exit(EXIT_ENGINE)
    sys.exit(result if isinstance(result, int) else 0)


def _error(message: str, hint: str | None) -> None:
    sys.stderr.write(f"Error: {message}\n")
    if hint:
        sys.stderr.write(f"Hint: {hint}\n")
