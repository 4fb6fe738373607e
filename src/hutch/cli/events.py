"""``hutch events``: what happened to containers, images, pods, volumes and networks."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated

import typer

from hutch.cli import render
from hutch.cli.state import state_of
from hutch.util.gotemplate import GoTime, Struct, gojson

if TYPE_CHECKING:
    from hutch.api.events import Event


def _time_text(time_ns: int) -> str:
    """podman's default: local time with nanoseconds, offset and zone."""
    seconds, nanos = divmod(time_ns, 1_000_000_000)
    local = time.localtime(seconds)
    return (
        time.strftime("%Y-%m-%d %H:%M:%S", local) + f".{nanos:09d} " + time.strftime("%z %Z", local)
    )


def json_of(event: Event) -> Struct:
    """current podman's ``events --format json`` object (its cmd's Event): its keys in
    its order, the empty ones left out (omitempty), ``time`` in seconds, ``timeNano``."""
    code = event.attributes.get("exitCode", "") if event.action == "died" else ""
    fields = {
        "ContainerExitCode": int(code) if code.lstrip("-").isdigit() else None,
        "ID": event.id,
        "Image": event.image if event.type == "container" else "",
        "Name": event.name,
        "Network": event.attributes.get("network", "") if event.type == "network" else "",
        "Status": event.action,
        "Time": event.time_ns // 1_000_000_000,
        "TimeNano": event.time_ns,
        "Type": event.type,
        "HealthStatus": event.attributes.get("health_status", ""),
        "Error": "",
        "PodID": "",
        "Attributes": _shown_attributes(event) or None,  # a nil map: null
    }
    tags = {k: f"{k},omitempty" for k in ("ContainerExitCode", "ID", "Image", "Name", "Error",
                                          "PodID")}  # fmt: skip
    tags |= {
        "Network": "network,omitempty",
        "Time": "time,omitempty",
        "TimeNano": "timeNano,omitempty",
        "HealthStatus": "health_status,omitempty",
    }
    return Struct("system.Event", fields, tags)


def json_line(event: Event) -> str:
    """One event as Go's json.Marshal writes it (no spaces)."""
    return gojson.dumps(json_of(event))


def _shown_attributes(event: Event) -> dict[str, str]:
    """The event's attributes as podman shows them: a network event's network is its
    own field (.Network), not an attribute."""
    attributes = dict(event.attributes)
    if event.type == "network":
        attributes.pop("network", None)
    return attributes


def template_of(event: Event) -> Struct:
    """The ``*events.Event`` podman hands a ``--format`` template: the fields its
    man page lists (.Details embeds .ID, .PodID, .Attributes as Go prints it)."""
    attributes = _shown_attributes(event)
    code = attributes.get("exitCode", "0") if event.action == "died" else "0"
    return Struct(
        "*events.Event",
        {
            "ContainerExitCode": int(code) if code.lstrip("-").isdigit() else 0,
            "ContainerInspectData": "",
            "Error": "",
            "HealthStatus": attributes.get("health_status", ""),
            "ID": event.id,
            # podman's volume and network events name no image
            "Image": event.image
            if event.type == "container"
            else ("" if event.type in ("volume", "network") else event.name),
            "Name": event.name,
            "Network": event.attributes.get("network", ""),
            "Status": event.action,
            "Time": GoTime.from_ns(event.time_ns, local=True),
            "TimeNano": event.time_ns,
            "Type": event.type,
            "Details": Struct("events.Details", {"ID": "", "PodID": "", "Attributes": attributes}),
            "PodID": "",
            "Attributes": attributes,
            "ToHumanReadable": lambda truncate: text_of(event, truncate=bool(truncate)),
        },
    )


def text_of(event: Event, truncate: bool = False) -> str:
    attrs = dict(event.attributes)
    if event.type == "container":
        attrs = {"image": event.image, "name": event.name, **attrs}
    shown = ", ".join(f"{k}={v}" for k, v in sorted(attrs.items()))
    target = event.id if event.type == "container" else (event.id or event.name)
    if truncate:
        target = target[:12]
    tail = f" ({shown})" if shown else ""
    if event.type == "image":
        tail = f" {event.name}" if event.id and event.name else ""
    head = f"{_time_text(event.time_ns)} {event.type} {event.action}"
    if event.type == "system":  # podman: the name, when the event has one
        return f"{head} {event.name}" if event.name else head
    if event.type == "network":  # podman: the container, and the network as name=
        network = event.attributes.get("network", "")
        return f"{head} {target} (container={event.id}, name={network})"
    return f"{head} {target}{tail}"


def register(app: typer.Typer) -> None:
    @app.command("events")
    def events(
        ctx: typer.Context,
        filters: Annotated[
            list[str] | None,
            typer.Option(
                "--filter",
                "-f",
                help="type=, event=, container= or image= (repeatable).",
            ),
        ] = None,
        since: Annotated[
            str | None,
            typer.Option("--since", help="Events after this time (RFC 3339, unix, duration)."),
        ] = None,
        until: Annotated[
            str | None, typer.Option("--until", help="Events before this time; then exit.")
        ] = None,
        fmt: Annotated[str | None, typer.Option("--format", help="json, or a Go template.")] = None,
        stream: Annotated[
            bool,
            typer.Option(
                "--stream",
                help="=false: print the events so far and exit (default true: keep waiting).",
            ),
        ] = True,
    ) -> None:
        """Show events of containers, images, pods, volumes and networks."""
        from hutch.api.events import EventsOptions

        options = EventsOptions(tuple(filters or ()), since, until, stream)
        for event in state_of(ctx).engine().system.events(options):
            if fmt == "json":
                line = json_line(event)
            elif fmt:
                line = render.render_one(fmt, template_of(event), name="events").rstrip("\n")
            else:
                line = text_of(event)
            print(line, flush=True)
