"""The flags of ``run``, ``create`` and ``update``, each declared once.

A ``Flag`` says everything about one flag: its names, the type of its
value, its default, its help line, what its value completes, which commands
take it and which field of ``RunOptions`` it fills (a dotted path such as
``resources.memory``). The CLI builds its typer parameters from this table
(``cli/flagparams.py``), ``flagoptions`` builds the options object from the
parsed values, the completions read the value hints from it
(contrib/gen-completions.py), and tests check it against the options
dataclasses and the man pages, so a flag is added or renamed here and in
the code that implements it, nowhere else. Front ends that take the same
settings in another spelling (compose keys, the REST API) find the field and
the value parsing of a flag here.

Pure data and the standard library. ``Flag`` is a frozen dataclass, not a
``typing.NamedTuple``: typing on their path was about 7 % of the instructions of
``create`` and ``run`` (issue 16), and no caller uses a flag as a tuple.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hutch.api.errors import InvalidArgument

RUN = frozenset({"run"})
RUN_CREATE = frozenset({"run", "create"})
CREATE = frozenset({"create"})
RUN_CREATE_UPDATE = frozenset({"run", "create", "update"})

# What a value completes: "file", "dir", a fixed list of words, or () for nothing;
# "pod", "container" the names in the store; "namespace", "ipc-namespace" a mode
# (private, host, ns:, container:NAME); "network" one (and the user's networks).
Completion = str | tuple[str, ...]
# Turns the parsed value into the options field's value; gets the flag's name
# for messages. None: the value as parsed (a repeated flag's list as a tuple).
Parser = Callable[[object, str], object]


@dataclass(frozen=True)
class Flag:
    name: str  # the long name: --memory
    field: str  # the RunOptions field it fills, as a dotted path
    help: str
    kind: str  # "str", "int", "bool" (a switch) or "list" (repeatable)
    aliases: tuple[str, ...] = ()  # other names: -m, --net
    default: object = None
    commands: frozenset[str] = RUN_CREATE
    values: Completion = ()
    negatable: bool = False  # a switch that also has --no-NAME
    parse: Parser | None = None

    @property
    def key(self) -> str:
        """The Python name of the flag's value (the typer parameter's name)."""
        return self.name[2:].replace("-", "_")

    @property
    def names(self) -> tuple[str, ...]:
        negation = ("--no-" + self.name[2:],) if self.negatable else ()
        return (self.name, *negation, *self.aliases)

    def value(self, parsed: object) -> object:
        """The options field's value for the value the command line gave."""
        if self.parse is not None:
            return self.parse(parsed, self.name)
        if self.kind == "list":
            if parsed is None:
                return ()
            if not isinstance(parsed, list | tuple):
                raise TypeError(f"{self.name} takes a list, not {parsed!r}")
            return tuple(parsed)
        return parsed


def text(
    name: str,
    field: str,
    help: str,
    *,
    aliases: tuple[str, ...] = (),
    default: str | None = None,
    commands: frozenset[str] = RUN_CREATE,
    values: Completion = (),
    parse: Parser | None = None,
) -> Flag:
    return Flag(name, field, help, "str", aliases, default, commands, values, parse=parse)


def number(
    name: str,
    field: str,
    help: str,
    *,
    aliases: tuple[str, ...] = (),
    commands: frozenset[str] = RUN_CREATE,
    unsigned: bool = False,  # podman's flag is a uint: a sign is refused as ParseUint does
) -> Flag:
    short = [a for a in aliases if not a.startswith("--")][:1]
    parse = _unsigned_as(", ".join([*short, name])) if unsigned else None
    return Flag(name, field, help, "int", aliases, None, commands, parse=parse)


def _unsigned_as(label: str) -> Parser:
    """``unsigned_or_none`` naming the flag as pflag does ("-c, --cpu-shares")."""

    def parse(value: object, _name: str) -> object:
        return unsigned_or_none(value, label)

    return parse


def switch(
    name: str,
    field: str,
    help: str,
    *,
    aliases: tuple[str, ...] = (),
    default: bool | None = False,  # None: not given (a negatable switch's third state)
    commands: frozenset[str] = RUN_CREATE,
    negatable: bool = False,
) -> Flag:
    return Flag(name, field, help, "bool", aliases, default, commands, negatable=negatable)


def repeated(
    name: str,
    field: str,
    help: str,
    *,
    aliases: tuple[str, ...] = (),
    commands: frozenset[str] = RUN_CREATE,
    values: Completion = (),
) -> Flag:
    return Flag(name, field, help, "list", aliases, None, commands, values)


# podman's --pull of run/create (ImagePullOptions.policy)
PULL_POLICIES = ("missing", "always", "never", "newer")


def pull_policy(value: object, flag: str) -> str:
    """podman's --pull: missing, always, never, newer (and its ifnotpresent and ifnewer);
    true and false as in Docker. None (no flag) is "": containers.conf's [engine]
    pull_policy, else missing (engine/conf_defaults.py)."""
    if value is None:
        return ""
    aliases = {"true": "always", "false": "missing", "ifnotpresent": "missing", "ifnewer": "newer"}
    policy = aliases.get(str(value).lower(), str(value).lower())
    if policy not in PULL_POLICIES:
        raise InvalidArgument(f'unsupported pull policy "{value}"')  # podman's words
    return policy


# the spellings of Go's strconv.ParseBool, which podman's flags and options parse with
GO_TRUE = frozenset(("1", "t", "T", "TRUE", "true", "True"))
GO_FALSE = frozenset(("0", "f", "F", "FALSE", "false", "False"))


def invalid_value(value: str, label: str, parser: str) -> InvalidArgument:
    """pflag's words for a value its flag's type refuses, the one place they are spelt
    (cli/usage.py for click's int options, cli/pflag.py for switches, the parsers here
    and in the engine): ``label`` as pflag names the flag ("-n, --last"), ``parser``
    the Go function that refused it (ParseInt, ParseUint, ParseFloat, ParseBool)."""
    return InvalidArgument(
        f'invalid argument "{value}" for "{label}" flag: '
        f'strconv.{parser}: parsing "{value}": invalid syntax'
    )


def unsigned(value: object, flag: str) -> int:
    """A number as podman's uint flags take it (``--timeout``, ``--preserve-fds``); None is 0."""
    if value is None:
        return 0
    word = str(value)
    # pflag's uint: strconv.ParseUint with base 0 (decimal, 0x, 0o, 0b; no sign)
    try:
        number = int(word, 0) if word[:1].isdigit() else -1
    except ValueError:
        number = -1
    if number < 0:
        raise invalid_value(word, flag, "ParseUint")
    return number


def check_preserved(count: int) -> None:
    """--preserve-fds N (run, exec): our descriptors 3 .. 3+N-1 must be open, as
    podman's client checks them (its words)."""
    import os

    for fd in range(3, 3 + count):
        try:
            os.fstat(fd)
        except OSError:
            raise InvalidArgument(
                f"file descriptor {fd} is not available - the preserve-fds option requires "
                "that file descriptors must be passed"
            ) from None


def unsigned_or_none(value: object, flag: str) -> int | None:
    """As ``unsigned``, with None (not given) kept: the engine's default applies."""
    return None if value is None else unsigned(value, flag)


# --retry and --retry-delay: declared once, for run's and create's table
# (api/container_flags.py) and for cli/flags_registry.py's typer parameters of
# pull, push, build and the artifact verbs; registry/retry.py applies them
RETRY = Flag(
    "--retry",
    "pull.retry",
    "Tries after a failed pull or push (default 3, or containers.conf's [engine] retry).",
    "int",
    parse=unsigned_or_none,
)
RETRY_DELAY = Flag(
    "--retry-delay",
    "pull.retry_delay",
    "Pause between tries, a duration (default: 2s, doubled at each, or containers.conf's "
    "[engine] retry_delay).",
    "str",
)


def systemd_mode(value: object, flag: str) -> str:
    """podman's --systemd: true, false or always (case as given is not folded)."""
    word = str(value)
    if word not in ("true", "false", "always"):
        raise InvalidArgument(
            'invalid config provided: --systemd values must be one of "true, false, always": '
            "invalid configuration"
        )
    return word


def or_empty(value: object, flag: str) -> str:
    """Not given is the empty string (the options' "default" spelling)."""
    return str(value) if value else ""


# --network values that are a mode of their own, not networks (a container has one)
_NETWORK_MODES = ("none", "host", "private", "slirp4netns", "pasta", "container", "ns")


def networks(value: object, flag: str) -> str:
    """Several ``--network`` flags: several user-defined networks, each with its
    options (``NAME:ip=...``), as one ``NET,NET`` value; a mode (host, none,
    private...) goes alone, refused in podman's words beside another."""
    if value is None:
        return ""
    if not isinstance(value, list | tuple):
        return str(value)
    values = [str(v) for v in value]
    if len(values) > 1:
        first = _mode_word(values[0])
        if first:  # podman's words: a mode first, or a mode after a network
            raise InvalidArgument(
                f"cannot set multiple networks without bridge network mode, selected mode "
                f"{first}: invalid argument"
            )
        for v in values[1:]:
            if _mode_word(v):
                raise InvalidArgument(
                    f"can only set extra network names, selected mode {_mode_word(v)} "
                    "conflicts with bridge: invalid argument"
                )
    return ",".join(values)


def _mode_word(value: str) -> str:
    """The mode a ``--network`` value names as podman calls it ("" for a network):
    ``container:ID`` is ``container``, ``ns:PATH`` podman's ``path``."""
    word = value.partition(":")[0]
    if word not in _NETWORK_MODES:
        return ""
    return "path" if word == "ns" else word
