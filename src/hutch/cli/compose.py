"""``hutch compose``: the group and its global options.

The global options (``-f``, ``-p``, ``--project-directory``, ``--env-file``,
``--profile``) are read by the group and kept in the context for the
subcommands; the model itself comes from the compose front end
(``AppState.compose()``), which this module never imports.
"""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.compose_progress import PROGRESS_KEY
from hutch.cli.compose_project import GROUP_KEY, OPTIONS_KEY, options_of, progress_mode

CONTEXT = {"help_option_names": ["--help"]}


def register(app: typer.Typer) -> None:
    compose_app = typer.Typer(
        help="Define and run multi-container applications from a compose file.",
        no_args_is_help=True,
        context_settings=CONTEXT,
        rich_markup_mode=None,
    )

    @compose_app.callback()
    def compose_options(
        ctx: typer.Context,
        file: Annotated[
            list[str] | None,
            typer.Option("--file", "-f", help="Compose file (several merge in order; - is stdin)."),
        ] = None,
        project_name: Annotated[
            str | None, typer.Option("--project-name", "-p", help="Project name.")
        ] = None,
        project_directory: Annotated[
            str | None,
            typer.Option(
                "--project-directory",
                help="Directory relative paths resolve against (default: the first file's).",
            ),
        ] = None,
        env_file: Annotated[
            list[str] | None,
            typer.Option("--env-file", help="Environment file for interpolation (default .env)."),
        ] = None,
        profile: Annotated[
            list[str] | None, typer.Option("--profile", help="Enable services of this profile.")
        ] = None,
        progress: Annotated[
            str,
            typer.Option(
                "--progress",
                help="Progress output: auto, tty, plain, json or quiet "
                "(default $COMPOSE_PROGRESS, else auto).",
            ),
        ] = "",
    ) -> None:
        group = {
            "file": file,
            "project_name": project_name,
            "project_directory": project_directory,
            "env_file": env_file,
            "profile": profile,
            "progress": progress,
        }
        ctx.meta[PROGRESS_KEY] = progress_mode(group)
        ctx.meta[GROUP_KEY] = group
        ctx.meta[OPTIONS_KEY] = options_of(group)

    from hutch.cli import (
        compose_build,
        compose_config,
        compose_exec,
        compose_info,
        compose_ls,
        compose_ps,
        compose_transfer,
        compose_up,
        compose_verbs,
        compose_views,
    )

    compose_config.add_commands(compose_app)
    compose_up.add_commands(compose_app)
    compose_build.add_commands(compose_app)
    compose_ps.add_commands(compose_app)
    compose_exec.add_commands(compose_app)
    compose_ls.add_commands(compose_app)
    compose_views.add_commands(compose_app)
    compose_info.add_commands(compose_app)
    compose_verbs.add_commands(compose_app)
    compose_transfer.add_commands(compose_app)
    app.add_typer(compose_app, name="compose")
