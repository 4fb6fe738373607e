"""Typed Containerfile instructions, as the parser hands them to the builder.

Every value is the raw text of the file: nothing is substituted yet, and
quotes are still in place where Docker's lexer would remove them later (ENV
and LABEL values, ARG defaults, COPY sources). The builder passes those words
through :func:`hutch.build.substitute.substitute` with the ARG and ENV values
in force at each step. Durations are nanoseconds, as in an OCI image config.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Heredoc:
    """One ``<<NAME`` document: its body, and whether variables in it are expanded."""

    name: str
    content: str
    expand: bool
    chomp_tabs: bool
    fd: int | None = None  # ``3<<EOF`` feeds the document to that descriptor of RUN


@dataclass(frozen=True, kw_only=True)
class Instruction:
    """What every instruction has: where it starts and what it said."""

    line: int
    original: str


@dataclass(frozen=True, kw_only=True)
class From(Instruction):
    image: str
    name: str | None = None
    platform: str | None = None


@dataclass(frozen=True)
class Mount:
    """One ``RUN --mount=...``; ``None`` leaves the field to the mount type's default."""

    type: str = "bind"
    target: str | None = None
    source: str | None = None
    from_: str | None = None
    id: str | None = None
    readonly: bool | None = None
    sharing: str | None = None
    mode: int | None = None
    uid: int | None = None
    gid: int | None = None
    size: int | None = None
    required: bool | None = None
    env: str | None = None


@dataclass(frozen=True, kw_only=True)
class Run(Instruction):
    args: tuple[str, ...]
    shell_form: bool
    heredocs: tuple[Heredoc, ...] = ()
    mounts: tuple[Mount, ...] = ()
    mount_specs: tuple[str, ...] = ()  # raw flag values, for re-parsing after substitution
    network: str | None = None
    security: str | None = None


@dataclass(frozen=True, kw_only=True)
class Copy(Instruction):
    sources: tuple[str, ...]
    dest: str
    json_form: bool = False
    heredocs: tuple[Heredoc, ...] = ()
    from_: str | None = None
    chown: str | None = None
    chmod: str | None = None
    link: bool = False
    excludes: tuple[str, ...] = ()
    parents: bool = False


@dataclass(frozen=True, kw_only=True)
class Add(Instruction):
    sources: tuple[str, ...]
    dest: str
    json_form: bool = False
    heredocs: tuple[Heredoc, ...] = ()
    chown: str | None = None
    chmod: str | None = None
    link: bool = False
    excludes: tuple[str, ...] = ()
    checksum: str | None = None
    keep_git_dir: bool = False


@dataclass(frozen=True)
class KeyValue:
    key: str
    value: str


@dataclass(frozen=True, kw_only=True)
class Env(Instruction):
    pairs: tuple[KeyValue, ...]


@dataclass(frozen=True, kw_only=True)
class Label(Instruction):
    pairs: tuple[KeyValue, ...]


@dataclass(frozen=True)
class ArgDecl:
    name: str
    default: str | None = None


@dataclass(frozen=True, kw_only=True)
class Arg(Instruction):
    args: tuple[ArgDecl, ...]


@dataclass(frozen=True)
class PortSpec:
    """``8080``, ``53/udp`` or ``8000-8010/tcp`` after substitution."""

    start: int
    end: int
    protocol: str = "tcp"


@dataclass(frozen=True, kw_only=True)
class Expose(Instruction):
    ports: tuple[str, ...]  # raw words; parse each with parser.parse_port after substitution


@dataclass(frozen=True, kw_only=True)
class Volume(Instruction):
    paths: tuple[str, ...]
    json_form: bool = False


@dataclass(frozen=True, kw_only=True)
class Workdir(Instruction):
    path: str


@dataclass(frozen=True, kw_only=True)
class User(Instruction):
    user: str


@dataclass(frozen=True, kw_only=True)
class Entrypoint(Instruction):
    args: tuple[str, ...]
    shell_form: bool


@dataclass(frozen=True, kw_only=True)
class Cmd(Instruction):
    args: tuple[str, ...]
    shell_form: bool


@dataclass(frozen=True, kw_only=True)
class Shell(Instruction):
    args: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Healthcheck(Instruction):
    """``HEALTHCHECK NONE`` has ``none=True`` and no command."""

    none: bool = False
    args: tuple[str, ...] = ()
    shell_form: bool = False
    interval: int | None = None
    timeout: int | None = None
    start_period: int | None = None
    start_interval: int | None = None
    retries: int | None = None


@dataclass(frozen=True, kw_only=True)
class StopSignal(Instruction):
    signal: str


@dataclass(frozen=True, kw_only=True)
class Maintainer(Instruction):
    name: str


@dataclass(frozen=True, kw_only=True)
class OnBuild(Instruction):
    """``expression`` is the trigger text stored in the image config's OnBuild list."""

    expression: str
    trigger: Instruction


@dataclass(frozen=True)
class Stage:
    index: int
    name: str | None
    base: str
    platform: str | None
    from_instruction: From
    instructions: tuple[Instruction, ...]


@dataclass(frozen=True)
class Containerfile:
    filename: str
    directives: Mapping[str, str]
    escape: str
    global_args: tuple[Arg, ...]
    stages: tuple[Stage, ...]

    def stage(self, name_or_index: str | int) -> Stage:
        """The stage called so (case-insensitive) or with that index; KeyError if none."""
        if isinstance(name_or_index, int):
            return self.stages[name_or_index]
        wanted = name_or_index.lower()
        for stage in self.stages:
            if stage.name == wanted:
                return stage
        raise KeyError(name_or_index)
