"""``compose config``: validate the files and print the normalised, merged model.

``config_command`` does the work; the fast path (cli/fast.py) calls it without
typer, the typer command of ``add_commands`` with the same values (no ``from
__future__ import annotations``, as cli/compose_ps.py). The project comes from
the cache of loaded projects (compose/modelcache.py) when nothing it was made
from changed: an error is found by the load, so a kept project has none to
report, and ``config`` reports none after the load that points into a file.
"""

import json
import sys
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, Any

from hutch.api.errors import InvalidArgument
from hutch.cli.compose_project import GROUP_KEY, load_project, options_of, progress_mode

if TYPE_CHECKING:
    import typer

    from hutch.api.compose import ComposeModel
    from hutch.cli.state import AppState


def config_command(
    state: "AppState",
    group: Mapping[str, Any],
    services: list[str] | None,
    output_format: str,
    list_services: bool,
    list_volumes: bool,
    list_profiles: bool,
    list_images: bool,
    quiet: bool,
    no_interpolate: bool,
) -> None:
    """``hutch compose [GROUP] config``: ``group`` holds the compose group's values."""
    progress_mode(group)  # what typer's group callback checks first
    if output_format not in ("yaml", "json"):
        raise InvalidArgument(f"unsupported --format {output_format!r} (yaml or json)")
    names = tuple(services or ())
    options = replace(options_of(group), interpolate=not no_interpolate, services=names)
    project = load_project(state, options, reuse=True)
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


def _listing(
    project: "ComposeModel", services: bool, volumes: bool, profiles: bool, images: bool
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


def add_commands(compose_app: "typer.Typer") -> None:
    import typer

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
        from hutch.cli.state import state_of

        config_command(
            state_of(ctx),
            ctx.meta[GROUP_KEY],
            services=services,
            output_format=output_format,
            list_services=list_services,
            list_volumes=list_volumes,
            list_profiles=list_profiles,
            list_images=list_images,
            quiet=quiet,
            no_interpolate=no_interpolate,
        )
