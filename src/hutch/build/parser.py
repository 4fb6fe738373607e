"""Containerfile/Dockerfile parser: text in, typed instructions out, nothing executed.

The file is read in three passes over one list of lines: parser directives at
the top (``# syntax=``, ``# escape=``), then logical lines (continuations
joined, comments and blank lines inside a continuation dropped), each
followed by the bodies of its heredocs. Every logical line becomes one typed
instruction (see :mod:`hutch.build.instructions`); every problem is raised
here as ``InvalidArgument("FILE:LINE: message")`` so that a build fails before
its first step. Variables are not substituted here: see
:mod:`hutch.build.substitute`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum

from hutch.api.errors import InvalidArgument
from hutch.build import values
from hutch.build.instructions import (
    Add,
    Arg,
    ArgDecl,
    Cmd,
    Containerfile,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Heredoc,
    Instruction,
    KeyValue,
    Label,
    Maintainer,
    OnBuild,
    Run,
    Shell,
    Stage,
    StopSignal,
    User,
    Volume,
    Workdir,
)
from hutch.build.substitute import check_word, split_raw

__all__ = ["parse"]

_DIRECTIVE = re.compile(r"#[ \t]*([A-Za-z][A-Za-z0-9]*)[ \t]*=[ \t]*(.*?)[ \t]*")
_KNOWN_DIRECTIVES = ("syntax", "escape", "check")
_HEREDOC = re.compile(r"(\d*)<<(-?)([^<]+)")
_HEREDOC_COMMANDS = ("run", "copy", "add")
_STAGE_NAME = re.compile(r"[a-z][a-z0-9_.-]*")
_ONBUILD_FORBIDDEN = ("onbuild", "from", "maintainer")


class _Kind(Enum):
    STRING = "string"
    BOOL = "bool"
    LIST = "list"


_S, _B, _L = _Kind.STRING, _Kind.BOOL, _Kind.LIST
_FLAGS: Mapping[str, Mapping[str, _Kind]] = {
    "from": {"platform": _S},
    "run": {"mount": _L, "network": _S, "security": _S},
    "copy": {
        "from": _S,
        "chown": _S,
        "chmod": _S,
        "link": _B,
        "exclude": _L,
        "parents": _B,
    },
    "add": {
        "chown": _S,
        "chmod": _S,
        "link": _B,
        "exclude": _L,
        "checksum": _S,
        "keep-git-dir": _B,
    },
    "healthcheck": {
        "interval": _S,
        "timeout": _S,
        "start-period": _S,
        "start-interval": _S,
        "retries": _S,
    },
}

FlagValue = str | bool | tuple[str, ...]


@dataclass(frozen=True)
class _Context:
    filename: str
    escape: str

    def error(self, line: int, message: str) -> InvalidArgument:
        return InvalidArgument(f"{self.filename}:{line}: {message}")


@dataclass(frozen=True)
class _Node:
    """One logical line split into its parts, before it is typed."""

    command: str  # lower case
    keyword: str  # as written
    flags: dict[str, FlagValue]
    rest: str
    line: int
    original: str
    heredocs: tuple[Heredoc, ...]


class _Lines:
    """The file's physical lines with a cursor; line numbers are 1-based."""

    def __init__(self, text: str) -> None:
        text = text.removeprefix("\ufeff")
        self.lines = [line.removesuffix("\r") for line in text.split("\n")]
        self.pos = 0

    def more(self) -> bool:
        return self.pos < len(self.lines)

    def take(self) -> tuple[int, str]:
        self.pos += 1
        return self.pos, self.lines[self.pos - 1]


def parse(text: str, filename: str = "Containerfile") -> Containerfile:
    """Parse a whole Containerfile; raise InvalidArgument ``FILE:LINE: ...`` on any mistake."""
    lines = _Lines(text)
    directives = _read_directives(lines, filename)
    ctx = _Context(filename, directives.get("escape", "\\"))
    global_args: list[Arg] = []
    stages: list[Stage] = []
    current: list[Instruction] = []
    first_line = 0
    for node in _nodes(lines, ctx):
        first_line = first_line or node.line
        instruction = _build(node, ctx)
        if isinstance(instruction, From):
            _close_stage(stages, current)
            current = [instruction]
            _check_stage_name(instruction, stages, ctx)
        elif current:
            current.append(instruction)
        elif isinstance(instruction, Arg):
            global_args.append(instruction)
        else:
            raise ctx.error(
                node.line,
                # "no FROM statement found": podman's words, which scripts look for
                f"no FROM statement found: {node.keyword.upper()} before the first FROM "
                "(only ARG may come first)",
            )
    _close_stage(stages, current)
    if not stages:
        if first_line:
            raise ctx.error(first_line, "no FROM statement found: a Containerfile needs a base")
        raise ctx.error(1, "file with no instructions")
    return Containerfile(
        filename=filename,
        directives=directives,
        escape=ctx.escape,
        global_args=tuple(global_args),
        stages=tuple(stages),
    )


def _close_stage(stages: list[Stage], current: list[Instruction]) -> None:
    if not current:
        return
    head = current[0]
    assert isinstance(head, From)
    stages.append(
        Stage(
            index=len(stages),
            name=head.name,
            base=head.image,
            platform=head.platform,
            from_instruction=head,
            instructions=tuple(current[1:]),
        )
    )


def _check_stage_name(head: From, stages: list[Stage], ctx: _Context) -> None:
    if head.name is not None and any(stage.name == head.name for stage in stages):
        raise ctx.error(head.line, f"duplicate stage name {head.name!r}")


def _read_directives(lines: _Lines, filename: str) -> dict[str, str]:
    """Parser directives: ``# key=value`` lines before anything else, each at most once."""
    found: dict[str, str] = {}
    while lines.more():
        match = _DIRECTIVE.fullmatch(lines.lines[lines.pos].strip())
        if match is None:
            break
        name = match.group(1).lower()
        if name not in _KNOWN_DIRECTIVES:
            break  # an unknown directive is a comment, and comments end the directives
        number, _ = lines.take()
        if name in found:
            raise InvalidArgument(
                f"{filename}:{number}: only one {name} parser directive can be used"
            )
        value = match.group(2)
        if name == "escape" and value not in ("\\", "`"):
            raise InvalidArgument(
                f"{filename}:{number}: invalid escape token {value!r} (use ` or \\)"
            )
        found[name] = value
    return found


def _is_comment_or_blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _nodes(lines: _Lines, ctx: _Context) -> list[_Node]:
    continuation = re.compile(re.escape(ctx.escape) + r"[ \t]*$")
    nodes: list[_Node] = []
    while lines.more():
        number, raw = lines.take()
        if _is_comment_or_blank(raw):
            continue
        text, continued = _trim_continuation(raw.lstrip(), continuation)
        while continued and lines.more():
            _, raw = lines.take()
            if _is_comment_or_blank(raw):
                continue  # dropped inside a continuation, as Docker does
            more, continued = _trim_continuation(raw, continuation)
            text += more
        nodes.append(_node(text.strip(), number, lines, ctx, heredocs_allowed=True))
    return nodes


def _trim_continuation(line: str, continuation: re.Pattern[str]) -> tuple[str, bool]:
    match = continuation.search(line)
    return (line, False) if match is None else (line[: match.start()], True)


def _node(
    text: str, number: int, lines: _Lines | None, ctx: _Context, *, heredocs_allowed: bool
) -> _Node:
    parts = text.split(None, 1)
    keyword, rest = (parts[0], parts[1]) if len(parts) == 2 else (text, "")
    command = keyword.lower()
    if command not in _BUILDERS:
        # podman's (imagebuilder's) words and quoting
        raise ctx.error(number, f'Unknown instruction: "{keyword.upper()}"')
    rest, flag_words = _extract_flags(rest.strip(), ctx.escape)
    flags = _parse_flags(command, flag_words, number, ctx)
    heredocs: tuple[Heredoc, ...] = ()
    wants_heredocs = heredocs_allowed and command in _HEREDOC_COMMANDS
    if wants_heredocs and lines is not None and _json_array(rest) is None:
        heredocs = _read_heredocs(rest, number, lines, ctx)
    return _Node(command, keyword, flags, rest, number, text, heredocs)


def _extract_flags(rest: str, escape: str) -> tuple[str, list[str]]:
    """Take the leading ``--flag[=value]`` words off ``rest``; ``--`` alone ends them."""
    words: list[str] = []
    pos = 0
    n = len(rest)
    while True:
        while pos < n and rest[pos].isspace():
            pos += 1
        if not rest.startswith("--", pos):
            return rest[pos:], words
        word: list[str] = []
        quote = ""
        while pos < n and (quote or not rest[pos].isspace()):
            ch = rest[pos]
            if quote and ch == quote:
                quote = ""
            elif not quote and ch in "'\"":
                quote = ch
            elif ch == escape and pos + 1 < n and quote != "'":
                pos += 1
                word.append(rest[pos])
            else:
                word.append(ch)
            pos += 1
        flag = "".join(word)
        if flag == "--":
            return rest[pos:].lstrip(), words
        words.append(flag)


def _parse_flags(
    command: str, words: list[str], number: int, ctx: _Context
) -> dict[str, FlagValue]:
    allowed = _FLAGS.get(command, {})
    result: dict[str, FlagValue] = {}
    for word in words:
        name, has_value, value = word[2:].partition("=")
        kind = allowed.get(name)
        if kind is None:
            raise ctx.error(number, f"unknown flag for {command.upper()}: --{name}")
        if kind is _Kind.BOOL:
            try:
                result[name] = values.parse_bool(value) if has_value else True
            except ValueError:
                raise ctx.error(
                    number, f"expecting a boolean value for flag --{name}, not {value!r}"
                ) from None
            continue
        if not has_value:
            raise ctx.error(number, f"missing a value on flag --{name}")
        if kind is _Kind.LIST:
            previous = result.get(name, ())
            assert isinstance(previous, tuple)
            result[name] = (*previous, value)
        elif name in result:
            raise ctx.error(number, f"duplicate flag specified: --{name}")
        else:
            result[name] = value
    return result


def _read_heredocs(rest: str, number: int, lines: _Lines, ctx: _Context) -> tuple[Heredoc, ...]:
    docs: list[Heredoc] = []
    for word in split_raw(rest, ctx.escape):
        match = _HEREDOC.fullmatch(word)
        if match is None:
            continue
        name, expand = _heredoc_name(match.group(3), ctx.escape)
        if not name:
            continue
        chomp = match.group(2) == "-"
        body: list[str] = []
        while True:
            if not lines.more():
                raise ctx.error(number, f"unterminated heredoc <<{name} (no line {name!r})")
            _, raw = lines.take()
            candidate = raw.lstrip("\t") if chomp else raw
            if candidate == name:
                break
            body.append(candidate + "\n")
        fd = int(match.group(1)) if match.group(1) else None
        docs.append(Heredoc(name, "".join(body), expand=expand, chomp_tabs=chomp, fd=fd))
    return tuple(docs)


def _heredoc_name(word: str, escape: str) -> tuple[str, bool]:
    """The delimiter with quotes removed, and whether the body is expanded (no quotes)."""
    out: list[str] = []
    quoted = False
    quote = ""
    i = 0
    while i < len(word):
        ch = word[i]
        if quote:
            if ch == quote:
                quote = ""
            else:
                out.append(ch)
        elif ch in "'\"":
            quote = ch
            quoted = True
        elif ch == escape and i + 1 < len(word):
            quoted = True
            i += 1
            out.append(word[i])
        else:
            out.append(ch)
        i += 1
    if quote:
        return "", False
    return "".join(out), not quoted


def _json_array(rest: str) -> tuple[str, ...] | None:
    """The exec form: a JSON array of strings, or None (Docker then uses the shell form)."""
    if not rest.startswith("["):
        return None
    try:
        loaded = json.loads(rest)
    except ValueError:
        return None
    if not isinstance(loaded, list) or not all(isinstance(item, str) for item in loaded):
        return None
    return tuple(loaded)


def _require(node: _Node, ctx: _Context, what: str = "at least one argument") -> None:
    if not node.rest:
        raise ctx.error(node.line, f"{node.keyword.upper()} requires {what}")


def _command_form(node: _Node, ctx: _Context) -> tuple[tuple[str, ...], bool]:
    _require(node, ctx)
    exec_form = _json_array(node.rest)
    if exec_form is not None:
        return exec_form, False
    return (node.rest,), True


def _checked(word: str, node: _Node, ctx: _Context) -> str:
    check_word(word, filename=ctx.filename, line=node.line, escape=ctx.escape)
    return word


def _str_flag(node: _Node, name: str) -> str | None:
    value = node.flags.get(name)
    return value if isinstance(value, str) else None


def _bool_flag(node: _Node, name: str) -> bool:
    return node.flags.get(name) is True


def _list_flag(node: _Node, name: str) -> tuple[str, ...]:
    value = node.flags.get(name, ())
    return value if isinstance(value, tuple) else ()


def _build(node: _Node, ctx: _Context) -> Instruction:
    return _BUILDERS[node.command](node, ctx)


def _build_from(node: _Node, ctx: _Context) -> From:
    _require(node, ctx, "a base image")
    words = node.rest.split()
    if len(words) not in (1, 3) or (len(words) == 3 and words[1].lower() != "as"):
        raise ctx.error(node.line, "FROM requires either one or three arguments (IMAGE [AS NAME])")
    name = None
    if len(words) == 3:
        name = words[2].lower()
        if not _STAGE_NAME.fullmatch(name):
            raise ctx.error(
                node.line,
                f"invalid stage name {words[2]!r}: it must start with a letter"
                " and contain only letters, digits, '-', '_' and '.'",
            )
    return From(
        line=node.line,
        original=node.original,
        image=_checked(words[0], node, ctx),
        name=name,
        platform=_str_flag(node, "platform"),
    )


def _build_run(node: _Node, ctx: _Context) -> Run:
    args, shell_form = _command_form(node, ctx)
    specs = _list_flag(node, "mount")
    mounts = []
    for spec in specs:
        try:
            mounts.append(values.parse_mount(spec))
        except ValueError as exc:
            raise ctx.error(node.line, f"invalid --mount: {exc}") from None
    network = _str_flag(node, "network")
    if network is not None and network not in ("none", "host", "default"):
        raise ctx.error(node.line, f"invalid --network {network!r} (use none, host or default)")
    security = _str_flag(node, "security")
    if security is not None and security not in ("sandbox", "insecure"):
        raise ctx.error(node.line, f"invalid --security {security!r} (use sandbox or insecure)")
    return Run(
        line=node.line,
        original=node.original,
        args=args,
        shell_form=shell_form,
        heredocs=node.heredocs,
        mounts=tuple(mounts),
        mount_specs=specs,
        network=network,
        security=security,
    )


def _sources_and_dest(node: _Node, ctx: _Context) -> tuple[tuple[str, ...], str, bool]:
    exec_form = _json_array(node.rest)
    words = exec_form if exec_form is not None else tuple(node.rest.split())
    if len(words) < 2:
        raise ctx.error(
            node.line,
            f"{node.keyword.upper()} requires at least two arguments (SOURCE... DEST)",
        )
    if exec_form is None:
        for word in words:
            if not word.startswith("<<"):
                _checked(word, node, ctx)
    return words[:-1], words[-1], exec_form is not None


def _build_copy(node: _Node, ctx: _Context) -> Copy:
    sources, dest, json_form = _sources_and_dest(node, ctx)
    return Copy(
        line=node.line,
        original=node.original,
        sources=sources,
        dest=dest,
        json_form=json_form,
        heredocs=node.heredocs,
        from_=_str_flag(node, "from"),
        chown=_str_flag(node, "chown"),
        chmod=_str_flag(node, "chmod"),
        link=_bool_flag(node, "link"),
        excludes=_list_flag(node, "exclude"),
        parents=_bool_flag(node, "parents"),
    )


def _build_add(node: _Node, ctx: _Context) -> Add:
    sources, dest, json_form = _sources_and_dest(node, ctx)
    return Add(
        line=node.line,
        original=node.original,
        sources=sources,
        dest=dest,
        json_form=json_form,
        heredocs=node.heredocs,
        chown=_str_flag(node, "chown"),
        chmod=_str_flag(node, "chmod"),
        link=_bool_flag(node, "link"),
        excludes=_list_flag(node, "exclude"),
        checksum=_str_flag(node, "checksum"),
        keep_git_dir=_bool_flag(node, "keep-git-dir"),
    )


def _key_values(node: _Node, ctx: _Context) -> tuple[KeyValue, ...]:
    """ENV and LABEL: ``KEY value with spaces`` (old form) or ``k=v k2="v 2"`` (new form)."""
    what = node.keyword.upper()
    words = split_raw(node.rest, ctx.escape)
    if not words:
        raise ctx.error(node.line, f"{what} requires at least one argument")
    if "=" not in words[0]:
        parts = re.split(r"\s+", node.rest, maxsplit=1)
        if len(parts) < 2:
            raise ctx.error(node.line, f"{what} must have two arguments (KEY VALUE or KEY=VALUE)")
        pairs = [KeyValue(parts[0], parts[1])]
    else:
        pairs = []
        for word in words:
            key, sep, value = word.partition("=")
            if not sep:
                raise ctx.error(node.line, f"{what}: no '=' in {word!r} (expected KEY=VALUE)")
            pairs.append(KeyValue(key, value))
    for pair in pairs:
        if not pair.key:
            raise ctx.error(node.line, f"{what} names can not be blank")
        _checked(pair.key, node, ctx)
        _checked(pair.value, node, ctx)
    return tuple(pairs)


def _build_env(node: _Node, ctx: _Context) -> Env:
    return Env(line=node.line, original=node.original, pairs=_key_values(node, ctx))


def _build_label(node: _Node, ctx: _Context) -> Label:
    return Label(line=node.line, original=node.original, pairs=_key_values(node, ctx))


def _build_arg(node: _Node, ctx: _Context) -> Arg:
    words = split_raw(node.rest, ctx.escape)
    if not words:
        raise ctx.error(node.line, "ARG requires at least one argument")
    decls = []
    for word in words:
        name, sep, default = word.partition("=")
        if not name:
            raise ctx.error(node.line, f"ARG names can not be blank: {word!r}")
        if sep:
            _checked(default, node, ctx)
        decls.append(ArgDecl(name, default if sep else None))
    return Arg(line=node.line, original=node.original, args=tuple(decls))


def _build_expose(node: _Node, ctx: _Context) -> Expose:
    _require(node, ctx)
    ports = tuple(node.rest.split())
    for port in ports:
        if "$" in port:
            _checked(port, node, ctx)
            continue
        try:
            values.parse_port(port)
        except ValueError as exc:
            raise ctx.error(node.line, f"EXPOSE: {exc}") from None
    return Expose(line=node.line, original=node.original, ports=ports)


def _build_volume(node: _Node, ctx: _Context) -> Volume:
    _require(node, ctx)
    exec_form = _json_array(node.rest)
    paths = exec_form if exec_form is not None else tuple(node.rest.split())
    if not paths or any(not path.strip() for path in paths):
        raise ctx.error(node.line, "VOLUME specified can not be an empty string")
    return Volume(
        line=node.line, original=node.original, paths=paths, json_form=exec_form is not None
    )


def _single(node: _Node, ctx: _Context) -> str:
    _require(node, ctx, "exactly one argument")
    return _checked(node.rest, node, ctx)


def _build_workdir(node: _Node, ctx: _Context) -> Workdir:
    return Workdir(line=node.line, original=node.original, path=_single(node, ctx))


def _build_user(node: _Node, ctx: _Context) -> User:
    return User(line=node.line, original=node.original, user=_single(node, ctx))


def _build_stopsignal(node: _Node, ctx: _Context) -> StopSignal:
    return StopSignal(line=node.line, original=node.original, signal=_single(node, ctx))


def _build_maintainer(node: _Node, ctx: _Context) -> Maintainer:
    _require(node, ctx)
    return Maintainer(line=node.line, original=node.original, name=node.rest)


def _build_cmd(node: _Node, ctx: _Context) -> Cmd:
    args, shell_form = _command_form(node, ctx)
    return Cmd(line=node.line, original=node.original, args=args, shell_form=shell_form)


def _build_entrypoint(node: _Node, ctx: _Context) -> Entrypoint:
    args, shell_form = _command_form(node, ctx)
    return Entrypoint(line=node.line, original=node.original, args=args, shell_form=shell_form)


def _build_shell(node: _Node, ctx: _Context) -> Shell:
    _require(node, ctx)
    args = _json_array(node.rest)
    if args is None:
        raise ctx.error(node.line, 'SHELL requires the arguments in JSON form: ["executable", ...]')
    if not args:
        raise ctx.error(node.line, "SHELL requires at least one argument")
    return Shell(line=node.line, original=node.original, args=args)


def _duration_flag(node: _Node, name: str, ctx: _Context) -> int | None:
    text = _str_flag(node, name)
    if text is None:
        return None
    try:
        duration = values.parse_duration(text)
    except ValueError as exc:
        raise ctx.error(node.line, f"HEALTHCHECK --{name}: {exc}") from None
    if 0 < duration < 1_000_000:
        raise ctx.error(node.line, f"HEALTHCHECK --{name} cannot be less than 1ms")
    return duration


def _build_healthcheck(node: _Node, ctx: _Context) -> Healthcheck:
    _require(node, ctx)
    kind, _, command = node.rest.partition(" ")
    kind, command = kind.upper(), command.strip()
    if kind == "NONE":
        if command or node.flags:
            raise ctx.error(node.line, "HEALTHCHECK NONE takes no arguments and no options")
        return Healthcheck(line=node.line, original=node.original, none=True)
    if kind != "CMD":
        raise ctx.error(node.line, f"unknown type {kind!r} in HEALTHCHECK (use CMD or NONE)")
    if not command:
        raise ctx.error(node.line, "missing command after HEALTHCHECK CMD")
    exec_form = _json_array(command)
    retries_text = _str_flag(node, "retries")
    retries = None
    if retries_text is not None:
        if not retries_text.lstrip("-").isdigit():
            raise ctx.error(node.line, f"HEALTHCHECK --retries: invalid number {retries_text!r}")
        retries = int(retries_text)
        if retries < 0:
            raise ctx.error(node.line, "HEALTHCHECK --retries cannot be negative")
    return Healthcheck(
        line=node.line,
        original=node.original,
        args=exec_form if exec_form is not None else (command,),
        shell_form=exec_form is None,
        interval=_duration_flag(node, "interval", ctx),
        timeout=_duration_flag(node, "timeout", ctx),
        start_period=_duration_flag(node, "start-period", ctx),
        start_interval=_duration_flag(node, "start-interval", ctx),
        retries=retries,
    )


def _build_onbuild(node: _Node, ctx: _Context) -> OnBuild:
    _require(node, ctx)
    inner = _node(node.rest, node.line, None, ctx, heredocs_allowed=False)
    if inner.command in _ONBUILD_FORBIDDEN:
        if inner.command == "onbuild":
            raise ctx.error(node.line, "ONBUILD ONBUILD isn't allowed")
        raise ctx.error(node.line, f"{inner.keyword.upper()} isn't allowed as an ONBUILD trigger")
    return OnBuild(
        line=node.line, original=node.original, expression=node.rest, trigger=_build(inner, ctx)
    )


_BUILDERS: Mapping[str, Callable[[_Node, _Context], Instruction]] = {
    "add": _build_add,
    "arg": _build_arg,
    "cmd": _build_cmd,
    "copy": _build_copy,
    "entrypoint": _build_entrypoint,
    "env": _build_env,
    "expose": _build_expose,
    "from": _build_from,
    "healthcheck": _build_healthcheck,
    "label": _build_label,
    "maintainer": _build_maintainer,
    "onbuild": _build_onbuild,
    "run": _build_run,
    "shell": _build_shell,
    "stopsignal": _build_stopsignal,
    "user": _build_user,
    "volume": _build_volume,
    "workdir": _build_workdir,
}
