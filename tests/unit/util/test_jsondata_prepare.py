"""``prepare``: the type walk of a class's first decode, done ahead of it (the
prespawned monitor does it for the spec while it waits for its options)."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from hutch.util.jsondata import from_data, prepare, to_data


@dataclasses.dataclass(frozen=True)
class Leaf:
    name: str = ""


@dataclasses.dataclass(frozen=True)
class Node:
    leaves: tuple[Leaf, ...] = ()
    by_name: dict[str, Leaf] = dataclasses.field(default_factory=dict)
    child: Node | None = None  # a class that holds itself


def test_after_prepare_a_first_decode_walks_no_type(monkeypatch: pytest.MonkeyPatch) -> None:
    prepare(Node)

    def no_walk(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a type walk after prepare")

    monkeypatch.setattr(typing, "get_type_hints", no_walk)
    value = Node((Leaf("a"),), {"b": Leaf("b")}, Node((Leaf("c"),)))
    assert from_data(Node, to_data(value)) == value


def test_prepare_twice_and_a_decode_between_give_the_same_objects() -> None:
    @dataclasses.dataclass(frozen=True)
    class Local:
        n: int = 0
        leaf: Leaf = Leaf()

    value = Local(3, Leaf("x"))
    assert from_data(Local, to_data(value)) == value
    prepare(Local)
    prepare(Local)
    assert from_data(Local, to_data(value)) == value
