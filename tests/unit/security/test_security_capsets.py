"""Capability sets as podman computes them, and capability name parsing."""

from __future__ import annotations

import pytest

from hutch.api.errors import InvalidArgument
from hutch.linux.caps import DEFAULT_CAPABILITIES
from hutch.runtime.capsets import compute, is_non_root, parse_names


def _sets(**kw: object) -> object:
    args = {"cap_add": (), "cap_drop": (), "privileged": False, "non_root": False, "last_cap": 40}
    args.update(kw)
    return compute(**args)  # type: ignore[arg-type]


def test_root_gets_default_set_as_bounding_effective_permitted() -> None:
    sets = compute(cap_add=(), cap_drop=(), privileged=False, non_root=False, last_cap=40)
    assert set(sets.bounding) == set(DEFAULT_CAPABILITIES)
    assert sets.effective == sets.permitted == sets.bounding
    assert sets.inheritable == () and sets.ambient == ()


def test_non_root_gets_nothing_but_the_added() -> None:
    plain = compute(cap_add=(), cap_drop=(), privileged=False, non_root=True, last_cap=40)
    assert set(plain.bounding) == set(DEFAULT_CAPABILITIES)
    assert plain.effective == plain.permitted == plain.ambient == ()
    added = compute(
        cap_add=("net_admin",), cap_drop=(), privileged=False, non_root=True, last_cap=40
    )
    assert added.effective == added.permitted == added.inheritable == added.ambient
    assert added.ambient == ("CAP_NET_ADMIN",)
    assert "CAP_NET_ADMIN" in added.bounding


def test_add_and_drop_accept_any_spelling_and_commas() -> None:
    sets = compute(
        cap_add=("CAP_SYS_ADMIN,net_raw",),
        cap_drop=("chown", "CAP_KILL"),
        privileged=False,
        non_root=False,
        last_cap=40,
    )
    assert {"CAP_SYS_ADMIN", "CAP_NET_RAW"} <= set(sets.bounding)
    assert not {"CAP_CHOWN", "CAP_KILL"} & set(sets.bounding)


def test_drop_all_then_add_keeps_only_the_added() -> None:
    sets = compute(
        cap_add=("SETUID",), cap_drop=("ALL",), privileged=False, non_root=False, last_cap=40
    )
    assert sets.bounding == ("CAP_SETUID",)


def test_privileged_and_add_all_give_every_known_capability() -> None:
    priv = compute(cap_add=(), cap_drop=(), privileged=True, non_root=False, last_cap=37)
    assert len(priv.bounding) == 38 and "CAP_PERFMON" not in priv.bounding
    every = compute(cap_add=("ALL",), cap_drop=(), privileged=False, non_root=False, last_cap=40)
    assert len(every.bounding) == 41


def test_unknown_capability_is_refused() -> None:
    with pytest.raises(InvalidArgument, match='"CAP_NET_FOO": unknown capability'):
        parse_names(("NET_FOO",), "--cap-add")


@pytest.mark.parametrize(
    ("user", "expected"),
    [("", False), ("root", False), ("0:0", False), ("1000", True), ("app:g", True)],
)
def test_podman_rule_for_non_root(user: str, expected: bool) -> None:
    assert is_non_root(user) is expected
