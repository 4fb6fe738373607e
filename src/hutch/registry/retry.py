"""``--retry`` and ``--retry-delay``: a whole transfer tried again after a failure
that another try may not meet (podman's retry of a pull or a push).

Retried: a registry that could not be reached, cut the connection, or answered
an error of its own (a ``RegistryError``). Not retried: refused credentials, a
digest that does not match, a failed TLS handshake, an unknown manifest
(another try gets the same answer), a cancelled transfer, ^C. Without
``--retry-delay`` the pauses double from two seconds, as podman's man page says;
with it, each is that long. containers.conf's ``[engine] retry`` and
``retry_delay`` (config/settings.py) stand in for flags not given, for every
pull and push: the verbs' own and those of run, create, build, compose, kube
play and the API service, which have no flags or leave them unsaid.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from hutch.api.errors import HutchError, InvalidArgument
from hutch.registry.errors import AuthError, DigestMismatch, RegistryError, TLSFailure

if TYPE_CHECKING:
    from hutch.config.settings import Settings

T = TypeVar("T")
DEFAULT_RETRIES = 3  # podman's default for --retry
FIRST_PAUSE = 2.0  # seconds; doubled at each retry without --retry-delay


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = DEFAULT_RETRIES  # tries after the first
    delay: float | None = None  # seconds between tries; None: 2 s, then doubled

    def pause(self, retry: int) -> float:
        """Seconds before retry number ``retry`` (1 for the first)."""
        if self.delay is not None:
            return self.delay
        return FIRST_PAUSE * float(1 << (retry - 1))


def configured(settings: Settings) -> RetryPolicy:
    """The policy where no flag says otherwise: containers.conf's, else podman's."""
    retries = DEFAULT_RETRIES if settings.retry is None else settings.retry
    return RetryPolicy(retries, settings.retry_delay)


def parse_policy(
    retry: int | None, retry_delay: str | None, default: RetryPolicy = RetryPolicy()
) -> RetryPolicy:
    """The flags as a policy, ``default``'s where one is not given (None); bad values
    are InvalidArgument in podman's words."""
    from hutch.util.durations import parse_duration

    if retry is not None and retry < 0:
        raise InvalidArgument(f'invalid argument "{retry}" for "--retry" flag: must be 0 or more')
    delay = default.delay
    if retry_delay is not None:
        try:
            delay = parse_duration(retry_delay)
        except ValueError:
            raise InvalidArgument(f'time: invalid duration "{retry_delay}"') from None
    return RetryPolicy(default.retries if retry is None else retry, delay)


def retryable(exc: BaseException) -> bool:
    """Could another try succeed where this one failed?"""
    refused = AuthError | DigestMismatch | TLSFailure
    return isinstance(exc, RegistryError) and not isinstance(exc, refused)


def announce(message: str) -> None:
    """A retry's announcement, on stderr as podman's warning (also with -q)."""
    import sys

    print(f"WARN: {message}", file=sys.stderr)


def with_retries(
    policy: RetryPolicy,
    work: Callable[[], T],
    warn: Callable[[str], None],
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """``work()``, tried again after each retryable failure, at most
    ``policy.retries`` times; each retry is announced through ``warn``."""
    from hutch.util.humantime import go_duration

    retry = 0
    while True:
        try:
            return work()
        except HutchError as exc:
            if retry >= policy.retries or not retryable(exc):
                raise
            retry += 1
            pause = policy.pause(retry)
            warn(
                f"Failed, retrying in {go_duration(int(pause * 1e9))} ... "
                f"({retry}/{policy.retries}). Error: {exc}"
            )
            sleep(pause)
