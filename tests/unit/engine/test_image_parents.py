from __future__ import annotations

from hutch.engine.image_parents import Lineage, parents


def test_layers_or_history_extended_make_a_child() -> None:
    base = Lineage("base", ("l1",), 1)
    run = Lineage("run", ("l1", "l2"), 2)
    label = Lineage("label", ("l1", "l2"), 3)  # a step that adds no layer
    other = Lineage("other", ("x1", "l2"), 5)
    twin = Lineage("twin", ("l1",), 1)  # same layers and history: not a child
    assert parents([base, run, label, other, twin]) == {"base", "twin", "run"}


def test_no_layers_no_parent() -> None:
    assert parents([Lineage("list", (), 0), Lineage("img", ("l1",), 1)]) == set()
