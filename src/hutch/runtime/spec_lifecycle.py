"""The runtime spec's life-cycle part: an init as PID 1, and the health check."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_INTERVAL = 30.0
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3


@dataclass(frozen=True)
class StartupCheck:
    """--health-startup-*: the check that runs before the regular one, until it passes."""

    command: tuple[str, ...]
    interval: float = DEFAULT_INTERVAL
    timeout: float = DEFAULT_TIMEOUT
    retries: int = 0  # failures that restart the container (0: never)
    success: int = 0  # passes needed before the regular check begins (0: one)


@dataclass(frozen=True)
class HealthCheck:
    """What the monitor runs in the container, and how often (seconds)."""

    command: tuple[str, ...]  # argv, already expanded from CMD / CMD-SHELL
    interval: float = DEFAULT_INTERVAL
    timeout: float = DEFAULT_TIMEOUT
    start_period: float = 0.0
    retries: int = DEFAULT_RETRIES
    # a Kubernetes httpGet/tcpSocket probe (runtime/probe.py) the monitor runs itself
    # from the container's network namespace instead of ``command`` (podman's curl/nc)
    probe: str = ""
    # --health-on-failure: what the monitor does when the status turns unhealthy
    on_failure: str = "none"  # none, kill, restart, stop
    startup: StartupCheck | None = None


@dataclass(frozen=True)
class LifecycleSpec:
    init: bool = False  # the forked init stays PID 1: reaps zombies, forwards signals
    health: HealthCheck | None = None
    # --timeout: seconds from each start until SIGKILL (0: none), conmon's --timeout
    timeout: float = 0.0
    # how the monitor stops the container itself (--health-on-failure=stop|restart):
    # the stop signal, then SIGKILL after the stop timeout, as ``hutch stop``
    stop_signal: int = 15
    stop_timeout: float = 10.0
    # the files the monitor writes its own pid to (once) and the init's host pid to
    # (at each start), conmon's --conmon-pidfile and --container-pidfile
    conmon_pidfile: str = ""
    # a second file for the monitor's pid: pod create --infra-conmon-pidfile
    extra_conmon_pidfile: str = ""
    pidfile: str = ""
