"""The life-cycle part of the runtime spec: --init and the health check.

Flags win over the image's ``Healthcheck`` field by field (as in Docker);
zero image values mean the defaults; ``--no-healthcheck`` or a ``NONE`` test
disables the check.
"""

from __future__ import annotations

from hutch.api.container_config import HealthOptions, LifecycleOptions
from hutch.api.errors import InvalidArgument
from hutch.oci.image import Healthcheck
from hutch.runtime.detachkeys import parse_detach_keys
from hutch.runtime.health_cmd import command_of, parse_health_cmd
from hutch.runtime.spec_lifecycle import (
    DEFAULT_INTERVAL,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    HealthCheck,
    LifecycleSpec,
    StartupCheck,
)
from hutch.util.durations import go_duration

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


def health_check(flags: HealthOptions, image: Healthcheck | None) -> HealthCheck | None:
    if flags.on_failure not in ON_FAILURE_ACTIONS:
        raise InvalidArgument(
            f'invalid on-failure action "{flags.on_failure}" for health check: '
            f"supported actions are {','.join(ON_FAILURE_ACTIONS)}"
        )
    if flags.disabled:
        return None
    if flags.cmd is not None:
        try:
            command = parse_health_cmd(flags.cmd)
        except ValueError as exc:
            raise InvalidArgument(f"--health-cmd: {exc}") from exc
    elif image is not None:
        command = command_of(image.test)
    else:
        command = None
    base = image or Healthcheck()
    interval, timeout, start = _durations(
        (flags.interval, base.interval_ns), (flags.timeout, base.timeout_ns), flags.start_period
    )
    if flags.start_period is None:
        start = base.start_period_ns / 1e9
    if flags.retries is not None and flags.retries < 1:
        raise InvalidArgument("healthcheck-retries must be greater than 0")  # podman's words
    retries = flags.retries if flags.retries is not None else base.retries
    startup = _startup(flags)
    if command is None:
        if startup is not None:
            raise InvalidArgument("a startup healthcheck needs a regular healthcheck")
        return None
    return HealthCheck(
        command=command,
        interval=interval or DEFAULT_INTERVAL,
        timeout=timeout or DEFAULT_TIMEOUT,
        start_period=start,
        retries=retries or DEFAULT_RETRIES,
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
    try:
        command = parse_health_cmd(flags.startup_cmd)
    except ValueError as exc:
        raise InvalidArgument(f"--health-startup-cmd: {exc}") from exc
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
    try:
        return go_duration(text)
    except ValueError as exc:
        raise InvalidArgument(f"invalid healthcheck-{name}: {exc}") from None
