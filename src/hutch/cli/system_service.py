"""The body of ``hutch system service``, without typer.

Started by socket activation, the service's start-up is its first client's
wait: the fast path (cli/fast.py) runs this body from the parse table of the
typer command (cli/system.py), so that typer and click are never imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hutch.cli.state import AppState


def service_command(state: AppState, uri: str | None, time: int, cors: str = "") -> None:
    from hutch import __version__
    from hutch.api.errors import InvalidArgument

    if time < 0:
        raise InvalidArgument(f"invalid --time {time}: it must be 0 (never) or more seconds")
    if not cors.isprintable() or not cors.isascii():
        # the value goes into a header line of every answer: no line breaks in it
        raise InvalidArgument(f"invalid --cors {cors!r}: an origin is printable ASCII")
    # The HTTP server and its library load only here (hutch --help pays nothing).
    from hutch.service.main import run_service

    verbose = state.log_level in ("trace", "debug", "info")
    run_service(
        uri,
        time,
        state.engine_factory(),
        __version__,
        log_requests=verbose,
        cors=cors,
        close_engine=state.close_engine,
    )
