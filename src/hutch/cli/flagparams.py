"""typer parameters made from a flag table (api/container_flags.py, api/pod_flags.py).

A verb declares only its own arguments and takes the flags as ``**values``;
``with_flags`` gives the function the signature typer reads, with one
keyword parameter per flag of the command, so the table is the one place
where a flag of run, create, update, pod create or pod clone is declared.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import typer

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


def with_flags(function: Callable[..., Any], flags: Sequence[Flag]) -> Callable[..., Any]:
    """``function`` (its own parameters, then ``**values``) with ``flags``.

    Its own keyword-only options (after ``*``) come after the table's in the help.
    """
    own = list(inspect.signature(function, eval_str=True).parameters.values())
    if not own or own[-1].kind is not inspect.Parameter.VAR_KEYWORD:
        raise TypeError(f"{function.__name__} must end with **values to take the flags")
    first = [p for p in own[:-1] if p.kind is not inspect.Parameter.KEYWORD_ONLY]
    last = [p for p in own[:-1] if p.kind is inspect.Parameter.KEYWORD_ONLY]
    params = [*first, *(parameter(flag) for flag in flags), *last]
    function.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    return function
