"""The compiled default seccomp program is cached per user, keyed by its inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.engine import security
from hutch.engine.security import parse_security_opts, seccomp_program
from hutch.linux.caps import DEFAULT_CAPABILITIES


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's cache of programs (empty)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "hutch" / "seccomp"


def default_program(capabilities: tuple[str, ...] = DEFAULT_CAPABILITIES) -> str:
    return seccomp_program(parse_security_opts(()), capabilities, False)


def test_program_is_cached_and_reused(cache: Path) -> None:
    first = default_program()
    cached = list(cache.glob("*.bpf"))
    assert len(cached) == 1
    # A hit returns the cached bytes: prove it by changing them.
    cached[0].write_bytes(b"\x00" * 8)
    assert default_program() == "AAAAAAAAAAA="
    cached[0].unlink()
    assert default_program() == first


def test_other_capabilities_get_their_own_program(cache: Path) -> None:
    default_program()
    default_program((*DEFAULT_CAPABILITIES, "CAP_SYS_ADMIN"))
    assert len(list(cache.glob("*.bpf"))) == 2


def test_a_hit_neither_imports_nor_builds_the_default_profile(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = default_program()

    def refuse() -> None:
        raise AssertionError("the default profile was built on a hit")

    monkeypatch.setattr(security, "_default_profile", refuse)
    assert default_program() == first


def test_the_default_program_is_keyed_by_the_profile_s_source(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = default_program()
    real = security._sources

    def edited(modules: tuple[str, ...]) -> bytes:
        text = real(modules)
        return text + b"# edited" if modules == security.DEFAULT_PROFILE_MODULES else text

    monkeypatch.setattr(security, "_sources", edited)
    assert default_program() == first
    assert len(list(cache.glob("*.bpf"))) == 2
    # without readable sources the key is the profile itself: a program of its own
    monkeypatch.setattr(security, "_sources", lambda modules: b"")
    assert default_program() == first
    assert len(list(cache.glob("*.bpf"))) == 3


def test_a_profile_file_gets_its_own_program(cache: Path, tmp_path: Path) -> None:
    custom = tmp_path / "profile.json"
    custom.write_text('{"defaultAction": "SCMP_ACT_ALLOW"}')
    opts = parse_security_opts((f"seccomp={custom}",))
    allow_all = seccomp_program(opts, DEFAULT_CAPABILITIES, False)
    assert allow_all not in ("", default_program())
    assert seccomp_program(opts, DEFAULT_CAPABILITIES, False) == allow_all
    assert len(list(cache.glob("*.bpf"))) == 2
