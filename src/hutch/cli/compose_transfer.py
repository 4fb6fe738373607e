"""``compose cp`` and ``compose events``: hutch's own ``cp`` and ``events`` on a project.

``cp`` takes ``SERVICE:PATH`` on one side and copies from the service's first
container (or ``--index N``), or into each of its containers (or ``--index N``),
as ``docker compose cp`` does. ``events`` follows the engine's container events
and keeps those of the project's containers, found by their labels (one-off
containers of ``compose run`` left out, as docker compose does).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli.compose_project import load_model
from hutch.cli.state import state_of

if TYPE_CHECKING:
    from hutch.api.compose import ComposeContainer, ComposeModel
    from hutch.api.events import Event


@dataclass(frozen=True)
class CopyPlan:
    """The service side of a ``compose cp`` and which way the copy goes."""

    service: str
    path: str  # inside the service's containers
    other: str  # the host side (a path, or - for a tar stream)
    into: bool  # True: host -> containers


def _service_path(arg: str, services: Mapping[str, Any]) -> tuple[str, str] | None:
    """``SERVICE:PATH`` -> (service, path); a host path (``./a:b``, ``/x``) -> None."""
    if arg == "-" or arg.startswith(("/", ".")):
        return None
    service, sep, path = arg.partition(":")
    if not sep:
        return None
    if service not in services:
        raise InvalidArgument(f"no such service: {service}")
    return service, path


def copy_plan(source: str, destination: str, services: Mapping[str, Any]) -> CopyPlan:
    src = _service_path(source, services)
    dst = _service_path(destination, services)
    if src and dst:
        raise InvalidArgument("copying between services is not supported")
    if dst:
        return CopyPlan(dst[0], dst[1], source, into=True)
    if src:
        return CopyPlan(src[0], src[1], destination, into=False)
    raise InvalidArgument("one of the paths must be SERVICE:PATH")


def copy_targets(
    plan: CopyPlan, containers: list[ComposeContainer], index: int
) -> list[ComposeContainer]:
    """The containers a copy goes to (every one of the service) or comes from (the first)."""
    mine = [c for c in containers if c.service == plan.service]
    if index:
        mine = [c for c in mine if c.number == index and not c.one_off]
        if not mine:
            raise InvalidArgument(f"service {plan.service!r} has no container number {index}")
    if not mine:
        raise InvalidArgument(f"no container found for service {plan.service!r}")
    return mine if plan.into else mine[:1]


def _local_time(time_ns: int) -> datetime:
    """Truncated to the microsecond, as Go formats it (a float would round)."""
    seconds, nanos = divmod(time_ns, 1_000_000_000)
    return datetime.fromtimestamp(seconds).astimezone().replace(microsecond=nanos // 1000)


def event_json(event: Event, service: str) -> dict[str, Any]:
    """docker compose's ``events --json`` object (the time as Go prints it, in ns)."""
    stamp = _local_time(event.time_ns)
    text = stamp.strftime("%Y-%m-%dT%H:%M:%S") + f".{event.time_ns % 1_000_000_000:09d}"
    offset = stamp.strftime("%z")
    return {
        "time": f"{text}{offset[:3]}:{offset[3:]}",
        "type": event.type,
        "action": event.action,
        "id": event.id,
        "service": service,
        "attributes": _attributes(event),
    }


def event_text(event: Event) -> str:
    """docker compose's line: local time in microseconds, action, id, attributes."""
    stamp = _local_time(event.time_ns).strftime("%Y-%m-%d %H:%M:%S.%f")
    shown = ", ".join(f"{k}={v}" for k, v in sorted(_attributes(event).items()))
    return f"{stamp} {event.type} {event.action} {event.id} ({shown})"


def _attributes(event: Event) -> dict[str, str]:
    out = {"image": event.image, "name": event.name}
    out.update(
        (k, v) for k, v in event.attributes.items() if not k.startswith("com.docker.compose.")
    )
    return out


class Membership:
    """Which of the events' containers belong to the project, and as which service.

    Known ids come from the project's labels, looked up again when an unknown
    container shows up; a container removed before that look is recognised by
    its name (``PROJECT-SERVICE-N`` or a ``container_name``).
    """

    def __init__(self, project: ComposeModel, listing: Any) -> None:
        self._listing = listing  # () -> list[ComposeContainer], one-offs included
        self._known: dict[str, str | None] = {}
        services = "|".join(re.escape(s) for s in project.services)
        self._pattern = re.compile(rf"{re.escape(project.name)}-({services})-\d+")
        self._fixed = {
            str(body["container_name"]): name
            for name, body in project.services.items()
            if body.get("container_name")
        }
        self.refresh()

    def refresh(self) -> None:
        for c in self._listing():
            self._known[c.id] = None if c.one_off else c.service

    def service(self, event: Event) -> str | None:
        if event.id not in self._known:
            self.refresh()
        if event.id not in self._known:  # gone already, or not the project's
            match = self._pattern.fullmatch(event.name) if event.name else None
            self._known[event.id] = match.group(1) if match else self._fixed.get(event.name)
        return self._known[event.id]


def add_commands(compose_app: typer.Typer) -> None:
    @compose_app.command("cp")
    def cp(
        ctx: typer.Context,
        source: Annotated[str, typer.Argument(help="SERVICE:SRC_PATH, or a host path or -.")],
        destination: Annotated[str, typer.Argument(help="SERVICE:DEST_PATH, or a host path or -.")],
        all: Annotated[
            bool, typer.Option("--all", help="Include the one-off containers of compose run.")
        ] = False,
        archive: Annotated[
            bool,
            typer.Option(
                "--archive", "-a", help="Keep the uid/gid of the source (default: the container's)."
            ),
        ] = False,
        index: Annotated[
            int, typer.Option("--index", help="Only this replica (from 1; default: all/first).")
        ] = 0,
        follow_link: Annotated[
            bool,
            typer.Option(
                "--follow-link", "-L", help="Copy a symlink source as its target, not the link."
            ),
        ] = False,
    ) -> None:
        """Copy files between a service's containers and the host."""
        from hutch.api.containers import CopyOptions

        if index < 0:
            raise InvalidArgument(f"invalid --index {index}: must be 1 or more")
        project = load_model(ctx, profiles=("*",))
        plan = copy_plan(source, destination, project.services)
        runner = state_of(ctx).compose().runner(project)
        found = runner.containers(True, (plan.service,), one_off=all)
        engine = state_of(ctx).engine()
        for c in copy_targets(plan, found, index):
            inside = f"{c.name}:{plan.path}"
            pair = (plan.other, inside) if plan.into else (inside, plan.other)
            # docker's -a keeps the source's ids; podman's --archive (hutch's
            # default) gives the files to the container's user: the opposite
            # and, as docker, a symlink source is copied as a link unless -L
            engine.containers.copy(CopyOptions(*pair, archive=not archive, follow_link=follow_link))

    @compose_app.command("events")
    def events(
        ctx: typer.Context,
        services: Annotated[list[str] | None, typer.Argument(help="Services.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
        since: Annotated[
            str | None,
            typer.Option("--since", help="Also events after this time (default: from now)."),
        ] = None,
        until: Annotated[str | None, typer.Option("--until", help="Stop at this time.")] = None,
    ) -> None:
        """Show the events of the project's containers as they happen."""
        from hutch.api.events import EventsOptions

        project = load_model(ctx, profiles=("*",))
        wanted = set(services or ())
        for name in wanted:
            if name not in project.services:
                raise InvalidArgument(f"no such service: {name}")
        runner = state_of(ctx).compose().runner(project)
        members = Membership(project, lambda: runner.containers(True, one_off=True))
        options = EventsOptions(
            filters=("type=container",),
            since=since if since is not None else f"{time.time():.6f}",
            until=until,
        )
        try:
            for event in state_of(ctx).engine().system.events(options):
                service = members.service(event)
                if service is None or (wanted and service not in wanted):
                    continue
                line = json.dumps(event_json(event, service)) if as_json else event_text(event)
                print(line, flush=True)
        except KeyboardInterrupt:
            return
