"""``hutch logs``: what a container wrote to stdout and stderr.

``logs_command`` does the work, for the fast path (cli/fast.py) and typer
alike; cli/stop.py says how such a module imports without typer.
"""

import sys

from hutch.cli import target_rules

TYPE_CHECKING = False  # mypy reads this alike
if TYPE_CHECKING:
    import typer

    from hutch.cli.state import AppState

# podman's colours for ``logs --color``, the Nth container taking the Nth (round again
# after the seventh): white, red, yellow, blue, magenta, cyan, green
COLOURS = ("37", "31", "33", "34", "35", "36", "32")


def coloured(text: bytes, index: int) -> bytes:
    """One line (prefixes included, newline not) in the colour of the INDEXth container."""
    return b"\x1b[%sm%s\x1b[0m" % (COLOURS[index % len(COLOURS)].encode(), text)


def logs_command(
    state: "AppState",
    *,
    names: "list[str] | None",
    follow: bool,
    tail: "int | None",
    since: "str | None",
    until: "str | None",
    timestamps: bool,
    latest: bool,
    show_names: bool,
    colour: bool,
    details: bool,
) -> int:
    """Print the logs of one or more containers."""
    del details  # Docker's flag: podman takes it and prints nothing more
    from hutch.api.container_logs import LogsOptions

    names = target_rules.many(
        state, names, latest, "logs", "specify at least one container name or ID to log"
    )
    if tail is not None and tail < 0:
        tail = None  # podman: a negative tail means all lines
    options = LogsOptions(tuple(names), follow, tail, since, until, timestamps)
    out = {"stdout": sys.stdout.buffer, "stderr": sys.stderr.buffer}
    several = len(names) > 1  # podman prefixes only then, --names or not
    for line in state.engine().containers.logs(options):
        stream = out.get(line.stream, sys.stdout.buffer)
        who = (line.container_name if show_names else line.container_id[:12]) + " "
        prefix = (who if several else "") + (f"{line.timestamp} " if timestamps else "")
        text = prefix.encode() + line.text
        if colour:
            text = coloured(text, line.container_index)
        stream.write(text + (b"" if line.partial else b"\n"))
        stream.flush()
    return 0


def register(app: "typer.Typer", container_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli import targets as t
    from hutch.cli.state import state_of

    def logs(
        ctx: typer.Context,
        names: t.Names = None,
        follow: Annotated[
            bool,
            typer.Option(
                "--follow", "-f", help="Keep printing new output until the container exits."
            ),
        ] = False,
        tail: Annotated[
            int | None, typer.Option("--tail", help="Print only the last N lines.")
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
            bool, typer.Option("--timestamps", "-t", help="Prefix each line with its time.")
        ] = False,
        latest: t.Latest = False,
        show_names: Annotated[
            bool,
            typer.Option(
                "--names",
                "-n",
                help="With several containers, prefix lines with names, not ids.",
            ),
        ] = False,
        colour: Annotated[
            bool,
            typer.Option("--color", help="Print each container's lines in a colour of its own."),
        ] = False,
        details: Annotated[
            bool,
            typer.Option(
                "--details", hidden=True, help="Accepted and ignored (podman hides it too)."
            ),
        ] = False,
    ) -> None:
        """Print the logs of one or more containers."""
        raise typer.Exit(
            logs_command(
                state_of(ctx),
                names=names,
                follow=follow,
                tail=tail,
                since=since,
                until=until,
                timestamps=timestamps,
                latest=latest,
                show_names=show_names,
                colour=colour,
                details=details,
            )
        )

    app.command("logs")(logs)
    container_app.command("logs")(logs)
