"""The compiled default seccomp program is cached per user, keyed by its inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.engine.security import parse_security_opts, seccomp_program
from hutch.linux.caps import DEFAULT_CAPABILITIES


def test_program_is_cached_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    opts = parse_security_opts(())
    first = seccomp_program(opts, DEFAULT_CAPABILITIES, False)
    cached = list((tmp_path / "hutch" / "seccomp").glob("*.bpf"))
    assert len(cached) == 1
    # A hit returns the cached bytes: prove it by changing them.
    cached[0].write_bytes(b"\x00" * 8)
    assert seccomp_program(opts, DEFAULT_CAPABILITIES, False) == "AAAAAAAAAAA="
    cached[0].unlink()
    assert seccomp_program(opts, DEFAULT_CAPABILITIES, False) == first


def test_other_capabilities_get_their_own_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    opts = parse_security_opts(())
    seccomp_program(opts, DEFAULT_CAPABILITIES, False)
    seccomp_program(opts, (*DEFAULT_CAPABILITIES, "CAP_SYS_ADMIN"), False)
    assert len(list((tmp_path / "hutch" / "seccomp").glob("*.bpf"))) == 2
