"""Read-only views of containers: ps, inspect, logs."""

from __future__ import annotations

import os
import shlex
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from hutch.api.errors import InvalidArgument
from hutch.api.options import ListContainersOptions, LogsOptions
from hutch.api.reports import ContainerSummary, LogLine
from hutch.engine import container_state as cs
from hutch.engine.container_filters import parse_filters, sort_key, tree_size
from hutch.engine.context import EngineContext
from hutch.engine.netquery import network_settings
from hutch.engine.volumes import inspect_mounts
from hutch.runtime import state as st
from hutch.util.durations import parse_time


def _iso(ts: float) -> str:
    if not ts:
        return "0001-01-01T00:00:00Z"
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


def summary(container: cs.Container) -> ContainerSummary:
    config = container.config
    labels = tuple(
        tuple(item.split("=", 1)) if "=" in item else (item, "")
        for item in container.options.get("labels") or ()
    )
    return ContainerSummary(
        id=container.record.id,
        name=container.record.name,
        image=container.record.image_name,
        image_id=container.record.image_id,
        command=shlex.join(config.get("command") or ()),
        created=container.record.created,
        status=container.state.status,
        exit_code=container.state.exit_code,
        started_at=container.state.started_at,
        finished_at=container.state.finished_at,
        health=container.state.health.status,
        labels=labels,
        restart_count=container.state.restart_count,
    )


class ContainerQueries:
    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    def list_containers(self, options: ListContainersOptions) -> list[ContainerSummary]:
        filters = parse_filters(options.filters)
        order = sort_key(options.sort)
        if options.size:
            self._ctx.enter_session()  # upper dirs hold files of subordinate ids
        records = self._ctx.containers.all()
        if options.last is not None:
            records = records[: options.last]
        show_all = options.all or options.last is not None or filters.implies_all
        out = []
        for record in records:
            container = cs.load(self._ctx, record)
            if not (show_all or container.running):
                continue
            item = summary(container)
            if not filters.match(item):
                continue
            if options.size:
                item = replace(item, size=tree_size(os.fspath(container.dirs.upper)))
            out.append(item)
        return sorted(out, key=order)

    def inspect_containers(self, names: Sequence[str]) -> list[dict[str, Any]]:
        return [inspect_json(cs.get(self._ctx, n)) for n in names]

    def logs(self, options: LogsOptions) -> Iterator[LogLine]:
        window = (_time("--since", options.since), _time("--until", options.until))
        containers = [cs.get(self._ctx, n) for n in options.names]
        return self._logs(containers, options, window)

    def _logs(
        self,
        containers: list[cs.Container],
        options: LogsOptions,
        window: tuple[float | None, float | None],
    ) -> Iterator[LogLine]:
        for container in containers:
            yield from self._logs_of(container, options, window)

    def _logs_of(
        self,
        container: cs.Container,
        options: LogsOptions,
        window: tuple[float | None, float | None],
    ) -> Iterator[LogLine]:
        path = container.dirs.userdata / "ctr.log"
        try:
            f = open(path, "rb")  # noqa: SIM115 - closed in finally
        except FileNotFoundError:
            return
        try:
            lines = [parse_log_line(raw) for raw in f.read().splitlines()]
            selected = [ln for ln in lines if ln is not None and _in_window(ln, window)]
            if options.tail is not None:
                selected = selected[-options.tail :] if options.tail > 0 else []
            yield from selected
            if not options.follow:
                return
            pending = b""
            while True:
                chunk = f.read()
                if chunk:
                    pending += chunk
                    *complete, pending = pending.split(b"\n")
                    for raw in complete:
                        line = parse_log_line(raw)
                        if line is not None and _in_window(line, window):
                            yield line
                    continue
                if not cs.load(self._ctx, container.record).running:
                    # One last read: the monitor may have written after our check.
                    rest = pending + f.read()
                    for raw in rest.split(b"\n"):
                        line = parse_log_line(raw)
                        if line is not None and _in_window(line, window):
                            yield line
                    return
                time.sleep(0.05)
        finally:
            f.close()


def parse_log_line(raw: bytes) -> LogLine | None:
    """``TIMESTAMP STREAM F|P TEXT`` (k8s-file) into a LogLine."""
    parts = raw.split(b" ", 3)
    if len(parts) < 3:
        return None
    text = parts[3] if len(parts) == 4 else b""
    return LogLine(parts[0].decode(), parts[1].decode(), text, parts[2] == b"P")


def log_time(line: LogLine) -> float:
    stamp = line.timestamp.rstrip("Z")
    main, _, frac = stamp.partition(".")
    base = datetime.strptime(main, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC).timestamp()
    return base + (float(f"0.{frac}") if frac else 0.0)


def _time(flag: str, text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return parse_time(text)
    except ValueError as exc:
        raise InvalidArgument(f"{flag}: {exc}") from exc


def _in_window(line: LogLine, window: tuple[float | None, float | None]) -> bool:
    since, until = window
    if since is None and until is None:
        return True
    ts = log_time(line)
    if since is not None and ts < since:
        return False
    return not (until is not None and ts > until)


def _limits(container: cs.Container) -> dict[str, Any]:
    """Memory, NanoCpus, PidsLimit, ... (engine/resource_inspect.py)."""
    from hutch.engine.exec import container_spec
    from hutch.engine.resource_inspect import inspect_limits

    try:
        resources = container_spec(container).resources
    except (OSError, ValueError, KeyError):
        resources = None  # no bundle (a container being removed): the flags alone
    return inspect_limits(resources, container.options.get("resources"))


def inspect_json(container: cs.Container) -> dict[str, Any]:
    """The Docker/podman shape users script against (``.State.Status`` ...)."""
    record, state, config = container.record, container.state, container.config
    options = container.options
    command = config.get("command") or []
    image_config = config.get("image_config") or {}
    restart = options.get("restart") or "no"
    restart_name, _, restart_max = restart.partition(":")
    status = state.status
    return {
        "Id": record.id,
        "Created": _iso(record.created),
        "Path": command[0] if command else "",
        "Args": command[1:],
        "State": {
            "OciVersion": "1.1.0",
            "Status": status,
            "Running": status in (st.RUNNING, st.STOPPING),
            "Paused": status == st.PAUSED,
            "Restarting": False,
            "OOMKilled": state.oom_killed,
            "Dead": False,
            "Pid": state.pid if status in (st.RUNNING, st.PAUSED, st.STOPPING) else 0,
            "ConmonPid": state.monitor_pid if status != st.EXITED else 0,
            "ExitCode": state.exit_code,
            "Error": state.error,
            "StartedAt": _iso(state.started_at),
            "FinishedAt": _iso(state.finished_at),
            "Health": {
                "Status": state.health.status,
                "FailingStreak": state.health.failing_streak,
                "Log": list(state.health.log),
            },
            "PauseMethod": state.pause_method,
        },
        "Image": record.image_id,
        "ImageName": record.image_name,
        "Rootfs": "",
        "ResolvConfPath": os.fspath(container.dirs.userdata / "resolv.conf"),
        "HostnamePath": os.fspath(container.dirs.userdata / "hostname"),
        "HostsPath": os.fspath(container.dirs.userdata / "hosts"),
        "LogPath": os.fspath(container.dirs.userdata / "ctr.log"),
        "Name": record.name,
        "RestartCount": state.restart_count,
        "Driver": config.get("driver", ""),
        "MountLabel": "",
        "ProcessLabel": "",
        "Mounts": inspect_mounts(config),
        "Config": {
            "Hostname": config.get("hostname", ""),
            "User": config.get("user", ""),
            "Env": config.get("env", []),
            "Cmd": command,
            "Image": record.image_name,
            "WorkingDir": config.get("workdir", "/"),
            "Entrypoint": image_config.get("Entrypoint") or [],
            "Labels": dict(
                item.split("=", 1) if "=" in item else (item, "")
                for item in options.get("labels") or ()
            ),
            "StopSignal": options.get("stop_signal") or image_config.get("StopSignal") or "SIGTERM",
            "StopTimeout": options.get("stop_timeout") or 10,
            "Tty": bool(options.get("tty")),
            "OpenStdin": bool(options.get("interactive")),
        },
        "HostConfig": {
            "RestartPolicy": {
                "Name": restart_name,
                "MaximumRetryCount": int(restart_max) if restart_max else 0,
            },
            "AutoRemove": bool(options.get("remove")),
            "NetworkMode": options.get("network", "none"),
            "LogConfig": {
                "Type": "k8s-file",
                "Path": os.fspath(container.dirs.userdata / "ctr.log"),
            },
            **_limits(container),
        },
        "NetworkSettings": network_settings(container),
    }
