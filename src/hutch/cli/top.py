"""``hutch top``: the processes of a container.

``top_command`` does the work, for the fast path (cli/fast.py) and typer alike;
cli/stop.py says how such a module imports without typer.
"""

from hutch.api.errors import HutchError, NoSuchObject, UnknownDescriptor
from hutch.cli import render, target_rules

TYPE_CHECKING = False  # typing costs an import on the fast path; mypy reads this alike
if TYPE_CHECKING:
    import typer

    from hutch.api.engine import Engine
    from hutch.cli.state import AppState

# podman's: the words after the container are ps(1)'s, options among them
TOP_CONTEXT = {"allow_interspersed_args": False, "help_option_names": ["--help"]}


def top_command(
    state: "AppState",
    *,
    container: "str | None",
    descriptors: "list[str] | None",
    latest: bool,
) -> int:
    """Show the running processes of a container."""
    name, wanted = target_rules.shifted(state, container, descriptors, latest)
    if name is None:
        name = target_rules.one(
            state, None, False, "top", "you must provide the name or id of a running container"
        )
    engine = state.engine()
    try:
        report = engine.containers.top(name, wanted)
    except NoSuchObject as e:  # podman's words before the lookup's
        raise NoSuchObject(f"unable to look up requested container: {e}") from None
    except UnknownDescriptor:
        # ps(1)'s own options or descriptors: podman runs ps in the container
        # with the words as given and prints what it prints.
        return _ps_in_container(engine, name, wanted)
    print(render.table(list(report.headers), [list(r) for r in report.rows], strip=False), end="")
    return 0


def register(app: "typer.Typer", container_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli import targets as t
    from hutch.cli.state import state_of

    def top(
        ctx: typer.Context,
        container: Annotated[str | None, typer.Argument(help="Container.")] = None,
        descriptors: Annotated[
            list[str] | None,
            typer.Argument(help="Format descriptors (user pid ppid pcpu etime tty time args...)."),
        ] = None,
        latest: t.Latest = False,
    ) -> None:
        """Show the running processes of a container."""
        raise typer.Exit(
            top_command(state_of(ctx), container=container, descriptors=descriptors, latest=latest)
        )

    app.command("top", context_settings=TOP_CONTEXT)(top)
    container_app.command("top", context_settings=TOP_CONTEXT)(top)


def _ps_in_container(engine: "Engine", name: str, words: "list[str]") -> int:
    import os
    import sys
    import tempfile

    from hutch.api.container_exec import ExecOptions

    pids: list[int] = []  # ps's pid in the container, as ps's process read it
    with tempfile.TemporaryFile() as out, open(os.devnull, "rb") as null:
        try:
            report = engine.containers.exec(
                ExecOptions(
                    container=name,
                    command=("ps", *words),
                    stdio=(null.fileno(), out.fileno(), sys.stderr.fileno()),
                    on_start=lambda _hpid, ns_pid: pids.append(ns_pid),
                )
            )
        except HutchError as e:
            raise HutchError(f"executing ps(1) in the container: {e}") from None
        out.seek(0)
        text = out.read().decode(errors="replace")
    own = pids[0] if pids and pids[0] > 0 else None
    sys.stdout.write(without_pid(text, own, " ".join(("ps", *words))))
    sys.stdout.flush()
    return report.exit_code or 0


def without_pid(text: str, pid: "int | None", command: str = "") -> str:
    """ps(1)'s output without the row of the ps hutch ran: podman runs ps from outside
    the container's processes, so its output has no line of its own. The row is the
    one of PID under the header's PID column; where its pid is unknown, the one that
    ends with COMMAND (ps's own command line). Output without a header of ps's is
    kept as it is."""
    lines = text.splitlines(True)
    if not lines or "PID" not in lines[0].split():
        return text
    column = lines[0].split().index("PID")

    def own(line: str) -> bool:
        words = line.split()
        if pid is not None:
            return len(words) > column and words[column] == str(pid)
        return bool(command) and line.rstrip().endswith(f" {command}")

    return "".join([lines[0], *(line for line in lines[1:] if not own(line))])
