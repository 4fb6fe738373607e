"""``hutch exec``: run a command in a running container."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

from hutch.cli import targets as t
from hutch.cli.state import state_of

if TYPE_CHECKING:
    pass

EXEC_CONTEXT = {"allow_interspersed_args": False, "help_option_names": ["--help"]}


def check_passed(count: int) -> None:
    """--preserve-fds N: our descriptors 3 .. 3+N-1 must be open (podman's client checks)."""
    from hutch.api.errors import InvalidArgument

    for fd in range(3, 3 + count):
        try:
            os.fstat(fd)
        except OSError:
            raise InvalidArgument(
                f"file descriptor {fd} is not available - the preserve-fds option requires "
                "that file descriptors must be passed"
            ) from None


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def exec_(
        ctx: typer.Context,
        container: Annotated[str, typer.Argument(help="Container to run the command in.")],
        command: Annotated[list[str] | None, typer.Argument(help="Command and arguments.")] = None,
        interactive: Annotated[
            bool, typer.Option("--interactive", "-i", help="Pass stdin to the command.")
        ] = False,
        tty: Annotated[
            bool, typer.Option("--tty", "-t", help="Allocate a pseudo-terminal.")
        ] = False,
        env: Annotated[
            list[str] | None,
            typer.Option("--env", "-e", help="Set an environment variable (NAME=VALUE, or NAME)."),
        ] = None,
        env_file: Annotated[
            list[str] | None,
            typer.Option("--env-file", help="Read environment variables from a file."),
        ] = None,
        user: Annotated[
            str | None,
            typer.Option("--user", "-u", help="User (name or uid, optionally :group) to run as."),
        ] = None,
        workdir: Annotated[
            str | None, typer.Option("--workdir", "-w", help="Working directory of the command.")
        ] = None,
        detach: Annotated[
            bool, typer.Option("--detach", "-d", help="Run the command in the background.")
        ] = False,
        detach_keys: Annotated[
            str | None,
            typer.Option(
                "--detach-keys", help="Accepted for compatibility (exec does not detach)."
            ),
        ] = None,
        privileged: Annotated[
            bool,
            typer.Option("--privileged", help="Give the process every capability."),
        ] = False,
        preserve_fds: Annotated[
            str | None,
            typer.Option(
                "--preserve-fds",
                metavar="N",
                help="Pass descriptors 3 to 3+N-1 down to the process (besides 0, 1, 2).",
            ),
        ] = None,
        latest: t.Latest = False,
    ) -> None:
        """Run a process in a running container."""
        from hutch.api.containers import ExecOptions
        from hutch.api.flags import unsigned

        fds = unsigned(preserve_fds, "--preserve-fds")
        check_passed(fds)
        name, argv = t.shifted(ctx, container, command, latest)
        options = ExecOptions(
            container=name or container,
            command=tuple(argv),
            interactive=interactive,
            tty=tty,
            env=tuple(env or ()),
            env_files=tuple(env_file or ()),
            user=user,
            workdir=workdir,
            detach=detach,
            detach_keys=detach_keys,
            privileged=privileged,
            preserve_fds=fds,
        )
        report = state_of(ctx).engine().containers.exec(options)
        if report.exit_code is None:
            print(report.session_id)  # as podman exec -d
            return
        raise typer.Exit(report.exit_code)

    for target in (app, container_app):
        target.command("exec", context_settings=EXEC_CONTEXT)(exec_)
