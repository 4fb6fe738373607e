"""``.State`` and the record's own keys of ``container inspect``, from the record and
the state file alone.

The whole report (engine/container_query.py) builds its ``.State`` here too, so the
two never differ. ``inspect -f`` takes this path when its template reads no other
key (cli/inspect.py): no bundle spec, network, image or volume code is loaded (a
third of ``inspect``'s start, issue 16).
"""

from __future__ import annotations

from collections.abc import Sequence

from hutch.api.container_state_report import ContainerStateInspect, InspectHealth, InspectState
from hutch.api.errors import NoSuchObject
from hutch.engine import container_state as cs
from hutch.engine.context import EngineContext
from hutch.runtime import state as st


def iso(ts: float) -> str:
    """A Unix time as podman's inspect shows it (Go's zero time for none)."""
    if not ts:
        return "0001-01-01T00:00:00Z"
    from datetime import datetime, timezone  # a report's: container exists needs none

    return datetime.fromtimestamp(ts, timezone.utc).isoformat().replace("+00:00", "Z")


def cgroup_path(pid: int) -> str:
    """current podman's ``.State.CgroupPath``: the cgroup the running container's init
    is in, from /proc/PID/cgroup (cgroup v2's unified line; on v1, systemd's named
    hierarchy, which podman's cgroupfs manager also names), "" when unreadable."""
    try:
        with open(f"/proc/{pid}/cgroup", encoding="utf-8") as f:
            lines = f.read().splitlines() if pid > 0 else []
    except OSError:
        return ""
    paths: dict[str, str] = {}
    for line in lines:
        _num, _, rest = line.partition(":")
        controllers, _, path = rest.partition(":")
        paths[controllers] = path
    return paths.get("", paths.get("name=systemd", ""))


def state_report(container: cs.Located) -> InspectState:
    """podman's ``.State`` of ``container``: ``initialized`` after init, the init's pid
    and cgroup while it lives, the monitor's pid until it exits."""
    state = container.state
    status = cs.status_of(container)
    return InspectState(
        oci_version="1.1.0",
        status=status,
        running=status in (st.RUNNING, st.STOPPING),
        paused=status == st.PAUSED,
        restarting=status == st.EXITED and state.restarting,
        oom_killed=state.oom_killed,
        dead=False,
        pid=state.pid if status in st.LIVE else 0,
        conmon_pid=state.monitor_pid if status != st.EXITED else 0,
        exit_code=state.exit_code,
        error=state.error,
        started_at=iso(state.started_at),
        finished_at=iso(state.finished_at),
        health=InspectHealth(
            status=state.health.status,
            failing_streak=state.health.failing_streak,
            log=tuple(state.health.log) or None,
        ),
        pause_method=state.pause_method,
        stopped_by_user=state.stopped_by_user,
        cgroup_path=cgroup_path(state.pid) if status in st.LIVE else "",
    )


class StateInspection:
    """``inspect_state``: the query part's (engine/container_query.py extends it), and
    answered alone by the engine (engine/engine.py's light parts)."""

    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    def inspect_state(self, names: Sequence[str]) -> list[ContainerStateInspect]:
        return [state_inspect(cs.located(self._ctx, cs.find(self._ctx, n))) for n in names]


class ContainerLookup:
    """``exists``: the admin part's (engine/container_admin.py extends it), and answered
    alone by the engine, as ``inspect_state`` is: ``container exists`` is a script's
    question before each of its runs, and the admin part's module loads api.containers."""

    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    def exists(self, name: str) -> bool:
        try:
            cs.find(self._ctx, name)
        except NoSuchObject:
            return False
        return True


def state_inspect(container: cs.Located) -> ContainerStateInspect:
    """``container``'s keys of ``inspect`` that need no config, spec or image."""
    record = container.record
    return ContainerStateInspect(
        id=record.id,
        created=iso(record.created),
        state=state_report(container),
        image=record.image_id,
        image_name=record.image_name,
        name=record.name,
        restart_count=container.state.restart_count,
    )
