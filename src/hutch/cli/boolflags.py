"""podman's ``--flag=false`` spelling for typer's ``--flag/--no-flag`` options.

pflag booleans take an optional ``=VALUE``; click's flags refuse one. A
command built with ``BoolValueCommand`` rewrites ``--NAME=true|false`` into
``--NAME`` or ``--no-NAME`` for the flags listed in ``BOOL_VALUE_FLAGS``, but
only among its own options: the walk stops at the first positional argument
(the image of ``run``), so a container command's own ``--sig-proxy=false``
reaches the container untouched.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperCommand

from hutch.api.errors import InvalidArgument

BOOL_VALUE_FLAGS = ("--sig-proxy",)
_TRUE = ("true", "1", "t", "yes")
_FALSE = ("false", "0", "f", "no")


def rewrite(args: list[str], takes_value: dict[str, bool]) -> list[str]:
    """``args`` with ``--NAME=VALUE`` of the listed flags made click flags."""
    out: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if arg == "--" or not arg.startswith("-") or arg == "-":
            out.append(arg)
            break  # the first positional: the rest is not ours
        name, eq, value = arg.partition("=")
        if eq and name in BOOL_VALUE_FLAGS:
            out.append(_flag(name, value))
            continue
        out.append(arg)
        if _needs_next(arg, takes_value) and index < len(args):
            out.append(args[index])
            index += 1
    return out + args[index:]


def _flag(name: str, value: str) -> str:
    lowered = value.lower()
    if lowered in _TRUE:
        return name
    if lowered in _FALSE:
        return "--no-" + name[2:]
    raise InvalidArgument(f"invalid {name} {value!r}: use true or false")


def _needs_next(arg: str, takes_value: dict[str, bool]) -> bool:
    if arg.startswith("--"):
        return "=" not in arg and takes_value.get(arg, False)
    # -abc: flags until one that takes a value; the rest of the word is its value
    for position, letter in enumerate(arg[1:], start=1):
        if takes_value.get("-" + letter, False):
            return position == len(arg) - 1
    return False


class BoolValueCommand(TyperCommand):
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        takes_value: dict[str, bool] = {}
        for param in self.get_params(ctx):
            if param.param_type_name == "option":  # typer's own click has no public import
                for opt in (*param.opts, *param.secondary_opts):
                    takes_value[opt] = not getattr(param, "is_flag", False) and not getattr(
                        param, "count", False
                    )
        result: Any = super().parse_args(ctx, rewrite(list(args), takes_value))
        return list(result)
