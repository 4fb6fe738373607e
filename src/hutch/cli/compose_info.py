"""``compose ls``, ``port``, ``top``, ``images`` and ``wait``: read-only views by label."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from hutch.api.compose import ComposeDownOptions
from hutch.api.containers import ListContainersOptions, PortOptions, WaitOptions
from hutch.api.errors import InvalidArgument
from hutch.cli.compose_project import load_model
from hutch.cli.state import state_of

PROJECT_LABEL = "com.docker.compose.project"


def add_commands(compose_app: typer.Typer) -> None:
    @compose_app.command("ls")
    def ls(
        ctx: typer.Context,
        all: Annotated[
            bool, typer.Option("--all", "-a", help="Also projects with no running container.")
        ] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print names only.")] = False,
        output_format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    ) -> None:
        """List the compose projects (from the labels of their containers)."""
        found = (
            state_of(ctx)
            .engine()
            .containers.ls(ListContainersOptions(all=True, filters=(f"label={PROJECT_LABEL}",)))
        )
        projects: dict[str, dict[str, int]] = {}
        files: dict[str, str] = {}
        for c in found:
            labels = dict(c.labels)
            name = labels[PROJECT_LABEL]
            projects.setdefault(name, {})
            projects[name][c.status] = projects[name].get(c.status, 0) + 1
            files[name] = labels.get(f"{PROJECT_LABEL}.config_files", "")
        rows = []
        for name, counts in sorted(projects.items()):
            if not all and "running" not in counts:
                continue
            status = ", ".join(f"{state}({n})" for state, n in sorted(counts.items()))
            rows.append({"Name": name, "Status": status, "ConfigFiles": files[name]})
        if quiet:
            for row in rows:
                print(row["Name"])
        elif output_format == "json":
            print(json.dumps(rows))
        elif output_format == "table":
            width = max([len("NAME"), *(len(r["Name"]) for r in rows)])
            swidth = max([len("STATUS"), *(len(r["Status"]) for r in rows)])
            print(f"{'NAME'.ljust(width)}   {'STATUS'.ljust(swidth)}   CONFIG FILES")
            for r in rows:
                print(
                    f"{r['Name'].ljust(width)}   {r['Status'].ljust(swidth)}   {r['ConfigFiles']}"
                )
        else:
            raise InvalidArgument(f"unsupported --format {output_format!r} (table or json)")

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
