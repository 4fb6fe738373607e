"""Names of clones (podman's container clone and pod clone)."""

from __future__ import annotations

import pytest

from hutch.util.ids import clone_name


@pytest.mark.parametrize(
    ("name", "taken", "want"),
    [
        ("web", set(), "web-clone"),
        ("web", {"web-clone"}, "web-clone1"),
        ("web", {"web-clone", "web-clone1", "web-clone2"}, "web-clone3"),
        # a clone's clone counts on (podman does not make web-clone-clone)
        ("web-clone", set(), "web-clone1"),
        ("web-clone", {"web-clone1"}, "web-clone2"),
        ("web-clone3", set(), "web-clone4"),
        ("web-clone3", {"web-clone4"}, "web-clone5"),
        ("web-clone0", set(), "web-clone1"),
        # not a number after -clone: one is added
        ("a-clone-x", set(), "a-clone-x1"),
        ("a-clone-x", {"a-clone-x1"}, "a-clone-x2"),
    ],
)
def test_clone_names_are_podmans(name: str, taken: set[str], want: str) -> None:
    assert clone_name(name, taken) == want


def test_ids_and_names_need_no_openssl() -> None:
    """run and create make both: secrets (hmac, OpenSSL's _hashlib) cost each start."""
    import subprocess
    import sys
    from pathlib import Path

    src = Path(__file__).resolve().parents[3] / "src"
    code = (
        "import sys, hutch.util.ids as i; i.new_id(); i.random_name(); print(sorted(sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-S", "-c", code],
        env={"PYTHONPATH": str(src), "HUTCH_NO_CODE_CACHE": "1"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "_hashlib" not in out and "'secrets'" not in out, out


def test_random_names_spread_over_the_words() -> None:
    from hutch.util import ids

    names = {ids.random_name().split("_")[0] for _ in range(400)}
    assert len(names) > 5
    assert all(0 <= ids._below(7) < 7 for _ in range(200))
