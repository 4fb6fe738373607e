"""``compose pull`` and ``compose push``: a project's images to and from registries.

As ``docker compose``: ``pull`` fetches the image of every service that names
one (a service that can build its image only warns when the pull fails;
``pull_policy: never`` or ``build`` leaves a service out); ``push`` sends the
image of every service with both ``image`` and ``build``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from hutch.api.compose import ComposePullOptions, ComposePushOptions
from hutch.api.errors import HutchError, InvalidArgument
from hutch.api.images import PullOptions, PushOptions
from hutch.compose.layers import LayerRows
from hutch.compose.refresh import record, window

if TYPE_CHECKING:
    from hutch.api.engine import Engine

Progress = Callable[[str], None]


def _named(services: Mapping[str, Any], names: tuple[str, ...]) -> list[str]:
    for name in names:
        if name not in services:
            raise InvalidArgument(f"no such service: {name}")
    return list(names or services)


def _refreshes(service: Mapping[str, Any]) -> bool:
    try:
        return window(service) is not None
    except ValueError:
        return False  # ``up`` names the bad duration


def pull(
    engine: Engine, services: Mapping[str, Any], options: ComposePullOptions, progress: Progress
) -> None:
    for name in _named(services, options.services):
        service = services[name]
        if "image" not in service or service.get("pull_policy") in ("never", "build"):
            continue
        image = str(service["image"])
        # -q: as docker compose since 2.32, the service's rows without its layers'
        layers = None if options.quiet else LayerRows(name, progress)
        progress(f" Service {name}  Pulling {image}")
        try:
            pulling = PullOptions(reference=image, quiet=True, on_progress=layers)
            report = engine.images.pull(pulling)
        except HutchError as exc:
            if not (options.ignore_failures or "build" in service):
                raise
            progress(f" Service {name}  Warning: {exc}")
            continue
        if _refreshes(service):  # its next ``up`` measures from this pull
            record(engine, report.names)
        progress(f" Service {name}  Pulled")


def push(
    engine: Engine, services: Mapping[str, Any], options: ComposePushOptions, progress: Progress
) -> None:
    for name in _named(services, options.services):
        service = services[name]
        if "image" not in service or "build" not in service:
            continue
        image = str(service["image"])
        if not options.quiet:
            progress(f" Service {name}  Pushing {image}")
        try:
            engine.images.push(PushOptions(source=image, quiet=True))
        except HutchError as exc:
            if not options.ignore_failures:
                raise
            progress(f" Service {name}  Warning: {exc}")
            continue
        if not options.quiet:
            progress(f" Service {name}  Pushed")
