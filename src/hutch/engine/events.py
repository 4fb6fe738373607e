"""Recording and reading events (``hutch events``).

Engine operations call ``record``; each container's monitor appends its
"died" events itself (``runtime/events_log.py``, the same file). The log
lives in the runtime dir, like podman's file event backend: events are about
this boot's activity.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hutch.api.errors import InvalidArgument
from hutch.api.events import Event, EventsOptions
from hutch.config.paths import Paths
from hutch.config.settings import Settings
from hutch.runtime.events_log import append_event, event_line
from hutch.util.durations import parse_input_time

if TYPE_CHECKING:
    from hutch.engine.context import EngineContext
    from hutch.store.containers import ContainerRecord

TYPES = ("container", "image", "network", "pod", "system", "volume")  # the types hutch records
FILTER_KEYS = ("container", "event", "image", "status", "type")


def log_path(paths: Paths) -> Path:
    return paths.runtime / "events" / "events.log"


def log_file(paths: Paths, settings: Settings) -> str:
    """Where events go ("" with ``--events-backend none``: nowhere)."""
    return "" if settings.events_logger == "none" else str(log_path(paths))


def record(
    paths: Paths | None,
    type_: str,
    action: str,
    id_: str,
    name: str = "",
    image: str = "",
    **attributes: Any,
) -> None:
    if paths is None:  # --events-backend none
        return
    line = event_line(type_, action, id_, name, image, {k: str(v) for k, v in attributes.items()})
    append_event(str(log_path(paths)), line)


def paths_of(ctx: EngineContext) -> Paths | None:
    """Where ``ctx``'s events go (None with ``--events-backend none``)."""
    return ctx.paths if ctx.settings.events_logger != "none" else None


def volume_event(ctx: EngineContext, action: str, name: str) -> None:
    """podman's volume events (create, remove, prune): the volume's name, no id."""
    record(paths_of(ctx), "volume", action, "", name)


def network_event(
    ctx: EngineContext, action: str, network: str, container: ContainerRecord
) -> None:
    """podman's network events (connect, disconnect): the container's id and name,
    the network's name (kept as the ``network`` attribute, shown as .Network)."""
    record(paths_of(ctx), "network", action, container.id, container.name, network=network)


@dataclass(frozen=True)
class _Filters:
    by_key: dict[str, tuple[str, ...]]

    def match(self, event: Event) -> bool:
        for key, values in self.by_key.items():
            if key == "type" and event.type not in values:
                return False
            if key in ("event", "status") and event.action not in values:
                return False
            if key == "container" and not (
                event.type == "container" and any(_names(event, v) for v in values)
            ):
                return False
            if key == "image" and not any(_image_matches(event, v) for v in values):
                return False
        return True


def _names(event: Event, value: str) -> bool:
    return value == event.name or (len(value) >= 3 and event.id.startswith(value))


def _image_matches(event: Event, value: str) -> bool:
    image = event.name if event.type == "image" else event.image
    short = image.rsplit("/", 1)[-1]
    bare = {image, short, image.rsplit(":", 1)[0], short.rsplit(":", 1)[0]}
    return value in bare or (event.type == "image" and _names(event, value.split(":")[-1]))


def parse_filters(items: tuple[str, ...]) -> _Filters:
    by_key: dict[str, list[str]] = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq or not value:
            raise InvalidArgument(f"invalid filter {item!r}: use KEY=VALUE")
        if key not in FILTER_KEYS:
            raise InvalidArgument(f"invalid filter {key!r}: use one of {', '.join(FILTER_KEYS)}")
        if key == "type" and value not in TYPES:
            raise InvalidArgument(f"invalid event type {value!r}: use {', '.join(TYPES)}")
        by_key.setdefault(key, []).append(value)
    return _Filters({k: tuple(v) for k, v in by_key.items()})


def _time(flag: str, text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return parse_input_time(text, since=flag == "--since")  # podman's reading
    except ValueError as exc:
        raise InvalidArgument(f"{flag}: {exc}") from exc


def _event(raw: bytes) -> Event | None:
    try:
        data = json.loads(raw)
        return Event(
            time_ns=int(data["time"]),
            type=str(data["type"]),
            action=str(data["action"]),
            id=str(data["id"]),
            name=str(data.get("name", "")),
            image=str(data.get("image", "")),
            attributes={str(k): str(v) for k, v in (data.get("attributes") or {}).items()},
        )
    except (ValueError, KeyError, TypeError):
        return None  # a torn or foreign line: skip it


class EventReader:
    def __init__(self, paths: Paths) -> None:
        self._path = log_path(paths)

    def events(self, options: EventsOptions) -> Iterator[Event]:
        filters = parse_filters(options.filters)
        since = _time("--since", options.since)
        until = _time("--until", options.until)
        return self._read(filters, since, until, options.stream, options.cancelled)

    def _read(
        self,
        filters: _Filters,
        since: float | None,
        until: float | None,
        stream: bool,
        cancelled: Callable[[], bool] | None = None,
    ) -> Iterator[Event]:
        pending = b""
        offset = 0
        while True:
            try:
                with open(self._path, "rb") as f:
                    f.seek(offset)
                    chunk = f.read()
            except FileNotFoundError:
                chunk = b""
            offset += len(chunk)
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for raw in lines:
                event = _event(raw)
                if event is None or not filters.match(event):
                    continue
                seconds = event.time_ns / 1e9
                if since is not None and seconds < since:
                    continue
                if until is not None and seconds > until:
                    return
                yield event
            if not stream or (until is not None and time.time() > until):
                return
            if cancelled is not None and cancelled():
                return
            time.sleep(0.1)
