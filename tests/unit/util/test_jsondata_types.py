"""The field types jsondata decodes by are typing.get_type_hints's own, for every class
that hutch decodes records into (the spec, a container's and a pod's config) and for
the cases it leaves to get_type_hints."""

from __future__ import annotations

import dataclasses
import typing
from typing import Annotated, Any

import pytest

from hutch.engine.container_record import ContainerConfig
from hutch.engine.pod_record import PodConfig
from hutch.runtime.spec import Spec
from hutch.util import jsondata


def _reachable(root: type) -> list[type]:
    seen: list[type] = []
    todo: list[Any] = [root]
    while todo:
        tp = todo.pop()
        if dataclasses.is_dataclass(tp) and isinstance(tp, type):
            if tp in seen:
                continue
            seen.append(tp)
            todo += typing.get_type_hints(tp).values()
        else:
            todo += typing.get_args(tp)
    return seen


def _hints(cls: type) -> dict[str, Any]:
    init = {f.name for f in dataclasses.fields(cls) if f.init}
    return {k: v for k, v in typing.get_type_hints(cls).items() if k in init}


def _normal(tp: Any) -> Any:
    return type(None) if tp is None else tp  # get_type_hints's NoneType for "None"


@pytest.mark.parametrize("root", [Spec, ContainerConfig, PodConfig])
def test_each_record_class_gets_get_type_hints_types(root: type) -> None:
    classes = _reachable(root)
    assert len(classes) > 3
    for cls in classes:
        ours = {k: _normal(v) for k, v in jsondata._field_types(cls).items()}
        assert ours == _hints(cls), cls.__name__


@dataclasses.dataclass(frozen=True)
class _Base:
    inherited: int = 0


@dataclasses.dataclass(frozen=True)
class _Odd(_Base):
    # a field named as a class of the module: the module's name wins in an annotation,
    # as get_type_hints's rule has it
    _Later: int = 0
    later: _Later | None = None
    quoted: tuple["_Later", ...] = ()  # noqa: UP037 - a quoted name: left to get_type_hints
    extra: Annotated[int, "unit"] = 0  # extras get_type_hints strips


@dataclasses.dataclass(frozen=True)
class _Later:
    n: int = 0


def test_inherited_shadowed_quoted_and_annotated_fields_as_get_type_hints() -> None:
    assert jsondata._field_types(_Odd) == _hints(_Odd)
    assert _hints(_Odd)["later"] == _Later | None
    # (``quoted`` left empty: get_type_hints of Python 3.10 leaves its "_Later" a string)
    value = _Odd(1, 2, _Later(3), (), 5)
    assert jsondata.from_data(_Odd, jsondata.to_data(value)) == value


@pytest.mark.parametrize(
    ("module", "root"),
    [
        ("hutch.runtime.spec", "Spec"),
        ("hutch.engine.container_record", "ContainerConfig"),
    ],  # not PodConfig: api.pods imports typing for its protocol
)
def test_decoding_a_record_loads_no_typing(module: str, root: str) -> None:
    # issue 16: the decode asked typing for get_origin and get_args alone, 3 to 5 ms
    # of every command that reads a record; it answers them itself where typing made
    # none of the types (the walk above holds its answers equal to get_type_hints')
    import subprocess
    import sys

    probe = (
        "import importlib, sys, dataclasses\n"
        "from hutch.util import jsondata\n"
        f"cls = getattr(importlib.import_module({module!r}), {root!r})\n"
        "jsondata.prepare(cls)\n"
        "print('typing' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["False"], done.stderr


@dataclasses.dataclass(frozen=True)
class _Inner:
    x: int


@dataclasses.dataclass(frozen=True)
class _Unions:
    optional: typing.Optional[_Inner] = None  # noqa: UP045 - typing's spelling is the case
    union: typing.Union[_Inner, None] = None  # noqa: UP007
    bar: _Inner | None = None


def test_a_union_decodes_however_it_is_spelled() -> None:
    # typing's Optional and Union (origin typing.Union) as the | of an annotation's text
    value = {"optional": {"x": 1}, "union": {"x": 2}, "bar": {"x": 3}}
    assert jsondata.from_data(_Unions, value) == _Unions(_Inner(1), _Inner(2), _Inner(3))
    assert jsondata.from_data(_Unions, {"optional": None}) == _Unions()
