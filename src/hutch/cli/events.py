"""``hutch events``: what happened to containers, images, pods, volumes and networks."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated

import typer

from hutch.api.events import RESERVED
from hutch.cli import templating
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


# The statuses whose event carries the exit code (podman's .ContainerExitCode)
_WITH_EXIT_CODE = ("died", "exec_died", "remove")


def _exit_code(event: Event) -> int | None:
    code = event.attributes.get("exitCode", "") if event.action in _WITH_EXIT_CODE else ""
    return int(code) if code.lstrip("-").isdigit() else None


def json_of(event: Event) -> Struct:
    """current podman's ``events --format json`` object (its cmd's Event): its keys in
    its order, the empty ones left out (omitempty), ``time`` in seconds, ``timeNano``."""
    fields = {
        "ContainerExitCode": _exit_code(event),
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
        "PodID": event.attributes.get("podID", ""),
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
    """The event's attributes as podman shows them: the labels (and an exec_died's
    execID, a network's driver); what podman keeps in fields of its own (the exit code,
    the network, the health status, the pod) is not among them."""
    return {k: v for k, v in event.attributes.items() if k not in RESERVED}


def template_of(event: Event) -> Struct:
    """The ``*events.Event`` podman hands a ``--format`` template: the fields its
    man page lists (.Details embeds .ID, .PodID, .Attributes as Go prints it)."""
    attributes = _shown_attributes(event)
    pod_id = event.attributes.get("podID", "")
    return Struct(
        "*events.Event",
        {
            "ContainerExitCode": _exit_code(event) or 0,
            "ContainerInspectData": "",
            "Error": "",
            "HealthStatus": event.attributes.get("health_status", ""),
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
            "Details": Struct(
                "events.Details", {"ID": "", "PodID": pod_id, "Attributes": attributes}
            ),
            "PodID": pod_id,
            "Attributes": attributes,
            "ToHumanReadable": lambda truncate: text_of(event, truncate=bool(truncate)),
        },
    )


def text_of(event: Event, truncate: bool = False) -> str:
    """podman's line for the event (its ToHumanReadable); labels in key order (podman's
    come in Go's map order, which varies)."""
    head = f"{_time_text(event.time_ns)} {event.type} {event.action}"
    target = event.id[:12] if truncate else event.id
    if event.type in ("container", "pod"):
        image = event.image if event.type == "container" else ""
        parts = [f"image={image}", f"name={event.name}"]
        if pod_id := event.attributes.get("podID", ""):
            parts.append(f"pod_id={pod_id}")
        if health := event.attributes.get("health_status", ""):
            parts.append(f"health_status={health}")
        parts += [f"{k}={v}" for k, v in sorted(_shown_attributes(event).items())]
        return f"{head} {target} ({', '.join(parts)})"
    if event.type == "network":  # podman: the id, and the network as name=
        network = event.attributes.get("network", "")
        return f"{head} {target} (container={target}, name={network})"
    if event.type == "image":  # podman: the id (none for some) and the name
        return f"{head} {target} {event.name}"
    if event.type == "system":  # podman: the name, when the event has one
        return f"{head} {event.name}" if event.name else head
    if event.type == "secret":
        return f"{head} {target}"
    return f"{head} {event.name}"  # volume


def register(app: typer.Typer) -> None:
    @app.command("events")
    def events(
        ctx: typer.Context,
        filters: Annotated[
            list[str] | None,
            typer.Option(
                "--filter",
                "-f",
                help="container=, event=, image=, label=, network=, pod=, type=, volume= "
                "(repeatable: one key's values are alternatives, the keys must all match).",
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
        no_trunc: Annotated[
            bool,
            typer.Option(
                "--no-trunc", help="=false: shorten the ids of the default lines (not --format)."
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
                line = templating.render_one(fmt, template_of(event), name="events").rstrip("\n")
            else:
                line = text_of(event, truncate=not no_trunc)
            print(line, flush=True)
