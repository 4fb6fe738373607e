"""The command lines hutch runs without typer: ``--version``, ``--help``, everyday verbs.

Importing typer and building its click command costs more than ``hutch ps``
does (about 60 ms of 150). typer stays the one definition of the command
line: the verbs here run from a parse table that cli/fastgen.py derives from
the typer app (cli/fastspec.py, regenerated with the completions and checked
by a unit test), and the table is used only for what it can take exactly as
typer would: the options of the verb (long, ``--name=value``, short, grouped
short switches, pflag's ``--switch=false``) after the global options
``--root``, ``--runroot``, ``--storage-driver`` and ``--log-level``. Anything
else (``--help``, a misspelt option, a bad value, another global option, a
verb not in the table) returns None and typer runs the command: its help,
its messages, its exit codes. Its result goes to the same body function the
typer callback calls, and errors to the same mapping (cli/exits.py).
"""

from __future__ import annotations

import os
import sys

from hutch import __version__
from hutch.cli import fastspec

TYPE_CHECKING = False  # typing costs an import on the fast path; mypy reads the name alike
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from hutch.api.engine import Engine

# hutch's global options the fast path takes (all take a value), by their AppState field.
GLOBALS = {
    "--root": "root",
    "--runroot": "runroot",
    "--storage-driver": "storage_driver",
    "--log-level": "log_level",
}
# fast verbs that run on for long from their start: the collector stays on for them
# (logs: --follow; wait: a condition; start: --attach)
LONG_VERBS = (
    "system service",
    "logs",
    "wait",
    "start",
    "container logs",
    "container wait",
    "container start",
)
# podman's (logrus's) levels; another value is typer's to refuse (cli/globals_.py)
LOG_LEVELS = ("trace", "debug", "info", "warn", "warning", "error", "fatal", "panic")
# Go's strconv.ParseBool, as cli/pflag.py
TRUE = ("1", "t", "T", "TRUE", "true", "True")
FALSE = ("0", "f", "F", "FALSE", "false", "False")


class Parsed:
    """A command line the fast path takes: the global options, the verb, its values
    (and its group's, for the verb of a group with options: ``compose -f F ps``)."""

    def __init__(
        self,
        globals_: dict[str, str],
        verb: str,
        values: dict[str, Any],
        group: dict[str, Any] | None = None,
    ) -> None:
        self.globals = globals_
        self.verb = verb
        self.values = values
        self.group = group


def run(
    args: list[str], engine: Engine | None = None, keep: list[object] | None = None
) -> int | None:
    """Run ``hutch ARGS`` and give its exit code; None: typer's to run. ``keep``: the
    command's state goes there, to live until the process's quick exit (cli/main.py
    ``entry``)."""
    if args in (["--version"], ["-v"]):
        sys.stdout.write(f"hutch version {__version__}\n")
        return 0
    if args in (["--help"], ["-h"]) and _columns() >= fastspec.HELP_COLUMNS:
        sys.stdout.write(fastspec.HELP)
        return 0
    parsed = parse(args)
    if parsed is None:
        return None
    return _call(parsed, args, engine, keep)


def _call(
    parsed: Parsed, args: Sequence[str], engine: Engine | None, keep: list[object] | None = None
) -> int:
    from hutch.cli import exits
    from hutch.cli.state import AppState
    from hutch.util import gcpause

    module_name, function_name, _spec = fastspec.VERBS[parsed.verb]
    g = parsed.globals
    state = AppState(
        root=g.get("root"),
        runroot=g.get("runroot"),
        log_level=g.get("log_level", "warn"),
        storage_driver=g.get("storage_driver"),
        _engine=engine,
        argv=tuple(args),
    )
    if keep is not None:
        keep.append(state)
    # no collector while the verb starts (util/gcpause.py); a server is long from the start
    paused = parsed.verb not in LONG_VERBS and gcpause.pause()
    try:
        __import__(f"hutch.cli.{module_name}")
        body = getattr(sys.modules[f"hutch.cli.{module_name}"], function_name)
        if parsed.group is None:
            result = body(state, **parsed.values)
        else:
            result = body(state, parsed.group, **parsed.values)
    except Exception as exc:
        return exits.code_of(exc, args)
    except KeyboardInterrupt as exc:
        return exits.code_of(exc, args)
    finally:
        if paused:
            gcpause.resume()
    return result if isinstance(result, int) else 0


def _columns() -> int:
    """The terminal width click's help formatter uses (shutil.get_terminal_size's rule)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    stdout = sys.__stdout__
    if columns <= 0 and stdout is not None:
        try:
            columns = os.get_terminal_size(stdout.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def parse(args: Sequence[str]) -> Parsed | None:
    """The command line as typer would take it, or None when the fast path does not know it."""
    globals_: dict[str, str] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("-") or arg == "-":
            break
        name, eq, value = arg.partition("=")
        field = GLOBALS.get(name)
        if field is None:
            return None
        if not eq:
            if i + 1 >= len(args):
                return None
            value = args[i + 1]
            i += 1
        if field == "log_level" and value.lower() not in LOG_LEVELS:
            return None
        globals_[field] = value
        i += 1
    if i >= len(args):
        return None
    group_spec = fastspec.GROUPS.get(args[i])
    if group_spec is not None:
        return _group_verb(globals_, args[i], group_spec, args[i + 1 :])
    verb = " ".join(args[i : i + 2])  # a group's command (system service) first
    if verb in fastspec.VERBS and len(args) > i + 1:
        i += 1
    elif args[i] in fastspec.VERBS:
        verb = args[i]
    else:
        return None
    values = parse_verb(fastspec.VERBS[verb][2], args[i + 1 :])
    return None if values is None else Parsed(globals_, verb, values)


def _group_verb(
    globals_: dict[str, str], word: str, spec: dict[str, Any], args: Sequence[str]
) -> Parsed | None:
    """``WORD [its options] COMMAND [the command's]``: click parses a group's options up
    to the first other word (a group takes no interspersed arguments), which names
    the command; the command parses the rest. A ``--`` anywhere is typer's (click's
    group hands it on to the command, which then reads what follows as options)."""
    if "--" in args:
        return None
    taken = _options(spec, args)
    if taken is None or not taken[1]:
        return None
    group, rest = taken
    verb = f"{word} {rest[0]}"
    if verb not in fastspec.VERBS:
        return None
    values = parse_verb(fastspec.VERBS[verb][2], rest[1:])
    return None if values is None else Parsed(globals_, verb, values, group)


def parse_verb(spec: dict[str, Any], args: Sequence[str]) -> dict[str, Any] | None:
    """The keyword values typer would call the verb with, or None (typer's case)."""
    taken = _options(spec, args)
    return None if taken is None else _arguments(spec["arguments"], taken[1], taken[0])


def _options(spec: dict[str, Any], args: Sequence[str]) -> tuple[dict[str, Any], list[str]] | None:
    """The option values of ``args`` and its positional words, or None (typer's case)."""
    options: dict[str, tuple[str, str, Any]] = spec["options"]
    values = dict(spec["defaults"])
    given: dict[str, list[str]] = {}  # repeatable options, in order
    positional: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            positional.extend(args[i:])
            break
        if arg == "-" or not arg.startswith("-"):
            positional.append(arg)
            if not spec["interspersed"]:
                positional.extend(args[i:])
                break
            continue
        if arg.startswith("--"):
            name, eq, inline = arg.partition("=")
            option = options.get(name)
            if option is None:
                return None
            key, kind, extra = option
            if kind == "flag":
                if not eq:
                    values[key] = extra[0]
                    continue
                # pflag: --switch=VALUE, the last word wins; false clears a switch
                # that is on by default too (cli/pflag.py); --no-x takes no value
                sets, off = extra
                if off is None or inline not in TRUE + FALSE:
                    return None
                values[key] = sets if inline in TRUE else False
                continue
            if eq:
                value = inline
            elif extra is not None:
                value = extra  # taken bare: its own value, never the next word's
            elif i < len(args):
                value = args[i]
                i += 1
            else:
                return None
            if not _store(values, given, key, kind, value):
                return None
            continue
        # short options: switches grouped (-aq), the last may take a value (-n5, -n 5)
        for position in range(1, len(arg)):
            option = options.get("-" + arg[position])
            rest = arg[position + 1 :]
            if option is None or rest.startswith("="):
                return None  # unknown, or pflag's -a=false / -n=5 (cli/pflag.py): typer's
            key, kind, extra = option
            if kind == "flag":
                values[key] = extra[0]
                continue
            if rest:
                value = rest
            elif i < len(args):
                value = args[i]
                i += 1
            else:
                return None
            if not _store(values, given, key, kind, value):
                return None
            break
    for key, items in given.items():
        values[key] = items
    return values, positional


def _store(
    values: dict[str, Any], given: dict[str, list[str]], key: str, kind: str, value: str
) -> bool:
    if kind == "list":
        given.setdefault(key, []).append(value)
    elif kind in ("int", "uint"):
        digits = value[1:] if value.startswith("-") and kind == "int" else value
        if not (digits.isascii() and digits.isdigit()):
            return False  # click's message for it (a sign on a uint too) is typer's to print
        values[key] = int(value)
    elif kind == "float":
        try:  # click's FloatParamType is float() itself: the same words, the same values
            values[key] = float(value)
        except ValueError:
            return False  # click's message is typer's to print
    else:
        values[key] = value
    return True


def _arguments(
    arguments: Sequence[tuple[str, int, bool, str]], positional: list[str], values: dict[str, Any]
) -> dict[str, Any] | None:
    """Positional words to the arguments, as click deals them: one each, the rest to nargs=-1
    (an int one as ``_store`` takes an int option: plain digits, else typer's message)."""
    rest = list(positional)
    for key, nargs, required, kind in arguments:
        if nargs == 1:
            if not rest:
                if required:
                    return None
                continue
            if not _store(values, {}, key, kind, rest.pop(0)):
                return None
        else:
            if required and not rest:
                return None  # click's "Missing argument" is typer's to print
            values[key] = rest or None
            rest = []
    return None if rest else values
