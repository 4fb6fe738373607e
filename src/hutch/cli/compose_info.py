"""``compose port``, ``top``, ``images`` and ``wait``: read-only views by label
(``ls``: cli/compose_ls.py, which starts without typer)."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.api.compose import ComposeDownOptions
from hutch.api.containers import PortOptions, WaitOptions
from hutch.api.errors import InvalidArgument
from hutch.cli.compose_project import load_model
from hutch.cli.state import state_of


def add_commands(compose_app: typer.Typer) -> None:
    @compose_app.command("port")
    def port(
        ctx: typer.Context,
        service: Annotated[str, typer.Argument(help="Service.")],
        private_port: Annotated[int, typer.Argument(help="Port inside the container.")],
        protocol: Annotated[str, typer.Option("--protocol", help="tcp or udp.")] = "tcp",
        index: Annotated[int, typer.Option("--index", help="Which replica (from 1).")] = 1,
    ) -> None:
        """Print the host address a service's port is published on."""
        project = load_model(ctx, (service,), profiles=("*",))
        found = state_of(ctx).compose().runner(project).containers(True, (service,))
        match = [c.name for c in found if c.number == index]
        if not match:
            raise InvalidArgument(f"service {service!r} has no container number {index}")
        for report in state_of(ctx).engine().containers.port(match, PortOptions()):
            for p in report.ports:
                if p.container_port == private_port and p.protocol == protocol:
                    print(f"{p.host_ip or '0.0.0.0'}:{p.host_port}")
                    return
        raise InvalidArgument(f"no port {private_port}/{protocol} published for {match[0]}")

    @compose_app.command("top")
    def top(
        ctx: typer.Context,
        services: Annotated[list[str] | None, typer.Argument(help="Services.")] = None,
    ) -> None:
        """Show the processes of the project's running containers."""
        project = load_model(ctx, services or (), profiles=("*",))
        found = state_of(ctx).compose().runner(project).containers(False, tuple(services or ()))
        engine = state_of(ctx).engine()
        for c in found:
            report = engine.containers.top(c.name, ())
            print(c.name)
            rows = [report.headers, *report.rows]
            widths = [max(len(r[i]) for r in rows) for i in range(len(report.headers))]
            for row in rows:
                print("   ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
            print()

    @compose_app.command("images")
    def images(
        ctx: typer.Context,
        services: Annotated[list[str] | None, typer.Argument(help="Services.")] = None,
        quiet: Annotated[
            bool, typer.Option("--quiet", "-q", help="Print image names only.")
        ] = False,
    ) -> None:
        """List the images the project's containers use."""
        project = load_model(ctx, services or (), profiles=("*",))
        found = state_of(ctx).compose().runner(project).containers(True, tuple(services or ()))
        if quiet:
            for image in dict.fromkeys(c.image for c in found):
                print(image)
            return
        width = max([len("CONTAINER"), *(len(c.name) for c in found)])
        print(f"{'CONTAINER'.ljust(width)}   IMAGE")
        for c in found:
            print(f"{c.name.ljust(width)}   {c.image}")

    @compose_app.command("wait")
    def wait(
        ctx: typer.Context,
        services: Annotated[list[str], typer.Argument(help="Services.")],
        down_project: Annotated[
            bool, typer.Option("--down-project", help="Stop the project when the first exits.")
        ] = False,
    ) -> int:
        """Wait for the services' containers to exit; exit with the first one's code."""
        project = load_model(ctx, services, profiles=("*",))
        runner = state_of(ctx).compose().runner(project)
        found = runner.containers(True, tuple(services))
        if not found:
            raise InvalidArgument("no containers for the services named")
        reports = (
            state_of(ctx)
            .engine()
            .containers.wait([c.name for c in found], WaitOptions(("exited",)))
        )
        if down_project:
            runner.down(ComposeDownOptions(), lambda line: None)
        return reports[0].exit_code
