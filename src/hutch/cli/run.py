"""``hutch run`` and ``hutch create``: a new container from an image.

Their flags are declared in api/container_flags.py; this module adds the
two positional arguments and what each verb does with the options.
``run_command`` and ``create_command`` do the work: the fast path
(cli/fast.py) calls them without typer, the typer commands of ``register``
with the same values. No ``from __future__ import annotations`` (as in
cli/ps.py): register's typer annotations are evaluated inside register,
which imports typer.
"""

import os

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    import typer

    from hutch.cli.state import AppState

RUN_CONTEXT = {"allow_interspersed_args": False, "help_option_names": ["--help"]}
UNIT_VARIABLE = "PODMAN_SYSTEMD_UNIT"


def unit_labels(labels: tuple[str, ...], environ: "Mapping[str, str]") -> tuple[str, ...]:
    """The labels with the unit that runs this command, as podman's create keeps it:
    the units hutch generates set PODMAN_SYSTEMD_UNIT=%n, and auto-update restarts
    the unit this label names."""
    unit = environ.get(UNIT_VARIABLE)
    if unit is None:
        return labels
    return (*labels, f"{UNIT_VARIABLE}={unit}")


def run_command(state: "AppState", image: str, command: list[str] | None, **values: "Any") -> int:
    """Run a command in a new container: its exit code (0 detached, the id printed)."""
    from dataclasses import replace

    from hutch.api.flagoptions import run_options

    options = run_options("run", values, image=image, command=tuple(command or ()))
    labels = unit_labels(options.labels, os.environ)
    # The command line is recorded for ``generate systemd --new``.
    options = replace(options, create_command=state.command_line, labels=labels)
    report = state.engine().containers.run(options)
    if report.exit_code is None:
        if not report.passthrough:  # podman's: the container's streams are ours
            print(report.id)
        return 0
    if options.attach and not {s.lower() for s in options.attach} & {"stdout", "stderr"}:
        # podman's attached start prints the id where neither output is attached
        # (``-a stdin``); it does so once started, this once the container is done
        print(report.id)
    return report.exit_code


def create_command(
    state: "AppState", image: str, command: list[str] | None, **values: "Any"
) -> None:
    """Create a container without starting it; print its id."""
    from dataclasses import replace

    from hutch.api.flagoptions import run_options

    options = run_options("create", values, image=image, command=tuple(command or ()), detach=True)
    labels = unit_labels(options.labels, os.environ)
    options = replace(options, create_command=state.command_line, labels=labels)
    containers = state.engine().containers
    container_id = containers.create(options)
    # podman's create prints no id for a container whose streams will be the
    # caller's: the flag's driver, or containers.conf's where the flag is not given
    if not containers.passes_streams(options):
        print(container_id)


def register(app: "typer.Typer", container_app: "typer.Typer") -> None:
    from typing import Annotated, Any

    import typer

    from hutch.api.container_flags import flags_of
    from hutch.cli.flagparams import with_flags
    from hutch.cli.state import state_of

    Image = Annotated[str, typer.Argument(help="Image to run.")]
    Command = Annotated[
        list[str] | None,
        typer.Argument(help="Command and arguments (default: the image's Entrypoint and Cmd)."),
    ]

    def run(ctx: typer.Context, image: Image, command: Command = None, **values: Any) -> None:
        """Run a command in a new container."""
        raise typer.Exit(run_command(state_of(ctx), image=image, command=command, **values))

    def create(ctx: typer.Context, image: Image, command: Command = None, **values: Any) -> None:
        """Create a container without starting it; print its id."""
        create_command(state_of(ctx), image=image, command=command, **values)

    for name, verb in (("run", run), ("create", create)):
        with_flags(verb, flags_of(name))
        for target in (app, container_app):
            target.command(name, context_settings=RUN_CONTEXT)(verb)
