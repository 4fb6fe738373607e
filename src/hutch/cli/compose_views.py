"""``compose port``, ``top`` and ``images``: read-only views of a project's containers.

Each ``*_command`` does the work; the fast path (cli/fast.py) calls it without
typer, the typer command of ``add_commands`` with the same values (no ``from
__future__ import annotations``, as cli/compose_ps.py). The project comes from
the cache of loaded projects (compose/modelcache.py) when nothing it was made
from changed: as for ``ps``, no error of these verbs points into a file.
"""

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, Any

from hutch.api.errors import InvalidArgument
from hutch.cli.compose_project import GROUP_KEY, load_project, options_of, progress_mode

if TYPE_CHECKING:
    import typer

    from hutch.api.compose import ComposeContainer
    from hutch.cli.state import AppState


def _containers(
    state: "AppState", group: Mapping[str, Any], services: Sequence[str], all: bool
) -> list["ComposeContainer"]:
    """The containers of ``services`` (default all), each named one checked to exist."""
    progress_mode(group)  # what typer's group callback checks first
    options = replace(options_of(group), profiles=("*",))
    project = load_project(state, options, services, reuse=True)
    return state.compose().containers(project, all, tuple(services))


def port_command(
    state: "AppState",
    group: Mapping[str, Any],
    service: str,
    private_port: int,
    protocol: str,
    index: int,
) -> None:
    """``hutch compose [GROUP] port SERVICE PORT``: where the port is published."""
    from hutch.api.container_usage import PortOptions

    found = _containers(state, group, (service,), True)
    match = [c.name for c in found if c.number == index]
    if not match:
        raise InvalidArgument(f"service {service!r} has no container number {index}")
    for report in state.engine().containers.port(match, PortOptions()):
        for p in report.ports:
            if p.container_port == private_port and p.protocol == protocol:
                print(f"{p.host_ip or '0.0.0.0'}:{p.host_port}")
                return
    raise InvalidArgument(f"no port {private_port}/{protocol} published for {match[0]}")


def top_command(state: "AppState", group: Mapping[str, Any], services: list[str] | None) -> None:
    """``hutch compose [GROUP] top``: the processes of the running containers."""
    found = _containers(state, group, services or (), False)
    engine = state.engine()
    for c in found:
        report = engine.containers.top(c.name, ())
        print(c.name)
        rows = [report.headers, *report.rows]
        widths = [max(len(r[i]) for r in rows) for i in range(len(report.headers))]
        for row in rows:
            print("   ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
        print()


def images_command(
    state: "AppState", group: Mapping[str, Any], services: list[str] | None, quiet: bool
) -> None:
    """``hutch compose [GROUP] images``: the images the containers use."""
    found = _containers(state, group, services or (), True)
    if quiet:
        for image in dict.fromkeys(c.image for c in found):
            print(image)
        return
    width = max([len("CONTAINER"), *(len(c.name) for c in found)])
    print(f"{'CONTAINER'.ljust(width)}   IMAGE")
    for c in found:
        print(f"{c.name.ljust(width)}   {c.image}")


def add_commands(compose_app: "typer.Typer") -> None:
    import typer

    from hutch.cli.state import state_of

    @compose_app.command("port")
    def port(
        ctx: typer.Context,
        service: Annotated[str, typer.Argument(help="Service.")],
        private_port: Annotated[int, typer.Argument(help="Port inside the container.")],
        protocol: Annotated[str, typer.Option("--protocol", help="tcp or udp.")] = "tcp",
        index: Annotated[int, typer.Option("--index", help="Which replica (from 1).")] = 1,
    ) -> None:
        """Print the host address a service's port is published on."""
        port_command(
            state_of(ctx),
            ctx.meta[GROUP_KEY],
            service=service,
            private_port=private_port,
            protocol=protocol,
            index=index,
        )

    @compose_app.command("top")
    def top(
        ctx: typer.Context,
        services: Annotated[list[str] | None, typer.Argument(help="Services.")] = None,
    ) -> None:
        """Show the processes of the project's running containers."""
        top_command(state_of(ctx), ctx.meta[GROUP_KEY], services=services)

    @compose_app.command("images")
    def images(
        ctx: typer.Context,
        services: Annotated[list[str] | None, typer.Argument(help="Services.")] = None,
        quiet: Annotated[
            bool, typer.Option("--quiet", "-q", help="Print image names only.")
        ] = False,
    ) -> None:
        """List the images the project's containers use."""
        images_command(state_of(ctx), ctx.meta[GROUP_KEY], services=services, quiet=quiet)
