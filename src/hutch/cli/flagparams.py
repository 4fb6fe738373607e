"""typer parameters made from the flag table (api/container_flags.py).

A verb declares only its own arguments and takes the flags as ``**values``;
``with_flags`` gives the function the signature typer reads, with one
keyword parameter per flag of the command, so the table is the one place
where a flag of run, create or update is declared.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import typer

from hutch.api.container_flags import flags_of
from hutch.api.flags import Flag

# The Python type typer parses a flag's value as, by kind and "has no default".
_TYPES: dict[tuple[str, bool], Any] = {
    ("str", True): str | None,
    ("str", False): str,
    ("int", True): int | None,
    ("bool", False): bool,
    ("bool", True): bool | None,  # a negatable switch that may be left unsaid
    ("list", True): list[str] | None,
}


def parameter(flag: Flag) -> inspect.Parameter:
    first = f"{flag.name}/--no-{flag.name[2:]}" if flag.negatable else flag.name
    return inspect.Parameter(
        flag.key,
        inspect.Parameter.KEYWORD_ONLY,
        default=typer.Option(flag.default, first, *flag.aliases, help=flag.help),
        annotation=_TYPES[flag.kind, flag.default is None],
    )


def with_flags(function: Callable[..., Any], command: str) -> Callable[..., Any]:
    """``function`` (its own parameters, then ``**values``) with the flags of ``command``."""
    own = list(inspect.signature(function, eval_str=True).parameters.values())
    if not own or own[-1].kind is not inspect.Parameter.VAR_KEYWORD:
        raise TypeError(f"{function.__name__} must end with **values to take the flags")
    flags = [parameter(flag) for flag in flags_of(command)]
    function.__signature__ = inspect.Signature([*own[:-1], *flags])  # type: ignore[attr-defined]
    return function
