"""Building only the part of the command tree that this invocation uses.

typer turns every registered function into a click command (inspecting its
signature and type hints) each time the program starts, which costs more
than everything else ``hutch images`` does. Before running, the tree is cut
down to the command the arguments name; for a listing (``hutch --help``, a
bare group) the other commands are kept as parameterless stubs that carry
only their name and help text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import typer
from typer.main import get_command_name
from typer.models import CommandInfo

from hutch.cli.words import first_word


def _name(info: CommandInfo) -> str:
    callback: Callable[..., Any] | None = info.callback
    if info.name:
        return info.name
    return get_command_name(callback.__name__) if callback else ""


def _stub(info: CommandInfo) -> CommandInfo:
    doc = info.help or (info.callback.__doc__ if info.callback else "") or ""

    def stub() -> None:
        """Stub."""

    return CommandInfo(
        name=_name(info),
        callback=stub,
        help=doc.strip(),
        hidden=info.hidden,
        context_settings=info.context_settings,
    )


def prune(app: typer.Typer, args: Sequence[str]) -> None:
    """Keep only what ``args`` reaches; stub the rest for help listings."""
    word, rest = first_word(args)
    commands = [c for c in app.registered_commands if _name(c) == word]
    groups = [g for g in app.registered_groups if g.name == word]
    if word is None or (not commands and not groups):
        # A listing (or an unknown word, which click reports with the list).
        app.registered_commands = [_stub(c) for c in app.registered_commands]
        for group in app.registered_groups:
            if group.typer_instance is not None:
                prune(group.typer_instance, ())
        return
    app.registered_commands = commands
    app.registered_groups = groups
    for group in groups:
        if group.typer_instance is not None:
            prune(group.typer_instance, rest)
