"""The completion words of --cap-add/--cap-drop name every capability the kernel's
table does (hutch/linux/caps.py), and no other."""

from __future__ import annotations

from hutch.api.capnames import CAPABILITY_WORDS
from hutch.api.container_flags import flags_of
from hutch.linux.caps import CAPABILITIES


def test_the_words_are_the_kernels_capabilities_and_all() -> None:
    assert CAPABILITY_WORDS[0] == "ALL"
    names = CAPABILITY_WORDS[1:]
    assert len(set(names)) == len(names)
    assert {f"CAP_{name}" for name in names} == set(CAPABILITIES)


def test_cap_add_and_cap_drop_complete_them() -> None:
    by_name = {flag.name: flag for flag in flags_of("run")}
    assert by_name["--cap-add"].values == by_name["--cap-drop"].values == CAPABILITY_WORDS
