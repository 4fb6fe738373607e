"""Options objects built from flag values, by the tables of api/container_flags.py
and api/pod_flags.py.

A front end hands over one value per flag of the command (keyed by
``Flag.key``, as parsed: a repeated flag's list, None for not given) and gets
the frozen options the engine takes. Each value goes, through its flag's
parser, to the field the table names; a nested group (``resources.memory``)
is built from its field's ``default_factory``. Nothing is matched by a
guess: a value without a flag, a flag without a value or a field that does
not exist raises at once (tests/unit/cli/test_cli_flag_table.py runs every
flag through this).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping

from hutch.api import pod_flags
from hutch.api.container_flags import flags_of
from hutch.api.flags import Flag

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
if TYPE_CHECKING:
    from typing import Any

    from hutch.api.container_config import ResourceOptions, RunOptions
    from hutch.api.pods import PodCloneOptions, PodCreateOptions

# ``update`` fills the ``resources`` group of RunOptions on its own.
_RESOURCES = "resources."
# pod clone: the flags pod create takes too fill this PodCloneOptions group.
_CHANGES = "changes."


def run_options(verb: str, values: Mapping[str, object], /, **fixed: object) -> RunOptions:
    """RunOptions of ``run`` or ``create``; ``fixed``: fields set otherwise (the image)."""
    from hutch.api.container_config import RunOptions

    options = build(RunOptions, "", flags_of(verb), values, fixed)
    if not isinstance(options, RunOptions):
        raise TypeError(f"built {type(options).__name__}, not RunOptions")
    return options


def resource_options(values: Mapping[str, object]) -> ResourceOptions:
    """ResourceOptions of ``update``."""
    from hutch.api.container_config import ResourceOptions

    options = build(ResourceOptions, _RESOURCES, flags_of("update"), values, {})
    if not isinstance(options, ResourceOptions):
        raise TypeError(f"built {type(options).__name__}, not ResourceOptions")
    return options


def pod_create_options(values: Mapping[str, object], /, **fixed: object) -> PodCreateOptions:
    """PodCreateOptions of ``pod create``; ``fixed``: fields set otherwise."""
    from hutch.api.pods import PodCreateOptions

    options = build(PodCreateOptions, "", pod_flags.flags_of("pod create"), values, fixed)
    if not isinstance(options, PodCreateOptions):
        raise TypeError(f"built {type(options).__name__}, not PodCreateOptions")
    return options


def pod_clone_options(values: Mapping[str, object], /, **fixed: object) -> PodCloneOptions:
    """PodCloneOptions of ``pod clone``: a flag of pod create fills its field of
    ``changes``; ``fixed``: dotted paths set otherwise (``changes.name``)."""
    from hutch.api.pods import PodCloneOptions

    flags = tuple(
        dataclasses.replace(flag, field=_CHANGES + flag.field)
        if "pod create" in flag.commands
        else flag
        for flag in pod_flags.flags_of("pod clone")
    )
    options = build(PodCloneOptions, "", flags, values, fixed)
    if not isinstance(options, PodCloneOptions):
        raise TypeError(f"built {type(options).__name__}, not PodCloneOptions")
    return options


def build(
    root: Any,
    prefix: str,
    flags: Iterable[Flag],
    values: Mapping[str, object],
    fixed: Mapping[str, object],
) -> Any:
    """An instance of the dataclass ``root``; the flags' fields start with ``prefix``."""
    flags = tuple(flags)
    declared = {flag.key for flag in flags}
    if undeclared := sorted(set(values) - declared):
        raise TypeError(f"values for flags that are not declared: {undeclared}")
    if missing := sorted(declared - set(values)):
        raise TypeError(f"no values for the flags {missing}")
    groups: dict[str, dict[str, object]] = {}
    for flag in flags:
        if not flag.field.startswith(prefix):
            raise ValueError(f"{flag.name} fills {flag.field}, outside {prefix!r}")
        _put(groups, flag.field.removeprefix(prefix), flag.value(values[flag.key]))
    for path, value in fixed.items():
        _put(groups, path, value)
    return _make(root, "", groups)


def leaf_fields(root: Any, prefix: str = "") -> Iterator[str]:
    """The dotted paths of the fields of ``root`` that hold values, groups walked into."""
    for field in dataclasses.fields(root):
        factory = field.default_factory
        path = prefix + field.name
        if dataclasses.is_dataclass(factory):
            yield from leaf_fields(factory, path + ".")
        else:
            yield path


def _put(groups: dict[str, dict[str, object]], path: str, value: object) -> None:
    group, _, name = path.rpartition(".")
    groups.setdefault(group, {})[name] = value


def _make(cls: Any, path: str, groups: Mapping[str, Mapping[str, object]]) -> Any:
    kwargs = dict(groups.get(path, {}))
    for field in dataclasses.fields(cls):
        sub = f"{path}.{field.name}" if path else field.name
        if any(g == sub or g.startswith(sub + ".") for g in groups):
            if not dataclasses.is_dataclass(field.default_factory):
                raise ValueError(f"{sub} is not a group of options")
            kwargs[field.name] = _make(field.default_factory, sub, groups)
    known = {field.name for field in dataclasses.fields(cls)}
    if unknown := sorted(set(kwargs) - known):
        where = f"{cls.__name__} ({path})" if path else cls.__name__
        raise TypeError(f"{where} has no field {unknown}")
    return cls(**kwargs)
