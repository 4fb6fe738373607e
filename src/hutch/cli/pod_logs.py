"""``hutch pod logs``: the logs of every container of a pod, each line prefixed."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hutch.cli.logs import coloured
from hutch.cli.state import state_of


def register(pod_app: typer.Typer) -> None:
    @pod_app.command("logs")
    def logs(
        ctx: typer.Context,
        pod: Annotated[str | None, typer.Argument(help="Pod.")] = None,
        container: Annotated[
            str | None,
            typer.Option("--container", "-c", help="Only the logs of this container of the pod."),
        ] = None,
        follow: Annotated[
            bool,
            typer.Option("--follow", "-f", help="Keep printing new output until all exit."),
        ] = False,
        names: Annotated[
            bool,
            typer.Option("--names", "-n", help="Prefix lines with container names, not ids."),
        ] = False,
        tail: Annotated[
            int | None, typer.Option("--tail", help="Print only the last N lines of each.")
        ] = None,
        since: Annotated[
            str | None,
            typer.Option(
                "--since", help="Only lines after this time (RFC 3339, unix, or duration)."
            ),
        ] = None,
        until: Annotated[
            str | None, typer.Option("--until", help="Only lines before this time.")
        ] = None,
        timestamps: Annotated[
            bool, typer.Option("--timestamps", "-t", help="Show each line's time too.")
        ] = False,
        latest: Annotated[
            bool, typer.Option("--latest", "-l", help="The pod created last.")
        ] = False,
        colour: Annotated[
            bool,
            typer.Option("--color", help="Print each container's lines in a colour of its own."),
        ] = False,
    ) -> None:
        """Print the logs of the containers of a pod, each line after its container's id."""
        from hutch.api.pods import PodLogsOptions
        from hutch.cli.pod_targets import one

        pod = one(
            state_of(ctx),
            pod,
            latest,
            both="--latest and pods cannot be used together",
            neither="specify at least one pod name or ID to log",
        )

        if tail is not None and tail < 0:
            tail = None  # podman: a negative tail means all lines
        options = PodLogsOptions(pod, container, follow, tail, since, until, timestamps)
        out = {"stdout": sys.stdout.buffer, "stderr": sys.stderr.buffer}
        for entry in state_of(ctx).engine().pods.logs(options):
            line = entry.line
            who = entry.container_name if names else entry.container_id[:12]
            prefix = f"{who} " + (f"{line.timestamp} " if timestamps else "")
            stream = out.get(line.stream, sys.stdout.buffer)
            text = prefix.encode() + line.text
            if colour:  # as logs --color: the whole line, prefixes too
                text = coloured(text, line.container_index)
            stream.write(text + (b"" if line.partial else b"\n"))
            stream.flush()
