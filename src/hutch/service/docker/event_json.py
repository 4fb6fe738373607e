"""Events as Docker streams them (``GET /events``: one JSON object per event)."""

from __future__ import annotations

from typing import Any

from hutch.api.events import Event

JSON = dict[str, Any]
# hutch's action -> Docker's, per type (Docker: "die", "destroy", "delete").
_ACTIONS = {
    "container": {"died": "die", "remove": "destroy", "exec_died": "exec_die"},
    "image": {"remove": "delete"},
}
# Docker's event filter values -> hutch's (for filter_texts).
EVENT_FILTER_VALUES = {
    "event": {"die": "died", "destroy": "remove", "delete": "remove", "exec_die": "exec_died"},
    "status": {"die": "died", "destroy": "remove", "delete": "remove", "exec_die": "exec_died"},
}
EVENT_FILTER_KEYS = ("container", "event", "image", "status", "type")


def event_json(event: Event) -> JSON:
    """``{"status", "id", "from", "Type", "Action", "Actor": {"ID", "Attributes"},
    "scope", "time", "timeNano"}`` (status/id/from: the fields of API < 1.22, still sent)."""
    action = _ACTIONS.get(event.type, {}).get(event.action, event.action)
    if action == "health_status":  # Docker's: the status in the action's text
        action = f"health_status: {event.attributes.get('health_status', '')}"
    attributes = {k: v for k, v in event.attributes.items() if k != "podID"}  # podman's own
    if event.name:
        attributes["name"] = event.name
    if event.image:
        attributes["image"] = event.image
    out: JSON = {"status": action, "id": event.id}
    if event.type == "container":
        out["from"] = event.image
    out.update(
        {
            "Type": event.type,
            "Action": action,
            "Actor": {"ID": event.id, "Attributes": attributes},
            "scope": "local",
            "time": event.time_ns // 10**9,
            "timeNano": event.time_ns,
        }
    )
    return out
