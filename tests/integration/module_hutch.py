"""One hutch for a whole test module, for modules whose tests share what they make
once (the conftest's ``hutch`` is one per test)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Hutch, HutchEnv, rootless_problems, teardown


def module_hutch(factory: pytest.TempPathFactory, name: str, rootfs: Path) -> Iterator[Hutch]:
    """The body of a module-scoped ``hutch`` fixture: an environment of its own with
    ``rootfs`` imported as ``base``, torn down (and its leftovers failed) at the end."""
    problems = rootless_problems()
    if problems:
        pytest.skip("cannot run hutch rootless: " + "; ".join(problems))
    env = HutchEnv.create(factory.mktemp(name))
    h = Hutch(env)
    h("import", str(rootfs), "base")
    yield h
    left = teardown(env, h)
    if left:
        pytest.fail("teardown:\n  " + "\n  ".join(left), pytrace=False)
