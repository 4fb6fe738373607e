"""``hutch inspect`` / ``hutch container inspect``: JSON about objects.

``inspect_command`` and ``container_inspect_command`` do the work, for the fast
path (cli/fast.py) and typer alike; cli/stop.py says how such a module imports
without typer.
"""

from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.cli import inspecting, render, target_rules, templating

TYPE_CHECKING = False  # mypy reads this alike
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    import typer

    from hutch.api.engine import Engine
    from hutch.cli.state import AppState

# podman's words for inspect without a name (or --latest)
NO_NAMES = "no names or ids specified"
LATEST_AND_NAMES = "--latest and arguments cannot be used together"
TYPES = ("all", "container", "image", "volume", "network", "pod")
_MISSING = {
    "container": inspecting.no_such_container,
    "image": inspecting.no_such_image,
    "volume": inspecting.no_such_volume,
    "network": inspecting.no_such_network,
    "pod": inspecting.no_such_pod,
}


def inspect_command(
    state: "AppState",
    *,
    names: "list[str] | None",
    fmt: "str | None",
    type_: str,
    latest: bool,
    size: bool,
) -> int:
    """Show details of containers, images, volumes, networks or pods as JSON."""
    # podman's newInspector refuses these first
    if type_ == "image" and latest:
        raise InvalidArgument('latest is not supported for type "image"')
    if type_ in ("image", "pod") and size:
        raise InvalidArgument(f'size is not supported for type "{type_}"')
    names = target_rules.many(state, names, latest, "inspect", NO_NAMES, LATEST_AND_NAMES)
    if type_ not in TYPES:
        raise InvalidArgument(
            f'invalid type "{type_}": must be "image", "container", "pod", "network", '
            '"volume", or "all"'
        )
    engine = state.engine()
    templated = bool(fmt) and not render.is_json(fmt)
    fetch = _container_fetch(engine, fmt, size)
    rows, errors = inspecting.collect(
        names,
        lambda name: _one(engine, name, type_, templated, fetch),
        lambda _n, message: message,
    )
    inspecting.report(rows, errors, fmt, image=type_ == "image", any_kind=True)
    return 0


def _container_fetch(
    engine: "Engine", fmt: "str | None", size: bool
) -> "Callable[[str], list[Mapping[str, Any]]]":
    """How a container's rows are made for ``fmt``: from its record and state file
    alone when the template reads no other key (``{{.State.Status}}``: the spec,
    network, image and volume code of the whole report stay unloaded), else the
    whole report, as podman's CLI shows it."""
    from hutch.api.podman_json import to_json

    if fmt and not size and not render.is_json(fmt):
        from hutch.api.container_state_report import STATE_ONLY_FIELDS

        read = templating.fields_read(inspecting.normalize(fmt))
        if read is not None and read <= STATE_ONLY_FIELDS:
            return lambda name: [to_json(r) for r in engine.containers.inspect_state([name])]
    from hutch.api.container_inspect import InspectOptions
    from hutch.cli.inspecting import podman_shape

    return lambda name: [
        to_json(podman_shape(r)) for r in engine.containers.inspect([name], InspectOptions(size))
    ]


def _one(
    engine: "Engine",
    name: str,
    type_: str,
    templated: bool,
    containers: "Callable[[str], list[Mapping[str, Any]]]",
) -> "list[Mapping[str, Any]]":
    """The first kind of object (podman's order) that has ``name``; ``containers``
    makes a container's rows (``_container_fetch``)."""
    from hutch.api.podman_json import to_json
    from hutch.cli import network_render, volume_render

    kinds: list[tuple[str, Callable[[], list[Mapping[str, Any]]]]] = [
        ("container", lambda: containers(name)),
        (
            "image",
            lambda: [
                templating.typed(to_json(r), templating.IMAGE_TYPE)
                for r in engine.images.inspect([name])
            ],
        ),
        (
            "volume",
            lambda: [volume_render.json_of(v) for v in engine.volumes.inspect([name], False)],
        ),
        (
            "network",
            lambda: [
                (network_render.inspect_struct if templated else network_render.json_of)(n)
                for n in engine.networks.inspect([name])
            ],
        ),
        ("pod", lambda: [to_json(p) for p in engine.pods.inspect([name])]),
    ]
    for kind, fetch in kinds:
        if type_ in ("all", kind):
            try:
                found = fetch()
            except NoSuchObject as e:
                if type_ == kind:
                    raise NoSuchObject(_MISSING[kind](name, str(e))) from None
                continue
            if found:
                return found
    if type_ != "all":  # the engine found none without an error
        engine_words = {
            "image": f"{name}: image not known",
            "network": f"unable to find network with name or ID {name}: network not found",
        }
        raise NoSuchObject(_MISSING[type_](name, engine_words.get(type_, "")))
    raise NoSuchObject(f'no such object: "{name}"')


def container_inspect_command(
    state: "AppState", *, names: "list[str] | None", fmt: "str | None", latest: bool, size: bool
) -> int:
    """Show details of containers as JSON."""
    names = target_rules.many(state, names, latest, "container inspect", NO_NAMES, LATEST_AND_NAMES)
    rows, errors = inspecting.collect(
        names, _container_fetch(state.engine(), fmt, size), inspecting.no_such_container
    )
    inspecting.report(rows, errors, fmt)
    return 0


def register(app: "typer.Typer", container_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli import targets as t
    from hutch.cli.state import state_of

    def inspect(
        ctx: typer.Context,
        names: Annotated[list[str] | None, typer.Argument(help="Containers or images.")] = None,
        fmt: Annotated[
            str | None, typer.Option("--format", "-f", help="json (default) or a Go template.")
        ] = None,
        type_: Annotated[
            str,
            typer.Option("--type", "-t", help="container, image, volume, network, pod or all."),
        ] = "all",
        latest: Annotated[
            bool, typer.Option("--latest", "-l", help="Inspect the container created last.")
        ] = False,
        size: Annotated[
            bool, typer.Option("--size", "-s", help="Containers: add SizeRw and SizeRootFs.")
        ] = False,
    ) -> None:
        """Show details of containers, images, volumes, networks or pods as JSON."""
        raise typer.Exit(
            inspect_command(
                state_of(ctx), names=names, fmt=fmt, type_=type_, latest=latest, size=size
            )
        )

    def container_inspect(
        ctx: typer.Context,
        names: t.Names = None,
        fmt: Annotated[
            str | None, typer.Option("--format", "-f", help="json (default) or a Go template.")
        ] = None,
        latest: t.Latest = False,
        size: Annotated[
            bool, typer.Option("--size", "-s", help="Add SizeRw and SizeRootFs.")
        ] = False,
    ) -> None:
        """Show details of containers as JSON."""
        raise typer.Exit(
            container_inspect_command(state_of(ctx), names=names, fmt=fmt, latest=latest, size=size)
        )

    app.command("inspect")(inspect)
    container_app.command("inspect")(container_inspect)
