"""The ``hutch`` entry point: the fast path for the command lines it knows, else typer.

Nothing here imports typer: ``hutch --version``, ``--help`` and the everyday
verbs of cli/fastspec.py start without it (cli/fast.py says how that stays
equal to what typer would do).
"""

from __future__ import annotations

import os
import sys

from hutch.cli import fast, words

TYPE_CHECKING = False  # typing costs an import on the fast path; mypy reads the name alike
if TYPE_CHECKING:
    from typing import NoReturn

    from hutch.api.engine import Engine


def main(
    argv: list[str] | None = None,
    *,
    engine: Engine | None = None,
    keep: list[object] | None = None,
) -> None:
    """``hutch ARGV``; ends with SystemExit (in-process callers catch it). ``keep``:
    what the command used that is to outlive it (``entry``)."""
    args = words.help_words(sys.argv[1:] if argv is None else list(argv))
    code = fast.run(args, engine, keep)
    if code is not None:
        sys.exit(code)
    from hutch.cli.app import run_typer

    run_typer(args, engine)


def interruptible() -> None:
    """SIGINT raises KeyboardInterrupt even when hutch started with it ignored.

    A script's plain ``hutch ... &`` (a shell without job control) starts hutch with
    SIGINT ignored, and Python then leaves it so: ``kill -INT`` of a ``hutch logs -f``
    or ``events`` started that way did nothing, where podman's ends (its shutdown
    handler's Go ``signal.Notify`` turns an ignored SIGINT back on; docker does the
    same). The builtin ``_signal``: the ``signal`` module would add 0.7 ms to every
    start, a twentieth of ``hutch --help``.
    """
    import _signal  # type: ignore[import-not-found]  # no stubs for the builtin

    if _signal.getsignal(_signal.SIGINT) == _signal.SIG_IGN:
        _signal.signal(_signal.SIGINT, _signal.default_int_handler)


def entry() -> NoReturn:
    """The console script: ``main``, then a quick exit.

    Tearing the interpreter down (freeing every module and object one by one)
    took 60 to 100 ms of CPU after ``hutch run --rm`` was done. What a normal
    exit does that matters still happens: the atexit functions (the dataclass
    code cache, temporary directories), and the flush of stdout and stderr.
    With a thread still running, the exit is the normal one (it waits for it).

    The command's state (its engine, and with it the store's database connection)
    lives until that exit instead of being freed when the command returns: closing
    the last connection to the database makes SQLite checkpoint the WAL into it and
    delete the WAL (an fdatasync of each file, and the next command creates the WAL
    anew with two more: of its header and of the directory). ``create`` paid those
    four syncs, and ``ps`` or ``images`` three after a ``run`` had left frames in the
    WAL; commands that exit with the connection open (``run``, as before) leave the
    WAL to SQLite's automatic checkpoint at 1000 pages, in a later commit (issue 16).
    """
    interruptible()
    kept: list[object] = []
    try:
        main(keep=kept)
    except SystemExit as exc:
        status = exc.code
    else:  # pragma: no cover - main always exits
        status = 0
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        sys.exit(status)
    import _signal
    import atexit

    # The command is done: a ^C now (a second one after the ^C that stopped a pull)
    # would only break the exit's own work with a traceback ("Exception ignored in
    # atexit callback", the code cache half saved); podman takes no other signal then.
    _signal.signal(_signal.SIGINT, _signal.SIG_IGN)
    atexit._run_exitfuncs()
    if status is None:
        status = 0
    elif not isinstance(status, int):
        sys.stderr.write(f"{status}\n")
        status = 1
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away: as a program killed by SIGPIPE
        status = 141
    except OSError:
        status = status or 1
    try:
        sys.stderr.flush()
    except OSError:
        status = status or 1
    os._exit(status)
