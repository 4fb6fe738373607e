"""The life-cycle flags of ``run`` and ``create`` (init, health check, attach)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from hutch.api.container_config import LifecycleOptions


Init = Annotated[
    bool,
    typer.Option("--init", help="Run an init as PID 1 that forwards signals and reaps zombies."),
]
HealthCmd = Annotated[
    str | None,
    typer.Option(
        "--health-cmd", help="Health check command (shell form, or a JSON array for exec form)."
    ),
]
HealthInterval = Annotated[
    str | None,
    typer.Option("--health-interval", help="Time between health checks (Go duration, 30s)."),
]
HealthTimeout = Annotated[
    str | None,
    typer.Option("--health-timeout", help="Time a health check may take (Go duration, 30s)."),
]
HealthRetries = Annotated[
    int | None,
    typer.Option("--health-retries", help="Failures in a row that make it unhealthy (3)."),
]
HealthStartPeriod = Annotated[
    str | None,
    typer.Option(
        "--health-start-period",
        help="Start-up time during which failures do not count (Go duration, 0s).",
    ),
]
NoHealthcheck = Annotated[
    bool, typer.Option("--no-healthcheck", help="Disable any health check (the image's too).")
]
DetachKeys = Annotated[
    str | None,
    typer.Option(
        "--detach-keys",
        help='Key sequence that detaches from the container (default ctrl-p,ctrl-q; "" none).',
    ),
]
SigProxy = Annotated[
    bool,
    typer.Option(
        "--sig-proxy/--no-sig-proxy",
        help="Forward the signals hutch receives to the container (attached runs).",
    ),
]


def to_options(
    *,
    init: bool,
    health_cmd: str | None,
    health_interval: str | None,
    health_timeout: str | None,
    health_retries: int | None,
    health_start_period: str | None,
    no_healthcheck: bool,
    detach_keys: str | None,
    sig_proxy: bool,
) -> LifecycleOptions:
    from hutch.api.container_config import HealthOptions, LifecycleOptions

    return LifecycleOptions(
        init=init,
        health=HealthOptions(
            cmd=health_cmd,
            interval=health_interval,
            timeout=health_timeout,
            start_period=health_start_period,
            retries=health_retries,
            disabled=no_healthcheck,
        ),
        detach_keys=detach_keys,
        sig_proxy=sig_proxy,
    )
