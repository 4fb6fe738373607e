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
from hutch.util.durations import parse_duration

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
        valid = " ".join(ON_FAILURE_ACTIONS)
        raise InvalidArgument(
            f'invalid on-failure action "{flags.on_failure}" for health check: '
            f"valid options are [{valid}]"
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
    interval = _duration("--health-interval", flags.interval, base.interval_ns)
    timeout = _duration("--health-timeout", flags.timeout, base.timeout_ns)
    start = _duration("--health-start-period", flags.start_period, base.start_period_ns)
    retries = flags.retries if flags.retries is not None else base.retries
    if retries < 0:
        raise InvalidArgument("--health-retries must be at least 0")
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
    interval = _duration("--health-startup-interval", flags.startup_interval, 0)
    timeout = _duration("--health-startup-timeout", flags.startup_timeout, 0)
    for name, value in (("retries", flags.startup_retries), ("success", flags.startup_success)):
        if value is not None and value < 0:
            raise InvalidArgument(f"--health-startup-{name} must be at least 0")
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


def _duration(flag: str, text: str | None, image_ns: int) -> float:
    if text is None:
        return image_ns / 1e9
    try:
        value = parse_duration(text)
    except ValueError as exc:
        raise InvalidArgument(f"{flag}: {exc}") from exc
    if value < 0:
        raise InvalidArgument(f"{flag} must not be negative")
    if flag == "--health-interval" and 0 < value < 0.001:
        raise InvalidArgument(f"{flag} must be at least 1ms")
    return value
