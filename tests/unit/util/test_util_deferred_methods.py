"""Dataclass methods made at their first use: the same functions, never made unused."""

from __future__ import annotations

import abc
import dataclasses
import inspect
import sys
from pathlib import Path

import pytest

from hutch.util import codecache, deferred_methods

# 3.13 has no _create_fn (deferred_methods.py): its classes are made as they were,
# which these tests check there instead (a skip would count as a failure in CI)
DEFERS = sys.version_info < (3, 13)
NAMES = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__")


def _make() -> type:
    @dataclasses.dataclass(frozen=True)
    class Point:
        x: int
        y: int = 2
        tags: tuple[str, ...] = dataclasses.field(default_factory=tuple)
        note: str = dataclasses.field(default="", compare=False, repr=False)

    return Point


def _eager(monkeypatch: pytest.MonkeyPatch) -> type:
    """The class as ``dataclasses`` makes it without the deferral."""
    if not DEFERS:
        return _make()
    with monkeypatch.context() as m:
        m.setattr(dataclasses, "_create_fn", dataclasses._create_fn.original)  # type: ignore[attr-defined]
        m.setattr(dataclasses, "_recursive_repr", dataclasses._recursive_repr.original)  # type: ignore[attr-defined]
        return _make()


def test_this_python_is_the_shape_it_relies_on() -> None:
    # The package installed it when dataclasses loaded (util/codecache.py): if this
    # fails, a Python release changed dataclasses; every class still works (made
    # eagerly), only slower to define.
    assert deferred_methods.install(dataclasses) is DEFERS
    deferring = hasattr(getattr(dataclasses, "_create_fn", None), "original")
    assert deferring is DEFERS


def test_a_default_before_a_field_without_one_is_refused_at_the_class() -> None:
    # _init_fn checks the order of the defaults before it asks for the method's
    # code: deferring the compile leaves the error where it was, at the class
    with pytest.raises(TypeError, match="non-default argument 'y' follows default argument"):

        @dataclasses.dataclass
        class Bad:
            x: int = 1
            y: int  # type: ignore[misc]

    @dataclasses.dataclass
    class Fine:  # keyword-only and init=False fields may follow a default
        x: int = 1
        y: int = dataclasses.field(default=0, init=False)
        z: int = dataclasses.field(kw_only=True)

    assert (Fine(z=3).x, Fine(z=3).y) == (1, 0)


def test_the_class_holds_stand_ins_until_each_method_is_used() -> None:
    point = _make()
    deferred = [isinstance(point.__dict__[n], deferred_methods.DeferredMethod) for n in NAMES]
    assert deferred == [DEFERS] * len(NAMES)
    p = point(1)
    assert inspect.isfunction(point.__dict__["__init__"])
    assert isinstance(point.__dict__["__eq__"], deferred_methods.DeferredMethod) is DEFERS
    assert p == point(1, 2, (), "other note") and p != point(1, 3)
    assert inspect.isfunction(point.__dict__["__eq__"])


def test_the_methods_made_are_those_dataclasses_makes(monkeypatch: pytest.MonkeyPatch) -> None:
    eager, deferred = _eager(monkeypatch), _make()
    assert all(inspect.isfunction(eager.__dict__[n]) for n in NAMES)
    for name in NAMES:
        made, want = getattr(deferred, name), getattr(eager, name)
        for attribute in ("__name__", "__qualname__", "__defaults__", "__kwdefaults__"):
            assert getattr(made, attribute) == getattr(want, attribute), (name, attribute)
        assert made.__annotations__ == want.__annotations__
        assert made.__code__.co_code == want.__code__.co_code, name
        assert made.__module__ == want.__module__ == __name__
        assert deferred.__dict__[name] is made  # put in the class in place of the stand-in
    assert deferred.__repr__.__wrapped__.__name__ == "__repr__"  # the recursion guard
    assert str(inspect.signature(deferred)) == str(inspect.signature(eager))
    assert deferred.__doc__ == eager.__doc__


def test_the_instances_behave_as_dataclasses_makes_them(monkeypatch: pytest.MonkeyPatch) -> None:
    for point in (_eager(monkeypatch), _make()):
        p = point(1, tags=("a",), note="n")
        assert repr(p).endswith("Point(x=1, y=2, tags=('a',))")
        assert hash(p) == hash(point(1, 2, ("a",)))
        with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'x'"):
            setattr(p, "x", 5)  # noqa: B010 - the frozen check, not typing
        with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'y'"):
            delattr(p, "y")
        with pytest.raises(TypeError, match="missing 1 required positional argument"):
            point()
        assert dataclasses.replace(p, y=7) == point(1, 7, ("a",))


def test_a_recursive_repr_is_guarded() -> None:
    @dataclasses.dataclass
    class Node:
        children: list[Node]

    node = Node([])
    node.children.append(node)
    assert repr(node).endswith("Node(children=[...])")


def test_a_method_first_read_through_a_subclass_goes_to_the_class_that_holds_it() -> None:
    point = _make()

    class Named(point):  # type: ignore[misc,valid-type]
        def __init__(self, name: str) -> None:
            super().__init__(len(name))

    @dataclasses.dataclass(frozen=True)
    class Labelled(point):  # type: ignore[misc,valid-type]
        label: str = "l"

    assert Named("abc").x == 3
    made = point.__dict__["__init__"]  # in the dataclass, where the stand-in was
    assert inspect.isfunction(made) and made.__qualname__.endswith("Point.__init__")
    assert Named.__dict__["__init__"] is not made  # the subclass keeps its own
    labelled = Labelled(1, label="m")
    assert (labelled.x, labelled.label) == (1, "m")
    assert Labelled.__init__.__qualname__.endswith("Labelled.__init__")
    assert labelled != point(1)  # the classes differ, as __eq__ makes it


def test_abstract_bases_see_no_abstract_stand_in() -> None:
    class Shape(abc.ABC):
        @abc.abstractmethod
        def area(self) -> int: ...

    @dataclasses.dataclass(frozen=True)
    class Square(Shape):
        side: int

        def area(self) -> int:
            return self.side * self.side

    assert Square(3).area() == 9


def test_a_method_never_used_is_never_compiled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = codecache.CodeCache(str(tmp_path / "code.bin"))
    monkeypatch.setattr(dataclasses, "exec", codecache.make_exec(cache), raising=False)
    point = _make()
    if not DEFERS:  # all six at the decorator (3.13: in one text)
        assert cache.added == 1
        return
    assert cache.added == 0
    point(1)
    assert cache.added == 1  # __init__ alone
    assert point(1) == point(1)
    assert cache.added == 2
