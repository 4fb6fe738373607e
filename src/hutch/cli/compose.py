"""``hutch compose``: the group, its global options, and ``compose config``.

The global options (``-f``, ``-p``, ``--project-directory``, ``--env-file``,
``--profile``) are read by the group and kept in the context for the
subcommands; the model itself comes from the compose front end
(``AppState.compose()``), which this module never imports.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli.compose_progress import PROGRESS_KEY
from hutch.cli.compose_project import GROUP_KEY, OPTIONS_KEY, load_model, options_of, progress_mode

if TYPE_CHECKING:
    from hutch.api.compose import ComposeModel

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

    @compose_app.command("config")
    def config(
        ctx: typer.Context,
        services: Annotated[
            list[str] | None, typer.Argument(help="Services to show (default: all enabled).")
        ] = None,
        output_format: Annotated[
            str, typer.Option("--format", help="Output format: yaml or json.")
        ] = "yaml",
        list_services: Annotated[
            bool, typer.Option("--services", help="Print the service names, one a line.")
        ] = False,
        list_volumes: Annotated[
            bool, typer.Option("--volumes", help="Print the volume names, one a line.")
        ] = False,
        list_profiles: Annotated[
            bool, typer.Option("--profiles", help="Print the profile names, one a line.")
        ] = False,
        list_images: Annotated[
            bool, typer.Option("--images", help="Print the image names, one a line.")
        ] = False,
        quiet: Annotated[
            bool, typer.Option("--quiet", "-q", help="Only validate the configuration.")
        ] = False,
        no_interpolate: Annotated[
            bool, typer.Option("--no-interpolate", help="Do not substitute variables.")
        ] = False,
    ) -> None:
        """Validate the compose files and print the normalised, merged model."""
        if output_format not in ("yaml", "json"):
            raise InvalidArgument(f"unsupported --format {output_format!r} (yaml or json)")
        names = tuple(services or ())
        project = load_model(ctx, interpolate=not no_interpolate, services=names)
        unknown = [s for s in names if s not in project.services]
        if unknown:
            raise InvalidArgument(f"no such service: {unknown[0]}")
        if quiet:
            return
        lines = _listing(project, list_services, list_volumes, list_profiles, list_images)
        if lines is not None:
            for line in lines:
                print(line)
            return
        model = dict(project.model)
        if names:
            model["services"] = {k: v for k, v in project.services.items() if k in names}
        if not no_interpolate:
            # printed so that it reads back as the same model: ``$`` as ``$$``
            model = _escaped(model)
        if output_format == "json":
            print(json.dumps(model, indent=2))
        else:
            sys.stdout.write(_yaml(model))

    from hutch.cli import (
        compose_build,
        compose_exec,
        compose_info,
        compose_ls,
        compose_ps,
        compose_transfer,
        compose_up,
        compose_verbs,
    )

    compose_up.add_commands(compose_app)
    compose_build.add_commands(compose_app)
    compose_ps.add_commands(compose_app)
    compose_exec.add_commands(compose_app)
    compose_ls.add_commands(compose_app)
    compose_info.add_commands(compose_app)
    compose_verbs.add_commands(compose_app)
    compose_transfer.add_commands(compose_app)
    app.add_typer(compose_app, name="compose")


def _listing(
    project: ComposeModel, services: bool, volumes: bool, profiles: bool, images: bool
) -> list[str] | None:
    if services:
        return list(project.services)
    if volumes:
        return list(project.model.get("volumes") or {})
    if profiles:
        return list(project.all_profiles)
    if images:
        return [
            body.get("image") or f"{project.name}-{name}" for name, body in project.services.items()
        ]
    return None


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("$", "$$")
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value


def _yaml(model: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(model, sort_keys=False, default_flow_style=False, allow_unicode=True)
