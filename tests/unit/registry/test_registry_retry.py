"""--retry and --retry-delay of pull, push, artifact pull and push (registry/retry.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.config.settings import Settings
from hutch.registry.errors import AuthError, DigestMismatch, RegistryError, TLSFailure
from hutch.registry.progress import TransferCancelled
from hutch.registry.retry import (
    RetryPolicy,
    configured,
    parse_policy,
    retryable,
    with_retries,
)


def test_the_flags_as_a_policy() -> None:
    assert parse_policy(None, None) == RetryPolicy(3, None)
    assert parse_policy(0, "250ms") == RetryPolicy(0, 0.25)
    assert parse_policy(5, "1m") == RetryPolicy(5, 60.0)


def test_a_flag_not_given_takes_the_default_policys_value() -> None:
    default = RetryPolicy(1, 0.5)
    assert parse_policy(None, None, default) == default
    assert parse_policy(0, None, default) == RetryPolicy(0, 0.5)
    assert parse_policy(None, "2s", default) == RetryPolicy(1, 2.0)


def test_containers_conf_sets_the_default_policy() -> None:
    assert configured(Settings()) == RetryPolicy(3, None)  # podman's
    assert configured(Settings(retry=0)) == RetryPolicy(0, None)
    assert configured(Settings(retry_delay=1.5)) == RetryPolicy(3, 1.5)


@pytest.mark.parametrize(
    ("retry", "delay", "words"),
    [
        (-1, None, 'invalid argument "-1" for "--retry" flag'),
        (None, "foobar", 'time: invalid duration "foobar"'),  # podman's words
        (None, "10", 'time: invalid duration "10"'),
    ],
)
def test_bad_values_are_refused(retry: int | None, delay: str | None, words: str) -> None:
    with pytest.raises(InvalidArgument, match=words):
        parse_policy(retry, delay)


def test_the_pauses_double_from_two_seconds_unless_a_delay_is_given() -> None:
    assert [RetryPolicy().pause(n) for n in (1, 2, 3)] == [2.0, 4.0, 8.0]
    assert [RetryPolicy(3, 0.5).pause(n) for n in (1, 2, 3)] == [0.5, 0.5, 0.5]


def test_only_a_failure_another_try_may_pass_is_retried() -> None:
    assert retryable(RegistryError("cannot reach registry r: connection refused"))
    for final in (
        AuthError("unauthorized"),
        DigestMismatch("mismatch"),
        TLSFailure("TLS connection to registry r failed: certificate verify failed"),
        NoSuchObject("manifest unknown"),
        TransferCancelled("cancelled: interrupted"),
    ):
        assert not retryable(final)


def _flaky(failures: list[Exception]) -> tuple[list[int], Callable[[], str]]:
    calls: list[int] = []

    def work() -> str:
        calls.append(1)
        if failures:
            raise failures.pop(0)
        return "done"

    return calls, work


def test_retries_until_the_work_succeeds_each_announced_after_its_pause() -> None:
    calls, work = _flaky([RegistryError("reset"), RegistryError("reset again")])
    warned: list[str] = []
    slept: list[float] = []
    assert with_retries(RetryPolicy(3, None), work, warned.append, slept.append) == "done"
    assert len(calls) == 3 and slept == [2.0, 4.0]
    assert warned == [
        "Failed, retrying in 2s ... (1/3). Error: reset",
        "Failed, retrying in 4s ... (2/3). Error: reset again",
    ]


def test_the_last_failure_goes_on_after_the_retries() -> None:
    calls, work = _flaky([RegistryError(f"try {n}") for n in range(5)])
    slept: list[float] = []
    with pytest.raises(RegistryError, match=r"^try 2$"):
        with_retries(RetryPolicy(2, 0.1), work, lambda _m: None, slept.append)
    assert len(calls) == 3 and slept == [0.1, 0.1]


@pytest.mark.parametrize("policy", [RetryPolicy(0, None), RetryPolicy(3, None)])
def test_no_retry_with_zero_or_for_a_final_failure(policy: RetryPolicy) -> None:
    failure = RegistryError("down") if policy.retries == 0 else AuthError("unauthorized")
    calls, work = _flaky([failure])
    with pytest.raises(RegistryError):
        with_retries(policy, work, lambda m: pytest.fail(m), lambda s: pytest.fail(str(s)))
    assert len(calls) == 1
