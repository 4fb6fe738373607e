"""The ``hutch`` entry point: the fast path for the command lines it knows, else typer.

Nothing here imports typer: ``hutch --version``, ``--help`` and the everyday
verbs of cli/fastspec.py start without it (cli/fast.py says how that stays
equal to what typer would do).
"""

from __future__ import annotations

import sys

from hutch.cli import fast, words

TYPE_CHECKING = False  # typing costs an import on the fast path; mypy reads the name alike
if TYPE_CHECKING:
    from hutch.api.engine import Engine


def main(argv: list[str] | None = None, *, engine: Engine | None = None) -> None:
    args = words.help_words(sys.argv[1:] if argv is None else list(argv))
    code = fast.run(args, engine)
    if code is not None:
        sys.exit(code)
    from hutch.cli.app import run_typer

    run_typer(args, engine)
