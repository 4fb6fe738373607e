"""run/create --timeout and exec --privileged/--preserve-fds: podman's values and words."""

from __future__ import annotations

import os

import pytest

from hutch.api.container_flags import flags_of
from hutch.api.errors import InvalidArgument
from hutch.api.flagoptions import run_options
from hutch.api.flags import check_preserved as check_passed
from hutch.api.flags import unsigned
from hutch.engine.security import privileged_security
from hutch.engine.specbuild_lifecycle import lifecycle_spec
from hutch.linux import caps
from hutch.runtime.spec_security import SecuritySpec
from unit.fakes import FakeEngine, run_cli


@pytest.mark.parametrize(("word", "number"), [("0", 0), ("10", 10), ("0x10", 16), (None, 0)])
def test_unsigned_takes_what_pflag_takes(word: str | None, number: int) -> None:
    assert unsigned(word, "--timeout") == number


@pytest.mark.parametrize("word", ["-1", "1s", "", "+5", "x"])
def test_unsigned_refuses_with_podman_words(word: str) -> None:
    with pytest.raises(InvalidArgument) as exc_info:
        unsigned(word, "--timeout")
    assert str(exc_info.value) == (
        f'invalid argument "{word}" for "--timeout" flag: '
        f'strconv.ParseUint: parsing "{word}": invalid syntax'
    )


@pytest.mark.parametrize("verb", ["run", "create"])
def test_timeout_reaches_the_runtime_spec(verb: str) -> None:
    defaults = {flag.key: flag.default for flag in flags_of(verb)}
    options = run_options(verb, {**defaults, "timeout": "5"}, image="base")
    assert options.lifecycle.timeout == 5
    assert lifecycle_spec(options.lifecycle, None).timeout == 5.0
    assert run_options(verb, defaults, image="base").lifecycle.timeout == 0


def _first_closed_fd() -> int:
    fd = 3
    while True:
        try:
            os.fstat(fd)
        except OSError:
            return fd
        fd += 1


def test_preserve_fds_must_be_open() -> None:
    closed = _first_closed_fd()
    check_passed(closed - 3)  # 3 .. closed-1 are open
    with pytest.raises(InvalidArgument) as exc_info:
        check_passed(closed - 2)
    assert str(exc_info.value) == (
        f"file descriptor {closed} is not available - the preserve-fds option requires "
        "that file descriptors must be passed"
    )


def test_exec_flags_reach_the_engine(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    result = run_cli(
        ["exec", "--privileged", "--preserve-fds", "0", "c", "true"], fake, monkeypatch, capsys
    )
    assert result.code == 0, result.err
    options = fake.only_call("containers.exec")
    assert (options.privileged, options.preserve_fds) == (True, 0)


def test_exec_preserve_fds_refused_before_the_engine(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    result = run_cli(["exec", "--preserve-fds=-1", "c", "true"], fake, monkeypatch, capsys)
    assert result.code == 125
    assert 'invalid argument "-1" for "--preserve-fds" flag' in result.err
    assert fake.calls == []


def test_privileged_exec_has_every_capability() -> None:
    spec = privileged_security(SecuritySpec(configured=True, seccomp="kept"))
    every = spec.root_capabilities.bounding
    assert len(every) == caps.last_cap() + 1
    assert spec.root_capabilities.effective == every
    assert spec.user_capabilities.bounding == every
    assert spec.user_capabilities.effective == ()  # a non-root user: bounding only
    assert spec.seccomp == "kept"
