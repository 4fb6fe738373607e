"""A container's ``.State`` and the record's own keys of ``container inspect``.

Their own module so that a template reading only these keys (``inspect -f
'{{.State.Status}}'``, the line scripts poll) loads these classes alone, not the
whole report's (api/container_inspect.py, which re-exports them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hutch.api.podman_json import key

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import Any


GO_ZERO_TIME = "0001-01-01T00:00:00Z"  # Go's time.Time{} in JSON


@dataclass(frozen=True)
class InspectHealth:
    status: str = field(metadata=key("Status"))
    failing_streak: int = field(metadata=key("FailingStreak"))
    # the monitor's entries; None (podman's nil, null) before the first check
    log: tuple[dict[str, Any], ...] | None = field(metadata=key("Log"))


@dataclass(frozen=True)
class InspectState:
    oci_version: str = field(metadata=key("OciVersion"))
    status: str = field(metadata=key("Status"))
    running: bool = field(metadata=key("Running"))
    paused: bool = field(metadata=key("Paused"))
    restarting: bool = field(metadata=key("Restarting"))
    oom_killed: bool = field(metadata=key("OOMKilled"))
    dead: bool = field(metadata=key("Dead"))
    pid: int = field(metadata=key("Pid"))
    conmon_pid: int = field(metadata=key("ConmonPid", omitzero=True))  # none once exited
    exit_code: int = field(metadata=key("ExitCode"))
    error: str = field(metadata=key("Error"))
    started_at: str = field(metadata=key("StartedAt"))
    finished_at: str = field(metadata=key("FinishedAt"))
    health: InspectHealth = field(metadata=key("Health"))
    # current podman's: the cgroup of the running container (/proc/PID/cgroup's path)
    cgroup_path: str = field(default="", kw_only=True, metadata=key("CgroupPath", True))
    # hutch has no checkpoint/restore: Go's zero time, as podman shows for a container
    # never checkpointed (podman's place for them: after Health)
    checkpointed_at: str = field(default=GO_ZERO_TIME, kw_only=True, metadata=key("CheckpointedAt"))
    restored_at: str = field(default=GO_ZERO_TIME, kw_only=True, metadata=key("RestoredAt"))
    # how hutch paused it (freezer or signal): hutch's own key, so shown only while
    # paused (omitempty) and podman's key set stands otherwise
    pause_method: str = field(metadata=key("PauseMethod", True))
    # True once `stop` ended the run (podman's flag; a fresh start clears it).
    stopped_by_user: bool = field(default=False, metadata=key("StoppedByUser", omitzero=True))


@dataclass(frozen=True)
class ContainerStateInspect:
    """The keys of ``container inspect`` that its record and state file answer alone,
    with the same values as the whole report's (engine/container_state_query.py
    builds both's): what ``inspect -f`` reads when its template names no others."""

    id: str = field(metadata=key("Id"))
    created: str = field(metadata=key("Created"))
    state: InspectState = field(metadata=key("State"))
    image: str = field(metadata=key("Image"))
    image_name: str = field(metadata=key("ImageName"))
    name: str = field(metadata=key("Name"))
    restart_count: int = field(metadata=key("RestartCount"))


# The Go fields of those keys (``{{.Id}}`` reads as ``{{.ID}}``: cli/inspecting.py)
STATE_ONLY_FIELDS = frozenset(
    {"ID", "Created", "State", "Image", "ImageName", "Name", "RestartCount"}
)
