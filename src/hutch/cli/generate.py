"""``hutch generate systemd``: a systemd service unit for an existing container."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hutch import __version__
from hutch.api.errors import InvalidArgument
from hutch.cli.state import state_of

if TYPE_CHECKING:
    from hutch.api.engine import Engine

CONTEXT = {"help_option_names": ["--help"]}


def run_value_flags() -> frozenset[str]:
    """The ``run`` options that take a value, read from its own declaration."""
    return value_flags("run", "run")


def value_flags(module: str, *verb: str) -> frozenset[str]:
    """The options of the verb ``verb`` (of cli/MODULE) that take a value."""
    import typer.main

    from hutch.cli.app import build_app

    command: Any = typer.main.get_command(build_app(only=(module,)))
    for word in verb:
        command = command.commands[word]
    names: set[str] = set()
    for param in command.params:
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
    from hutch.cli import generate_spec

    generate_spec.add_spec(generate_app)

    @generate_app.command("systemd")
    def systemd(
        ctx: typer.Context,
        container: Annotated[str, typer.Argument(help="Container or pod name or id.")],
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
        pod_prefix: Annotated[
            str, typer.Option("--pod-prefix", help="Unit name prefix of a pod (pod).")
        ] = "pod",
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
        from hutch.systemd.recorded import GenerateError
        from hutch.systemd.units import GenerateOptions

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
            pod_prefix=pod_prefix,
            separator=separator,
            header=not no_header,
        )
        engine = state_of(ctx).engine()
        try:
            units = _units(engine, container, options, new_)
        except GenerateError as exc:
            raise InvalidArgument(str(exc)) from None
        if files:
            paths = {}
            for unit in units:
                path = Path(os.getcwd()) / f"{unit.name}.service"
                path.write_text(unit.text)
                paths[unit.name] = str(path)
            if fmt == "json":
                print(json.dumps(paths, indent=1, sort_keys=True))
            else:
                print("\n".join(paths.values()))
            return
        if fmt == "json":  # podman's: a Go map, its keys sorted
            print(json.dumps({u.name: u.text for u in units}, indent=1, sort_keys=True))
            return
        print("\n".join(unit.text for unit in units), end="")


def _units(engine: Engine, target: str, options: Any, new: bool) -> list[Any]:
    """The units of a container, or of a pod and its members when no container has
    the name (podman looks for a container first too)."""
    from hutch.api.errors import NoSuchObject
    from hutch.api.podman_json import to_json
    from hutch.systemd.units import container_unit, pod_units

    try:
        (report,) = engine.containers.inspect([target])
    except NoSuchObject as missing:
        try:
            (pod,) = engine.pods.inspect([target])
        except NoSuchObject:
            raise missing from None
        members = [m.id for m in pod.containers if m.id != pod.infra_container_id]
        infos = [to_json(r) for r in engine.containers.inspect(members)] if members else []
        return pod_units(
            to_json(pod),
            infos,
            options,
            binary=hutch_binary(),
            version=__version__,
            value_flags=run_value_flags() if new else frozenset(),
            pod_value_flags=value_flags("pod_create", "pod", "create") if new else frozenset(),
        )
    unit = container_unit(
        to_json(report),
        options,
        binary=hutch_binary(),
        value_flags=run_value_flags() if new else frozenset(),
        version=__version__,
    )
    return [unit]
