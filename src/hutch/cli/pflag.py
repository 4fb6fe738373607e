"""podman's flag habits (Go's pflag) applied to the click tree before it parses.

Two habits, for every command on the path the arguments name:

- every boolean flag takes an optional value: ``--rm=false``, ``-a=1``
  (pflag's ``strconv.ParseBool`` spellings); click refuses a value on a flag,
  so ``--NAME=VALUE`` becomes ``--NAME`` or its off spelling: ``--no-NAME``
  where the command declares one, else a spelling made here for the one
  parse (``--NAME:false``), so that ``=false`` also clears a switch that is
  on by default (``pod create --share-parent=false``) and the last of
  ``--rm --rm=false`` wins, as in pflag;
- ``-h`` is ``--help`` wherever the command has no ``-h`` of its own
  (``run`` and ``create`` keep it for ``--hostname``).

Only a command's own options are rewritten: on a command that stops at its
first positional argument (``run IMAGE CMD...``, ``exec CTR CMD...``) the
walk stops there too, and nothing after ``--`` is touched, so a container
command's own ``--flag=false`` reaches it unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hutch.api.flags import invalid_value

# Go's strconv.ParseBool, exactly (it is case-sensitive in this way).
_TRUE = frozenset(("1", "t", "T", "TRUE", "true", "True"))
_FALSE = frozenset(("0", "f", "F", "FALSE", "false", "False"))
HELP_NAMES = ["-h", "--help"]


@dataclass(frozen=True)
class _Bool:
    on: str  # the spelling that sets it
    off: str  # the spelling that clears it
    label: str  # pflag's name of the flag in messages: "-a, --all"
    param: Any  # the click option, given `off` as its secondary spelling when first used


def _off_spelling(param: Any) -> str:
    """The spelling that clears a switch: its own ``--no-NAME``, or one made for it.

    click has no value for a switch, only a second spelling that stores False;
    a switch declared without one gets ``NAME:false`` (no user types it, and
    click's parser never matches a word with ``=`` against an option name).
    """
    if param.secondary_opts:
        return str(param.secondary_opts[0])
    longs = [o for o in param.opts if o.startswith("--")]
    return f"{(longs or param.opts)[0]}:false"


@dataclass(frozen=True)
class _Options:
    takes_value: frozenset[str]
    bools: dict[str, _Bool]


def flag_label(param: Any) -> str:
    """pflag's name of a flag in its messages: the shorthand, then the long name."""
    shorts = [o for o in param.opts if not o.startswith("--")]
    longs = [o for o in param.opts if o.startswith("--")]
    return ", ".join([*shorts[:1], *longs[:1]])


def _options(command: Any) -> _Options:
    takes_value: set[str] = set()
    bools: dict[str, _Bool] = {}
    for param in command.params:
        if param.param_type_name != "option":  # typer's click has no public import
            continue
        if getattr(param, "is_bool_flag", False):
            label = flag_label(param)
            off = _off_spelling(param)
            for name in param.opts:
                bools[name] = _Bool(on=name, off=off, label=label, param=param)
        elif not getattr(param, "is_flag", False) and not getattr(param, "count", False):
            takes_value.update((*param.opts, *param.secondary_opts))
    return _Options(frozenset(takes_value), bools)


def parse_bool(value: str, label: str) -> bool:
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise invalid_value(value, label, "ParseBool")


def _bool_arg(flag: _Bool, value: str) -> list[str]:
    if parse_bool(value, flag.label):
        return [flag.on]
    if flag.off not in flag.param.secondary_opts:
        # only now: help and the completions show the switch as declared
        flag.param.secondary_opts = [flag.off]
    return [flag.off]


def _short(arg: str, options: _Options) -> tuple[list[str], bool]:
    """A ``-abc`` word for click, and whether its last letter takes the next word.

    Letters are flags until one that takes a value: the rest of the word is
    that value (``-eA=1``). pflag also takes ``-s=TERM`` and ``-a=false``: an
    ``=`` right after a letter gives that letter its value.
    """
    for position in range(1, len(arg)):
        letter = "-" + arg[position]
        rest = arg[position + 1 :]
        if rest.startswith("=") and rest != "=":  # pflag: "-s=" gives -s the value "="
            head = [arg[:position]] if position > 1 else []
            if letter in options.bools:
                return [*head, *_bool_arg(options.bools[letter], rest[1:])], False
            if letter in options.takes_value:
                return [*head, letter, rest[1:]], False
            return [arg], False  # click names the unknown option
        if letter in options.takes_value:
            return [arg], rest == ""
    return [arg], False


def _use_short_help(command: Any) -> None:
    for param in command.params:
        if "-h" in param.opts or "-h" in param.secondary_opts:
            return
    command.context_settings = {**command.context_settings, "help_option_names": HELP_NAMES}


def prepare(root: Any, args: Sequence[str]) -> list[str]:
    """``args`` with pflag's spellings made click's, and ``-h`` set up as help."""
    return _walk(root, args)[0]


def leaf(root: Any, args: Sequence[str]) -> tuple[Any, list[str]]:
    """The command ``args`` name (a group's subcommand, down the tree) and its own
    words, as ``prepare`` hands them to click: what cli/usage.py reads a usage
    error's value and argument count from."""
    out, command, start = _walk(root, args)
    return command, out[start:]


def _walk(root: Any, args: Sequence[str]) -> tuple[list[str], Any, int]:
    """``prepare``'s words, the last command reached, where its own words start."""
    out: list[str] = []
    start = 0
    index = 0
    command = root
    while True:
        _use_short_help(command)
        options = _options(command)
        subcommands: dict[str, Any] | None = getattr(command, "commands", None)
        interspersed = command.context_settings.get(
            "allow_interspersed_args", command.allow_interspersed_args
        )
        descend: Any = None
        while index < len(args):
            arg = args[index]
            index += 1
            if arg == "--":
                return [*out, arg, *args[index:]], command, start
            if arg == "-" or not arg.startswith("-"):
                out.append(arg)
                if subcommands is not None:
                    descend = subcommands.get(arg)
                    if descend is None:  # click names the unknown command
                        return [*out, *args[index:]], command, start
                    break
                if not interspersed:
                    return [*out, *args[index:]], command, start
                continue
            if arg.startswith("--"):
                name, eq, value = arg.partition("=")
                words = (
                    _bool_arg(options.bools[name], value) if eq and name in options.bools else [arg]
                )
                needs_next = not eq and arg in options.takes_value
            else:
                words, needs_next = _short(arg, options)
            out.extend(words)
            if needs_next and index < len(args):
                out.append(args[index])
                index += 1
        if descend is None:
            return out, command, start
        command = descend
        start = len(out)
