"""``hutch generate systemd``: a systemd service unit for an existing container."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from hutch import __version__
from hutch.api.errors import InvalidArgument
from hutch.cli.state import state_of

CONTEXT = {"help_option_names": ["--help"]}


def run_value_flags() -> frozenset[str]:
    """The ``run`` options that take a value, read from its own declaration."""
    import typer.main

    from hutch.cli.app import build_app

    group: Any = typer.main.get_command(build_app(only=("run",)))
    names: set[str] = set()
    for param in group.commands["run"].params:
        if getattr(param, "param_type_name", "") == "option" and not param.is_flag:
            names.update(param.opts)
    return frozenset(names)


def hutch_binary() -> str:
    """This hutch as an absolute path, for the Exec lines."""
    here = Path(sys.argv[0])
    if here.name == "hutch" and here.exists():
        return str(here.resolve())
    beside = Path(sys.executable).parent / "hutch"
    return str(beside) if beside.exists() else "/usr/bin/hutch"


def _service_env(items: Sequence[str]) -> tuple[str, ...]:
    """--env: KEY=VALUE as given; a bare KEY takes hutch's own value (skipped when unset),
    as podman's generate does."""
    out = []
    for item in items:
        if "=" in item:
            out.append(item)
        elif item in os.environ:
            out.append(f"{item}={os.environ[item]}")
    return tuple(out)


def register(app: typer.Typer) -> None:
    generate_app = typer.Typer(
        help="Generate structured data (systemd units, Kubernetes YAML) from containers.",
        no_args_is_help=True,
        context_settings=CONTEXT,
        rich_markup_mode=None,
    )
    app.add_typer(generate_app, name="generate")
    from hutch.cli.kube import add_generate

    add_generate(generate_app, "kube")

    @generate_app.command("systemd")
    def systemd(
        ctx: typer.Context,
        container: Annotated[str, typer.Argument(help="Container name or id.")],
        name: Annotated[
            bool,
            typer.Option("--name", "-n", help="Use the container's name, not its id, in the unit."),
        ] = False,
        new: Annotated[
            bool | None,
            typer.Option("--new", help="The service creates the container anew (run --replace)."),
        ] = None,
        files: Annotated[
            bool,
            typer.Option("--files", "-f", help="Write NAME.service in this directory."),
        ] = False,
        restart_policy: Annotated[
            str, typer.Option("--restart-policy", help="systemd Restart= (on-failure).")
        ] = "on-failure",
        restart_sec: Annotated[
            int | None, typer.Option("--restart-sec", help="systemd RestartSec= in seconds.")
        ] = None,
        start_timeout: Annotated[
            int | None, typer.Option("--start-timeout", help="systemd TimeoutStartSec=.")
        ] = None,
        stop_timeout: Annotated[
            int | None,
            typer.Option(
                "--stop-timeout",
                "--time",
                "-t",
                help="Seconds for stop (default: the container's).",
            ),
        ] = None,
        env: Annotated[
            list[str] | None,
            typer.Option(
                "--env", "-e", help="Set a variable in the service (KEY=VALUE, or KEY to copy)."
            ),
        ] = None,
        template: Annotated[
            bool,
            typer.Option(
                "--template", help="A template unit NAME@.service: a container per instance."
            ),
        ] = False,
        wants: Annotated[
            list[str] | None, typer.Option("--wants", help="Add a Wants= dependency.")
        ] = None,
        after: Annotated[
            list[str] | None, typer.Option("--after", help="Add an After= dependency.")
        ] = None,
        requires: Annotated[
            list[str] | None, typer.Option("--requires", help="Add a Requires= dependency.")
        ] = None,
        container_prefix: Annotated[
            str, typer.Option("--container-prefix", help="Unit name prefix (container).")
        ] = "container",
        separator: Annotated[
            str, typer.Option("--separator", help="Between prefix and name (-).")
        ] = "-",
        no_header: Annotated[
            bool, typer.Option("--no-header", help="No comment header with version and date.")
        ] = False,
        fmt: Annotated[
            str | None, typer.Option("--format", help="json: the units as a JSON object.")
        ] = None,
    ) -> None:
        """Generate a systemd service unit that runs a container."""
        from hutch.systemd.units import GenerateError, GenerateOptions, container_unit

        if fmt not in (None, "", "json"):
            raise InvalidArgument(f"invalid --format {fmt!r}: only json is supported")
        # --template implies --new; an explicit --new=false with it is refused (podman)
        new_ = template if new is None else new
        options = GenerateOptions(
            new=new_,
            env=_service_env(env or ()),
            template=template,
            use_name=name,
            restart_policy=restart_policy,
            restart_sec=restart_sec,
            start_timeout=start_timeout,
            stop_timeout=stop_timeout,
            wants=tuple(wants or ()),
            after=tuple(after or ()),
            requires=tuple(requires or ()),
            container_prefix=container_prefix,
            separator=separator,
            header=not no_header,
        )
        from hutch.api.podman_json import to_json

        (report,) = state_of(ctx).engine().containers.inspect([container])
        info = to_json(report)
        try:
            unit = container_unit(
                info,
                options,
                binary=hutch_binary(),
                value_flags=run_value_flags() if new_ else frozenset(),
                version=__version__,
            )
        except GenerateError as exc:
            raise InvalidArgument(str(exc)) from None
        if files:
            path = Path(os.getcwd()) / f"{unit.name}.service"
            path.write_text(unit.text)
            written: Any = {unit.name: str(path)}
            print(json.dumps(written, indent=1) if fmt == "json" else path)
            return
        if fmt == "json":
            print(json.dumps({unit.name: unit.text}, indent=1))
            return
        print(unit.text, end="")
