"""The Docker/OCI seccomp profile format, parsed into typed rules.

Accepted: ``defaultAction``, ``defaultErrnoRet``, ``architectures``,
``archMap`` (sub-architectures of the native one), and ``syscalls`` entries
with ``names`` (or the old ``name``), ``action``, ``errnoRet``, ``args``
(``index``, ``value``, ``valueTwo``, ``op``) and ``includes``/``excludes``
on capabilities and architectures. ``resolve`` keeps the rules that apply
to one container (its capabilities, the machine's architecture).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hutch.api.errors import InvalidArgument

ACTIONS = (
    "SCMP_ACT_KILL",
    "SCMP_ACT_KILL_THREAD",
    "SCMP_ACT_KILL_PROCESS",
    "SCMP_ACT_TRAP",
    "SCMP_ACT_ERRNO",
    "SCMP_ACT_TRACE",
    "SCMP_ACT_ALLOW",
    "SCMP_ACT_LOG",
)
OPERATORS = (
    "SCMP_CMP_NE",
    "SCMP_CMP_LT",
    "SCMP_CMP_LE",
    "SCMP_CMP_EQ",
    "SCMP_CMP_GE",
    "SCMP_CMP_GT",
    "SCMP_CMP_MASKED_EQ",
)
EPERM = 1
# Architecture names of the profile format -> libseccomp's names.
ARCHITECTURES = {
    "SCMP_ARCH_X86": "x86",
    "SCMP_ARCH_X86_64": "x86_64",
    "SCMP_ARCH_X32": "x32",
    "SCMP_ARCH_ARM": "arm",
    "SCMP_ARCH_AARCH64": "aarch64",
}
# uname machine -> the profile architectures that machine runs natively.
NATIVE_FAMILY = {
    "x86_64": ("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
    "aarch64": ("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"),
}
_U64 = (1 << 64) - 1


@dataclass(frozen=True)
class Arg:
    index: int
    op: str
    value: int
    value_two: int = 0


@dataclass(frozen=True)
class Rule:
    names: tuple[str, ...]
    action: str
    errno: int | None = None
    args: tuple[Arg, ...] = ()
    include_caps: tuple[str, ...] = ()
    exclude_caps: tuple[str, ...] = ()
    include_arches: tuple[str, ...] = ()
    exclude_arches: tuple[str, ...] = ()


@dataclass(frozen=True)
class Profile:
    default_action: str
    default_errno: int | None
    architectures: tuple[str, ...]
    rules: tuple[Rule, ...]


class ProfileError(InvalidArgument):
    pass


def _fail(source: str, message: str) -> ProfileError:
    return ProfileError(f"seccomp profile {source}: {message}")


def loads(text: str | bytes, source: str = "") -> Profile:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise _fail(source, f"invalid JSON: {exc}") from exc
    return from_dict(data, source)


def from_dict(data: Any, source: str = "") -> Profile:
    if not isinstance(data, dict):
        raise _fail(source, "the top level must be a JSON object")
    default = _action(data.get("defaultAction"), source, "defaultAction")
    arches: list[str] = []
    for name in _list(data.get("architectures", []), source, "architectures"):
        arches.append(_arch(name, source))
    for entry in _list(data.get("archMap", []) or [], source, "archMap"):
        if not isinstance(entry, dict):
            raise _fail(source, "archMap entries must be objects")
        arches.append(_arch(entry.get("architecture"), source))
        arches += [
            _arch(a, source)
            for a in _list(entry.get("subArchitectures", []) or [], source, "subArchitectures")
        ]
    rules = tuple(
        _rule(entry, source, i)
        for i, entry in enumerate(_list(data.get("syscalls", []) or [], source, "syscalls"))
    )
    return Profile(
        default_action=default,
        default_errno=_errno(data.get("defaultErrnoRet"), source),
        architectures=tuple(dict.fromkeys(arches)),
        rules=rules,
    )


def _list(value: Any, source: str, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(source, f"{what} must be a list")
    return value


def _action(value: Any, source: str, what: str) -> str:
    if value == "SCMP_ACT_NOTIFY":
        raise _fail(source, f"{what}: SCMP_ACT_NOTIFY needs a listener, which hutch does not run")
    if value not in ACTIONS:
        raise _fail(source, f"{what}: unknown action {value!r}")
    return str(value)


def _arch(value: Any, source: str) -> str:
    if value not in ARCHITECTURES:
        # Architectures hutch never runs on are accepted and ignored, so
        # that Docker's own default profile (with mips, ppc, s390...) loads.
        if isinstance(value, str) and value.startswith("SCMP_ARCH_"):
            return value
        raise _fail(source, f"unknown architecture {value!r}")
    return str(value)


def _errno(value: Any, source: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 4095:
        raise _fail(source, f"invalid errnoRet {value!r}")
    return value


def _int(value: Any, source: str, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= _U64:
        raise _fail(source, f"{what} must be an unsigned 64-bit number, not {value!r}")
    return value


def _rule(entry: Any, source: str, i: int) -> Rule:
    where = f"syscalls[{i}]"
    if not isinstance(entry, dict):
        raise _fail(source, f"{where} must be an object")
    names = entry.get("names")
    if names is None and "name" in entry:
        names = [entry["name"]]
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
        raise _fail(source, f"{where}: names must be a non-empty list of system call names")
    args = []
    for j, arg in enumerate(_list(entry.get("args", []) or [], source, f"{where}.args")):
        if not isinstance(arg, dict):
            raise _fail(source, f"{where}.args[{j}] must be an object")
        index = _int(arg.get("index"), source, f"{where}.args[{j}].index")
        if index > 5:
            raise _fail(source, f"{where}.args[{j}].index must be 0..5")
        op = arg.get("op")
        if op not in OPERATORS:
            raise _fail(source, f"{where}.args[{j}]: unknown op {op!r}")
        args.append(
            Arg(
                index=index,
                op=str(op),
                value=_int(arg.get("value", 0), source, f"{where}.args[{j}].value"),
                value_two=_int(arg.get("valueTwo", 0), source, f"{where}.args[{j}].valueTwo"),
            )
        )
    includes = _filter(entry.get("includes"), source, where)
    excludes = _filter(entry.get("excludes"), source, where)
    return Rule(
        names=tuple(names),
        action=_action(entry.get("action"), source, f"{where}.action"),
        errno=_errno(entry.get("errnoRet"), source),
        args=tuple(args),
        include_caps=includes[0],
        exclude_caps=excludes[0],
        include_arches=includes[1],
        exclude_arches=excludes[1],
    )


def _filter(value: Any, source: str, where: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if value is None:
        return (), ()
    if not isinstance(value, dict):
        raise _fail(source, f"{where}: includes/excludes must be objects")
    caps = _list(value.get("caps", []) or [], source, f"{where} caps")
    arches = _list(value.get("arches", []) or [], source, f"{where} arches")
    if not all(isinstance(c, str) for c in caps + arches):
        raise _fail(source, f"{where}: caps and arches must be strings")
    # Docker's profiles name arches without the prefix ("amd64", "arm64").
    return tuple(caps), tuple(arches)


_DOCKER_ARCH = {"amd64": "x86_64", "arm64": "aarch64", "386": "x86", "x32": "x32"}


def applies(rule: Rule, caps: frozenset[str], machine: str) -> bool:
    """Whether a rule applies to a process with ``caps`` on ``machine``."""
    arch_names = {machine} | {k for k, v in _DOCKER_ARCH.items() if v == machine}
    if rule.include_caps and not set(rule.include_caps) <= caps:
        return False
    if rule.exclude_caps and set(rule.exclude_caps) & caps:
        return False
    if rule.include_arches and not arch_names & set(rule.include_arches):
        return False
    return not (rule.exclude_arches and arch_names & set(rule.exclude_arches))


def native_architectures(profile: Profile, machine: str) -> tuple[str, ...]:
    """The libseccomp names of the profile's architectures this machine can run."""
    family = NATIVE_FAMILY.get(machine, ())
    return tuple(ARCHITECTURES[a] for a in profile.architectures if a in family)
