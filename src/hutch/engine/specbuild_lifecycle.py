"""The life-cycle part of the runtime spec: --init and the health check.

Flags win over the image's ``Healthcheck`` field by field (as in Docker);
zero image values mean the defaults; ``--no-healthcheck`` or a ``NONE`` test
disables the check.
"""

from __future__ import annotations

from dataclasses import dataclass

from hutch.api.container_config import HealthOptions, LifecycleOptions
from hutch.api.errors import InvalidArgument
from hutch.oci.image import Healthcheck
from hutch.runtime.detachkeys import parse_detach_keys
from hutch.runtime.spec_lifecycle import (
    DEFAULT_INTERVAL,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    HealthCheck,
    LifecycleSpec,
    StartupCheck,
)

ON_FAILURE_ACTIONS = ("none", "kill", "restart", "stop")


def validate(options: LifecycleOptions) -> None:
    """Flag errors, before anything is created."""
    try:
        parse_detach_keys(options.detach_keys)
    except ValueError as exc:
        raise InvalidArgument(f"--detach-keys: {exc}") from exc
    health_check(options.health, None)


def lifecycle_spec(
    options: LifecycleOptions,
    image: Healthcheck | None,
    stop_signal: int = 15,
    stop_timeout: float = 10.0,
) -> LifecycleSpec:
    health = health_check(options.health, image)
    action = options.health.on_failure
    if action != "none" and health is None:
        # podman's words; the image's check counts, so only here, with the image
        raise InvalidArgument(f"cannot set on-failure action to {action} without a health check")
    return LifecycleSpec(
        init=bool(options.init),
        health=health,
        timeout=float(options.timeout),
        stop_signal=stop_signal,
        stop_timeout=stop_timeout,
    )


def health_test(flags: HealthOptions, image: Healthcheck | None) -> tuple[str, ...] | None:
    """The ``Test`` podman records (inspect's ``.Config.Healthcheck.Test``): ["NONE"]
    for --no-healthcheck, --health-cmd's form (runtime/health_cmd.py), else the
    image's as it is; None without any."""
    if flags.disabled:
        return ("NONE",)
    if flags.cmd is not None:
        # health_cmd and durations load only for a container with a health check: the
        # usual create has none (issue 16: create's imports are its time)
        from hutch.runtime.health_cmd import recorded_test

        try:
            return recorded_test(flags.cmd) if flags.cmd else None
        except ValueError as exc:
            raise InvalidArgument(str(exc)) from exc  # podman's words, as they are
    return tuple(image.test) if image is not None and image.test else None


@dataclass(frozen=True)
class HealthTiming:
    """How often a check runs and how long it may take (seconds), defaults applied."""

    interval: float
    timeout: float
    start_period: float
    retries: int


def health_timing(flags: HealthOptions, image: Healthcheck | None) -> HealthTiming:
    """The flags' durations and retries over the image's, podman's defaults for zeros."""
    base = image or Healthcheck()
    interval, timeout, start = _durations(
        (flags.interval, base.interval_ns), (flags.timeout, base.timeout_ns), flags.start_period
    )
    if flags.start_period is None:
        start = base.start_period_ns / 1e9
    if flags.retries is not None and flags.retries < 1:
        raise InvalidArgument("healthcheck-retries must be greater than 0")  # podman's words
    retries = flags.retries if flags.retries is not None else base.retries
    return HealthTiming(
        interval or DEFAULT_INTERVAL, timeout or DEFAULT_TIMEOUT, start, retries or DEFAULT_RETRIES
    )


def startup_test(flags: HealthOptions) -> tuple[str, ...] | None:
    """--health-startup-cmd's ``Test``, recorded as --health-cmd's."""
    if not flags.startup_cmd:
        return None
    from hutch.runtime.health_cmd import recorded_test

    try:
        return recorded_test(flags.startup_cmd)
    except ValueError as exc:
        raise InvalidArgument(str(exc)) from exc


def health_check(flags: HealthOptions, image: Healthcheck | None) -> HealthCheck | None:
    if flags.on_failure not in ON_FAILURE_ACTIONS:
        raise InvalidArgument(
            f'invalid on-failure action "{flags.on_failure}" for health check: '
            f"supported actions are {','.join(ON_FAILURE_ACTIONS)}"
        )
    if flags.disabled:
        return None
    test = health_test(flags, image)
    command = None
    if test is not None:
        from hutch.runtime.health_cmd import command_of

        command = command_of(test)
    timing = health_timing(flags, image)
    startup = _startup(flags)
    if command is None:
        if startup is not None:
            raise InvalidArgument("a startup healthcheck needs a regular healthcheck")
        return None
    return HealthCheck(
        command=command,
        interval=timing.interval,
        timeout=timing.timeout,
        start_period=timing.start_period,
        retries=timing.retries,
        probe=flags.probe if flags.cmd is not None else "",
        on_failure=flags.on_failure,
        startup=startup,
    )


def _startup(flags: HealthOptions) -> StartupCheck | None:
    """--health-startup-*: podman's defaults (30s, 30s, never restart, one pass)."""
    # podman checks the startup flags with the regular check's words (and lets
    # retries be 0: never restart)
    interval, timeout, _ = _durations((flags.startup_interval, 0), (flags.startup_timeout, 0), None)
    if flags.startup_cmd is None:
        return None
    from hutch.runtime.health_cmd import command_of

    command = command_of(startup_test(flags) or ())
    if command is None:
        return None
    return StartupCheck(
        command=command,
        interval=interval or DEFAULT_INTERVAL,
        timeout=timeout or DEFAULT_TIMEOUT,
        retries=flags.startup_retries or 0,
        success=flags.startup_success or 0,
    )


def _durations(
    interval: tuple[str | None, int], timeout: tuple[str | None, int], start: str | None
) -> tuple[float, float, float]:
    """The interval, timeout and start period in seconds: a flag's value (Go's
    ParseDuration), else the image's (nanoseconds). podman's checks and words, in its
    order; ``disable`` is an interval of 0 (no timer), as podman reads it."""
    given, image_ns = interval
    every = image_ns / 1e9 if given is None else _go("interval", given.replace("disable", "0"))
    if every < 0 or 0 < every < 0.001:  # hutch's own check: its timer's resolution
        raise InvalidArgument("healthcheck-interval must be 0 or at least 1ms")
    given, image_ns = timeout
    limit = image_ns / 1e9 if given is None else _go("timeout", given)
    if given is not None and limit <= 0:  # Go's "< time.Duration(1)": under 1ns
        raise InvalidArgument("healthcheck-timeout must be at least 1 second")
    period = 0.0 if start is None else _go("start-period", start)
    if period < 0:
        raise InvalidArgument("healthcheck-start-period must be 0 seconds or greater")
    return every, limit, period


def _go(name: str, text: str) -> float:
    from hutch.util.durations import go_duration

    try:
        return go_duration(text)
    except ValueError as exc:
        raise InvalidArgument(f"invalid healthcheck-{name}: {exc}") from None
