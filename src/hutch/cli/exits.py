"""Exceptions to exit codes and messages: the one place (podman's rules).

125 for hutch's own errors, 126 cannot invoke, 127 not found, otherwise the
container's status. Both ways a command runs, through typer (cli/app.py) and
through the fast path (cli/fast.py), end here, so they fail alike.
Typer-free: the fast path imports it.
"""

from __future__ import annotations

import os
import sys

from hutch.api.errors import EXIT_ENGINE, HutchError, Interrupted

TYPE_CHECKING = False  # typing costs an import on the fast path; mypy reads the name alike
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


def code_of(exc: BaseException, args: Sequence[str]) -> int:
    """Report ``exc`` on stderr as podman would; the exit code that goes with it."""
    as_json = compose_json(args, os.environ)
    if isinstance(exc, HutchError):
        output = getattr(exc, "output", "")  # a template's, up to where it failed
        if output:
            sys.stdout.write(output)
            sys.stdout.flush()
        error(str(exc), exc.hint, as_json=as_json)
        return exc.exit_code
    if _stopped_transfer(exc):
        return 1  # a transfer stopped by ^C: podman's status, no message
    if isinstance(exc, KeyboardInterrupt):
        return 130
    if isinstance(exc, BrokenPipeError):
        # The reader went away (``hutch export | head``): stop quietly, as a
        # program killed by SIGPIPE would, without a traceback or message.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    if isinstance(exc, OSError):
        _os_error(exc, as_json)
        return EXIT_ENGINE
    if isinstance(exc, Exception):
        # The one place where an unexpected error becomes a message: no
        # traceback reaches a user unless asked for with --log-level=debug.
        _unexpected(exc, args, as_json)
        return EXIT_ENGINE
    raise exc  # SystemExit and the like go on as they are


def _stopped_transfer(exc: BaseException | None) -> bool:
    """``exc`` is ``Interrupted``, or a second ^C that came while it went up
    (raised during its way out, it has it as its context): the same stop."""
    while isinstance(exc, KeyboardInterrupt):
        if isinstance(exc, Interrupted):
            return True
        exc = exc.__context__
    return False


class InterruptedTransfer:
    """``with InterruptedTransfer():`` around a pull or a push: a ^C ends the command
    with 1 and no message, as podman's (4.3.1 measured with a stalled registry; its
    shutdown handler exits 1 on SIGINT, current podman's too) rather than 130. The
    transfer has stopped and cleaned up by then (registry/interrupt.py)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: object, tb: object) -> None:
        if kind is not None and issubclass(kind, KeyboardInterrupt):
            raise SystemExit(1) from None


def compose_json(args: Sequence[str], environ: Mapping[str, str]) -> bool:
    """``hutch compose --progress json`` (or ``$COMPOSE_PROGRESS=json``): the final
    error is a JSON object too, as docker compose writes it."""
    if "compose" not in args:
        return False
    rest = list(args[args.index("compose") + 1 :])
    mode = environ.get("COMPOSE_PROGRESS", "")
    # the compose group's options come before the verb; each takes a value
    while rest and rest[0].startswith("-"):
        flag, sep, value = rest.pop(0).partition("=")
        if not sep and rest:
            value = rest.pop(0)
        if flag == "--progress":
            mode = value
    return mode == "json"


def _os_error(exc: OSError, as_json: bool) -> None:
    import errno

    if exc.errno == errno.ENOSPC:
        where = f" under {exc.filename}" if exc.filename else ""
        error(
            f"no space left on device{where}",
            "free space there (hutch system prune, hutch rmi, hutch volume prune) "
            "or move the store with --root",
            as_json=as_json,
        )
        return
    error(str(exc), None, as_json=as_json)


def _unexpected(exc: Exception, args: Sequence[str], as_json: bool) -> None:
    if type(exc).__module__ == "sqlite3":
        error(
            f"the store's database: {exc}",
            "hutch system check finds what is damaged",
            as_json=as_json,
        )
    else:
        error(
            f"internal error: {type(exc).__name__}: {exc}",
            "this is a bug of hutch; run again with --log-level=debug for the traceback",
            as_json=as_json,
        )
    import itertools

    if "--log-level=debug" in args or any(
        a == "--log-level" and b == "debug" for a, b in itertools.pairwise(args)
    ):
        import traceback

        traceback.print_exception(exc, file=sys.stderr)


def error(message: str, hint: str | None, *, as_json: bool = False) -> None:
    if as_json:
        import json

        body = {"error": True, "message": message, **({"hint": hint} if hint else {})}
        sys.stderr.write(json.dumps(body, separators=(",", ":")) + "\n")
        return
    # stdout is block-buffered on a pipe: what went there before the error comes first
    # when both streams share it, as podman's (unbuffered) output does
    import contextlib

    # a reader gone (or the very error reported here): the message still goes
    with contextlib.suppress(OSError):
        sys.stdout.flush()
    sys.stderr.write(f"Error: {message}\n")
    if hint:
        sys.stderr.write(f"Hint: {hint}\n")
