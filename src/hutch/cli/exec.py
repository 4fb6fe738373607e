"""``hutch exec``: run a command in a running container.

``exec_command`` does the work; the fast path (cli/fast.py) calls it without
typer, the typer command of ``register`` with the same values. So that this
module imports without typer, it has no ``from __future__ import
annotations``: register's parameter annotations are evaluated where they
are written, inside register, which imports typer.
"""

from hutch.cli import target_rules

# typing costs an import on the fast path (issue 16); mypy reads this alike
TYPE_CHECKING = False

if TYPE_CHECKING:
    import typer

    from hutch.cli.state import AppState

EXEC_CONTEXT = {"allow_interspersed_args": False, "help_option_names": ["--help"]}


def exec_command(
    state: "AppState",
    *,
    container: str,
    command: list[str] | None,
    interactive: bool,
    tty: bool,
    env: list[str] | None,
    env_file: list[str] | None,
    user: str | None,
    workdir: str | None,
    detach: bool,
    detach_keys: str | None,
    privileged: bool,
    preserve_fds: str | None,
    latest: bool,
) -> int:
    """Run a process in a running container; its exit code (0 with --detach)."""
    from hutch.api.container_exec import ExecOptions

    fds = 0
    if preserve_fds is not None:  # api.flags (all the flag rules) only then
        from hutch.api.flags import check_preserved, unsigned

        fds = unsigned(preserve_fds, "--preserve-fds")
        check_preserved(fds)
    name, argv = target_rules.shifted(state, container, command, latest)
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
    report = state.engine().containers.exec(options)
    if report.exit_code is None:
        print(report.session_id)  # as podman exec -d
        return 0
    return report.exit_code


def register(app: "typer.Typer", container_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli import targets as t
    from hutch.cli.state import state_of

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
        raise typer.Exit(
            exec_command(
                state_of(ctx),
                container=container,
                command=command,
                interactive=interactive,
                tty=tty,
                env=env,
                env_file=env_file,
                user=user,
                workdir=workdir,
                detach=detach,
                detach_keys=detach_keys,
                privileged=privileged,
                preserve_fds=preserve_fds,
                latest=latest,
            )
        )

    for target in (app, container_app):
        target.command("exec", context_settings=EXEC_CONTEXT)(exec_)
