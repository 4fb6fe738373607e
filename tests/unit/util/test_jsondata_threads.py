"""``from_data`` used by several threads at once (compose starts services in
threads, and each reads container records): the converter of a class is
filled lazily, and a thread must never see it half filled."""

from __future__ import annotations

import dataclasses
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from hutch.util.jsondata import from_data, to_data


@pytest.fixture
def frequent_switches() -> Iterator[None]:
    # The race needs a thread switch inside the first fill; make them frequent.
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def _fresh_class(index: int) -> type:
    # A new class each round: the converter cache would otherwise be warm.
    # Each field of a new class too, so that filling the table takes a while.
    fields = [
        (f"f{i}", dataclasses.make_dataclass(f"In{index}_{i}", [("a", int, 0)], frozen=True))
        for i in range(40)
    ]
    return dataclasses.make_dataclass(f"Wide{index}", fields, frozen=True)


def test_threads_decoding_a_new_class_at_once_all_succeed(frequent_switches: None) -> None:
    errors: list[BaseException] = []
    for round_ in range(30):
        cls = _fresh_class(round_)
        kinds = {f.name: f.type for f in dataclasses.fields(cls)}
        value = to_data(cls(**{name: kind(i) for i, (name, kind) in enumerate(kinds.items())}))
        start = threading.Barrier(8)

        def decode(
            cls: type = cls, value: object = value, start: threading.Barrier = start
        ) -> None:
            start.wait()
            try:
                built: Any = from_data(cls, value)
                assert built.f39.a == 39
            except BaseException as exc:  # collected, and reported below
                errors.append(exc)

        threads = [threading.Thread(target=decode) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
