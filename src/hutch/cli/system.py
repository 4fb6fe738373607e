"""``hutch system migrate``, ``renumber``, ``reset``, ``service``, and ``connection``
(refused)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli.state import state_of


def register(system_app: typer.Typer) -> None:
    @system_app.command(
        "connection", context_settings={"ignore_unknown_options": True, "allow_extra_args": True}
    )
    def connection(
        words: Annotated[list[str] | None, typer.Argument(help="Refused.")] = None,
    ) -> None:
        """Refused: hutch has no remote mode (podman's remote connections)."""
        from hutch.cli.globals_ import REMOTE_HINT

        raise InvalidArgument(f"system connection is not supported: {REMOTE_HINT}")

    @system_app.command("migrate")
    def migrate(
        ctx: typer.Context,
        new_runtime: Annotated[
            str | None,
            typer.Option("--new-runtime", help="Accepted: hutch's runtime is built in (warns)."),
        ] = None,
    ) -> None:
        """Stop the session namespace so that the next command rebuilds it
        (after /etc/subuid or /etc/subgid changed)."""
        if new_runtime is not None:
            # podman moves every container to another OCI runtime; hutch has one, built in
            print(
                f"WARN: --new-runtime {new_runtime}: hutch's runtime is built in; ignored",
                file=sys.stderr,
            )
        stopped = state_of(ctx).engine().system.migrate()
        if stopped:
            print(
                "stopped the session namespace; the next command creates a new one", file=sys.stderr
            )

    @system_app.command("renumber")
    def renumber() -> None:
        """Migrate lock numbers: a no-op, as hutch's locks are files, not numbered."""
        # podman allocates each container and pod a numbered lock (num_locks in
        # containers.conf) and renumbers them after that number changes; hutch locks
        # each object's own files by path, so there is nothing to migrate: success,
        # silent, as podman's renumber prints nothing either

    @system_app.command("reset")
    def reset(
        ctx: typer.Context,
        force: Annotated[bool, typer.Option("--force", "-f", help="Do not ask.")] = False,
    ) -> None:
        """Remove all images, containers and storage, and stop the session namespace."""
        # The body is typer-free: the fast path runs it too (cli/system_reset.py).
        from hutch.cli import system_reset

        code = system_reset.reset_command(state_of(ctx), force=force)
        if code:
            raise typer.Exit(code)

    @system_app.command("service")
    def service(
        ctx: typer.Context,
        uri: Annotated[
            str | None,
            typer.Argument(
                help="unix:///PATH or tcp://HOST:PORT "
                "(default unix://$XDG_RUNTIME_DIR/hutch/hutch.sock)."
            ),
        ] = None,
        time: Annotated[
            int,
            typer.Option(
                "--time", "-t", help="Seconds without a request before exiting (0: never)."
            ),
        ] = 5,
        cors: Annotated[
            str,
            typer.Option(
                "--cors",
                help="Answer with Access-Control-Allow-Origin: ORIGIN (CORS headers).",
            ),
        ] = "",
    ) -> None:
        """Serve the Docker Engine API (v1.41) on a socket, for docker CLI, docker-py,
        docker-compose and the like; socket activation through LISTEN_FDS."""
        # The body is typer-free: the fast path runs it too (cli/system_service.py).
        from hutch.cli import system_service

        system_service.service_command(state_of(ctx), uri=uri, time=time, cors=cors)
