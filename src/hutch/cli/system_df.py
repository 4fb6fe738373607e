"""``hutch system df``: disk usage of images, containers and volumes."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli import render, templating
from hutch.cli.state import state_of
from hutch.util.humansize import human_size
from hutch.util.humantime import human_duration

if TYPE_CHECKING:
    from hutch.api.system import DiskUsage, DiskUsageReport


def summary_row(line: DiskUsage) -> dict[str, Any]:
    percent = round(line.reclaimable * 100 / line.size) if line.size else 0
    return {
        "Type": line.type,
        "Total": line.total,
        "Active": line.active,
        "RawSize": line.size,
        "RawReclaimable": line.reclaimable,
        "Size": human_size(line.size),
        "Reclaimable": f"{human_size(line.reclaimable)} ({percent}%)",
    }


_DEFAULT = "table {{.Type}}\t{{.Total}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}"


def register(system_app: typer.Typer) -> None:
    @system_app.command("df")
    def df(
        ctx: typer.Context,
        verbose: Annotated[
            bool, typer.Option("--verbose", "-v", help="Show each image, container and volume.")
        ] = False,
        fmt: Annotated[
            str | None,
            typer.Option(
                "--format",
                help="json, or a Go template (.Type .Total .Active .Size .Reclaimable "
                ".RawSize .RawReclaimable).",
            ),
        ] = None,
    ) -> None:
        """Show hutch's disk usage."""
        if verbose and fmt:
            raise InvalidArgument("cannot combine --format and --verbose flags")
        report = state_of(ctx).engine().system.df()
        if verbose:
            print(_verbose(report), end="")
            return
        rows = [summary_row(line) for line in report.summary]
        if fmt == "json":
            render.print_json(rows)
            return
        print(templating.render_template(fmt or _DEFAULT, rows, name="df"), end="")


def _age(created: float) -> str:
    """podman's df -v CREATED: the bare duration (``4 minutes``), no "ago" as in ps."""
    return human_duration(time.time() - created)


def _verbose(report: DiskUsageReport) -> str:
    images = []
    for i in report.images:
        for name in i.names or ("<none>:<none>",):
            repo, _, tag = name.rpartition(":")
            images.append(
                [
                    repo,
                    tag,
                    i.id[:12],
                    _age(i.created),
                    human_size(i.size),
                    human_size(i.shared_size),
                    human_size(i.unique_size),
                    str(i.containers),
                ]
            )
    containers = [
        [
            c.id[:12],
            c.image_id[:12],
            c.command,
            str(c.local_volumes),
            human_size(c.size),
            _age(c.created),
            c.status,
            c.name,
        ]
        for c in report.containers
    ]
    volumes = [[v.name, str(v.links), human_size(v.size)] for v in report.volumes]
    return "\n".join(
        (
            "Images space usage:\n",
            render.table(
                [
                    "REPOSITORY",
                    "TAG",
                    "IMAGE ID",
                    "CREATED",
                    "SIZE",
                    "SHARED SIZE",
                    "UNIQUE SIZE",
                    "CONTAINERS",
                ],
                images,
            ),
            "Containers space usage:\n",
            render.table(
                [
                    "CONTAINER ID",
                    "IMAGE",
                    "COMMAND",
                    "LOCAL VOLUMES",
                    "SIZE",
                    "CREATED",
                    "STATUS",
                    "NAMES",
                ],
                containers,
            ),
            "Local Volumes space usage:\n",
            render.table(["VOLUME NAME", "LINKS", "SIZE"], volumes),
        )
    )
