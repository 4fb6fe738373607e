"""The one place hutch names the click that typer runs on.

typer 0.28 ships click inside itself as the private package ``typer._click``
and has no public name for click's ``ClickException`` (usage errors) or
``Command`` (the tree that the completion generator and the man page check
walk). Earlier and later typer releases depend on the real ``click`` package
instead, so that is the fallback. typer is pinned below 0.29 because 0.29
imports pydantic at every start (0.32 s against 0.08 s, HOST-NOTES); a test
(tests/unit/cli/test_cli_clicknames.py) fails loudly if the names move.
"""

from __future__ import annotations

try:
    from typer._click.core import Command
    from typer._click.exceptions import ClickException, NoSuchOption
except ImportError:  # pragma: no cover - a typer that depends on click itself
    from click.core import Command  # type: ignore[no-redef,import-not-found,unused-ignore]
    from click.exceptions import (  # type: ignore[no-redef,import-not-found,unused-ignore]
        ClickException,
        NoSuchOption,
    )

__all__ = ["ClickException", "Command", "NoSuchOption"]
