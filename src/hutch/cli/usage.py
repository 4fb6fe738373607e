"""Usage errors in podman's words: the one place a command line's mistakes are worded.

podman's command line is cobra's, and its flags are pflag's; hutch's is click's,
which words the same mistakes its own way ("No such option: --x", "Option '--x'
requires an argument.", "Invalid value for '--last' / '-n': 'x' is not a valid
int.", "Missing argument 'IMAGE'.", "Got unexpected extra argument(s) (b)").
Every click usage error of a hutch command comes here from cli/app.py and leaves
as podman's line (measured against podman 4.3.1, the same in current podman),
exit 125. cobra's "See 'podman --help'" line is left out: a usage error is one
line here. Where podman's command checks its arguments itself with words of its
own ("you must provide at least one name or id"), the verb says them.

Only the error path imports this module.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from typing import Any

from hutch.api.flags import invalid_value
from hutch.cli import pflag
from hutch.cli.clicknames import ClickException, NoSuchOption

# pflag's parser of each whole-number flag whose podman type is unsigned (the rest
# are signed: strconv.ParseInt); by the command's path where one name differs.
_UNSIGNED = frozenset(
    (
        "--blkio-weight",
        "--cpu-period",
        "--cpu-rt-period",
        "--cpu-shares",
        "--health-retries",
        "--health-startup-retries",
        "--health-startup-success",
        "--restart-sec",
        "--retry",
        "--start-timeout",
        "--stop-timeout",
        "--time",
        "--timeout",
    )
)
_SIGNED_HERE = frozenset(
    (
        ("build", "--retry"),  # buildah's --retry is an int
        *(("compose " + verb, "--timeout") for verb in ("up", "down", "stop", "restart")),
    )
)
# podman's own words for a whole-number flag it parses itself
_OWN_WORDS = {"--blkio-weight": "invalid value for blkio-weight: {error}"}

# The argument counts podman's command checks where they are not the ones
# hutch's declaration gives (``pull`` takes several images there): (least, most).
_ARITY: dict[str, tuple[int, int | None]] = {"pull": (1, None), "image pull": (1, None)}

# podman's own words for a command given none of the arguments it needs, and for one
# given too many (``{path}``: the command as typed, "hutch attach")
_SAVE = "need at least 1 argument"
_EXEC = "exec requires the name or ID of a container or the --latest flag"
_NONE_GIVEN = {
    "save": _SAVE,
    "image save": _SAVE,
    "exec": _EXEC,
    "container exec": _EXEC,
    "pod logs": "specify at least one pod name or ID to log",
    "pod top": "you must provide the name or id of a running pod",
    "pod inspect": "no names or ids specified",
}
_ONE_AT_MOST = "`{path}` accepts at most one argument"
_TOO_MANY = {
    "attach": _ONE_AT_MOST,
    "container attach": _ONE_AT_MOST,
    "pod logs": "requires exactly 1 arg",
}

_NO_SUCH_COMMAND = re.compile(r"No such command (?P<name>'.*'|\".*\")\.")


def message(exc: ClickException, root: Any, args: Sequence[str]) -> str:
    """podman's line for click's usage error ``exc`` of ``hutch ARGS`` (``root`` is
    the click command tree); click's own words where podman has none to match."""
    context = getattr(exc, "ctx", None)
    if isinstance(exc, NoSuchOption):
        return unknown_flag(exc.option_name)
    text = exc.format_message()
    if type(exc).__name__ == "BadOptionUsage" and "requires an argument" in text:
        return needs_argument(str(getattr(exc, "option_name", "")))
    if context is None:
        return text
    command, own = pflag.leaf(root, args)
    if command is not context.command:
        return text
    param = getattr(exc, "param", None)
    if type(exc).__name__ == "MissingParameter" or text.startswith("Got unexpected extra"):
        if param is None or param.param_type_name == "argument":
            return _arity_message(context, own) or text
        return text
    if type(exc).__name__ == "BadParameter" and param is not None and _refused_number(text):
        return _invalid_value(context, param, own) or text
    unknown = _NO_SUCH_COMMAND.match(text)
    if unknown is not None:
        name = ast.literal_eval(unknown["name"])
        return f"unrecognized command `{context.command_path} {name}`"
    return text


def group_without_command(exc: Exception) -> tuple[str, str] | None:
    """A command group given no command (``hutch image``, ``hutch``): its help and
    podman's words for it, ``missing command 'hutch image COMMAND'``; None for
    another error."""
    context = getattr(exc, "ctx", None)
    if type(exc).__name__ != "NoArgsIsHelpError" or context is None:
        return None
    return context.get_help(), f"missing command '{context.command_path} COMMAND'"


def unknown_flag(name: str) -> str:
    """pflag's words for a flag the command does not have."""
    if name.startswith("--") or len(name) < 2:
        return f"unknown flag: {name}"
    return f"unknown shorthand flag: {name[1]!r} in {name}"


def needs_argument(name: str) -> str:
    """pflag's words for a flag given last without its value."""
    if name.startswith("--") or len(name) != 2:
        return f"flag needs an argument: {name}"
    return f"flag needs an argument: {name[1]!r} in {name}"


def _refused_number(text: str) -> bool:
    """click's refusal of a number's spelling, or of a negative one for an unsigned
    flag (declared with ``min=0``: pflag's ParseUint refuses its sign alike)."""
    return "is not a valid" in text or "is not in the range x>=0" in text


def _parsed(context: Any, own: Sequence[str]) -> tuple[dict[str, Any], list[str]] | None:
    """The raw values click's parser takes from the command's own words (before any
    conversion) and the words left over; None when they do not parse."""
    # a command that rewrites its words before click parses them (build's bare --pull)
    rewrite = getattr(context.command, "rewrite_args", None)
    words = list(own) if rewrite is None else rewrite(list(own))
    try:
        opts, left, _order = context.command.make_parser(context).parse_args(words)
    except ClickException:
        return None
    return dict(opts), list(left)


def _invalid_value(context: Any, param: Any, own: Sequence[str]) -> str | None:
    kind = getattr(param.type, "name", "").removesuffix(" range")
    if param.param_type_name != "option" or kind not in ("int", "float"):
        return None
    parsed = _parsed(context, own)
    raw = None if parsed is None else parsed[0].get(param.name)
    if isinstance(raw, list | tuple):
        raw = raw[-1] if raw else None
    if raw is None:
        return None
    value = str(raw)
    longs = [o for o in param.opts if o.startswith("--")]
    name = (longs or list(param.opts))[0]
    path = context.command_path.partition(" ")[2]
    if kind == "float":
        parser = "ParseFloat"
    elif name in _UNSIGNED and (path, name) not in _SIGNED_HERE:
        parser = "ParseUint"
    else:
        parser = "ParseInt"
    refusal = str(invalid_value(value, pflag.flag_label(param), parser))
    own_words = _OWN_WORDS.get(name)
    if own_words is not None:  # podman's words around pflag's error
        return own_words.format(error=refusal.partition(" flag: ")[2])
    return refusal


def _arity_message(context: Any, own: Sequence[str]) -> str | None:
    """cobra's words for a count of arguments its validator refuses (ExactArgs,
    MinimumNArgs, MaximumNArgs, RangeArgs, podman's NoArgs), the validator read
    from the command's declaration (or ``_ARITY``)."""
    arguments = [p for p in context.command.params if p.param_type_name == "argument"]
    if not arguments:
        return f"`{context.command_path}` takes no arguments"
    parsed = _parsed(context, own)
    if parsed is None:
        return None
    opts, left = parsed
    received = len(left)
    for p in arguments:
        value = opts.get(p.name)
        if isinstance(value, list | tuple):
            received += len(value)
        elif value is not None:
            received += 1
    least, most = _declared(arguments)
    path = context.command_path.partition(" ")[2]
    if received == 0 and path in _NONE_GIVEN:
        return _NONE_GIVEN[path]
    if received > 0 and path in _TOO_MANY:
        return _TOO_MANY[path].format(path=context.command_path)
    if path in _ARITY:
        wanted = _ARITY[path]
        if not _satisfied(wanted, received):  # else hutch takes fewer than podman: its own
            least, most = wanted
    return arity_error(least, most, received)


def _declared(arguments: Sequence[Any]) -> tuple[int, int | None]:
    least, most, unbounded = 0, 0, False
    for p in arguments:
        count = max(p.nargs, 1)
        least += count if p.required else 0
        if p.nargs < 0:
            unbounded = True
        most += count
    return least, None if unbounded else most


def _satisfied(wanted: tuple[int, int | None], received: int) -> bool:
    least, most = wanted
    return received >= least and (most is None or received <= most)


def arity_error(least: int, most: int | None, received: int) -> str:
    """cobra's message for ``received`` arguments to a command taking least..most."""
    if most is None:
        return f"requires at least {least} arg(s), only received {received}"
    if least == most:
        return f"accepts {least} arg(s), received {received}"
    if least == 0:
        return f"accepts at most {most} arg(s), received {received}"
    return f"accepts between {least} and {most} arg(s), received {received}"
