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

from hutch.api.errors import HutchError, InvalidArgument
from hutch.config.paths import Paths
from hutch.config.settings import Settings
from hutch.runtime.events_log import append_event, event_line

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
# api.events' classes and the time parser where events are read: every create, start
# and rm records one and reads none (issue 16)
if TYPE_CHECKING:
    from typing import Any

    from hutch.api.events import Event, EventsOptions
    from hutch.engine.container_record import ContainerConfig
    from hutch.engine.context import EngineContext
    from hutch.store.containers import ContainerRecord

TYPES = ("container", "image", "network", "pod", "secret", "system", "volume")  # hutch records


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


def pull_events(ctx: EngineContext, image_ids: tuple[str, ...], reference: str) -> None:
    """podman's ``pull`` events, one an image, named by the reference as given (a
    transport's too): ``pull``'s and those of ``run``/``create`` pulling their image."""
    for image_id in dict.fromkeys(image_ids):
        record(paths_of(ctx), "image", "pull", image_id, reference)


def volume_event(
    ctx: EngineContext, action: str, name: str, labels: tuple[tuple[str, str], ...] = ()
) -> None:
    """podman's volume events (create, remove, prune): the volume's name, no id, its
    labels as attributes (current podman's; 4.3.1 had none)."""
    record(paths_of(ctx), "volume", action, "", name, **dict(labels))


def network_event(
    ctx: EngineContext, action: str, network: str, container: ContainerRecord
) -> None:
    """podman's network events (connect, disconnect): the container's id and name,
    the network's name (kept as the ``network`` attribute, shown as .Network)."""
    record(paths_of(ctx), "network", action, container.id, container.name, network=network)


# podman's event filters (podman-events(1)), and ``network`` (current podman's, docker's)
FILTER_KEYS = ("container", "event", "image", "label", "network", "pod", "status", "type",
               "volume")  # fmt: skip


def network_lifecycle_event(
    ctx: EngineContext, action: str, name: str, network_id: str, driver: str
) -> None:
    """current podman's network create and remove: the network's id, its name as
    .Network, its driver as an attribute (podman 4.3.1 recorded neither)."""
    record(paths_of(ctx), "network", action, network_id, "", network=name, driver=driver)


def container_attributes(
    record: ContainerRecord, config: ContainerConfig | None = None
) -> dict[str, str]:
    """What podman's container events carry: the container's labels (and, kept apart,
    the pod it belongs to, shown as .PodID). ``config``: the record's, where the caller
    decoded it already (decoding the record again cost create and run 2 ms); else the
    labels are read from the record's JSON alone (``config_peek``: stop and rm need
    nothing else of it)."""
    from hutch.engine import config_peek

    labels = config.labels if config is not None else config_peek.labels(record.config)
    if labels is None:  # not a record the light read knows: the codec's answer
        from hutch.engine.container_state import config_of

        try:
            labels = config_of(record).labels
        except HutchError:  # an unreadable record still gets its event
            labels = ()
    attributes = dict(labels)
    if record.pod_id:
        attributes["podID"] = record.pod_id
    return attributes


def container_event(
    ctx: EngineContext,
    record: ContainerRecord,
    action: str,
    config: ContainerConfig | None = None,
    **attributes: Any,
) -> None:
    """One container event as podman writes it: id, name, image, the labels (of
    ``config``, the record's decoded, when given)."""
    paths = paths_of(ctx)
    if paths is None:
        return
    own = container_attributes(record, config)
    merged = {**own, **{k: str(v) for k, v in attributes.items()}}
    record_ = event_line("container", action, record.id, record.name, record.image_name, merged)
    append_event(str(log_path(paths)), record_)


@dataclass(frozen=True)
class _Filters:
    """Values of one key are alternatives; every key given must match (podman's rule)."""

    by_key: dict[str, tuple[str, ...]]
    docker: bool = False  # the API's image filter also takes the containers of the image

    def match(self, event: Event) -> bool:
        return all(
            any(self._one(key, value, event) for value in values)
            for key, values in self.by_key.items()
        )

    def _one(self, key: str, value: str, event: Event) -> bool:
        if key == "type":
            return event.type == value
        if key in ("event", "status"):
            return event.action == ("died" if value == "die" else value)  # docker's word
        if key in ("container", "pod"):
            return event.type == key and _names(event, value)
        if key == "image":
            return _image_matches(event, value, self.docker)
        if key == "volume":  # a volume event names the volume, a prefix will do (podman)
            return event.type == "volume" and event.name.startswith(value)
        if key == "network":
            return event.type == "network" and (
                event.attributes.get("network") == value
                # a network's own events (create, remove) carry its id
                or (event.action in ("create", "remove") and event.id.startswith(value))
            )
        return _label_matches(event, value)  # label


def _names(event: Event, value: str) -> bool:
    """podman's: the name, or a prefix of the id."""
    return value == event.name or (bool(event.id) and event.id.startswith(value))


def _label_matches(event: Event, value: str) -> bool:
    """``KEY`` or ``KEY=VALUE`` against the event's attributes (the labels; current podman
    takes a bare key, 4.3.1 matched nothing with it)."""
    from hutch.api.events import RESERVED

    key, eq, wanted = value.partition("=")
    if key in RESERVED or key not in event.attributes:
        return False
    return not eq or event.attributes[key] == wanted


def _image_matches(event: Event, value: str, docker: bool) -> bool:
    if event.type == "image":
        image = event.name
    elif docker and event.type == "container":
        image = event.image
    else:
        return False
    short = image.rsplit("/", 1)[-1]
    bare = {image, short, image.rsplit(":", 1)[0], short.rsplit(":", 1)[0]}
    return value in bare or (
        event.type == "image" and bool(event.id) and event.id.startswith(value)
    )


def parse_filters(items: tuple[str, ...], docker: bool = False) -> _Filters:
    by_key: dict[str, list[str]] = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq or not value:
            raise InvalidArgument(f"invalid filter {item!r}: use KEY=VALUE")
        if key not in FILTER_KEYS:
            if docker:  # Docker's words
                raise InvalidArgument(f"invalid filter {key!r}")
            # current podman's words and exit (125); 4.3.1 lost the error and listed nothing
            raise InvalidArgument(f"{key} is an invalid filter")
        # a type= value is not checked: podman (4.3.1 and current) checks the keys only,
        # and a type no event has matches nothing
        by_key.setdefault(key, []).append(value)
    return _Filters({k: tuple(v) for k, v in by_key.items()}, docker)


def _time(flag: str, text: str | None) -> float | None:
    if text is None:
        return None
    from hutch.util.durations import parse_input_time

    try:
        return parse_input_time(text, since=flag == "--since")  # podman's reading
    except ValueError:
        # current podman's words (its events read refuses before any event; 4.3.1
        # lost the error in its reader and exited 0 with nothing)
        raise InvalidArgument(
            f"failed to parse event filters: unable to convert {flag[2:]} time of {text}: "
            "unable to interpret time value"
        ) from None


def _event(raw: bytes) -> Event | None:
    from hutch.api.events import Event

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
        filters = parse_filters(options.filters, options.docker)
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
