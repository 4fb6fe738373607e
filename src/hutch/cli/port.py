"""``hutch port``: the published ports of containers (podman's output format).

``port_command`` does the work, for the fast path (cli/fast.py) and typer alike;
cli/stop.py says how such a module imports without typer.
"""

from hutch.api.errors import HutchError, InvalidArgument
from hutch.cli import target_rules

TYPE_CHECKING = False  # typing costs an import on the fast path; mypy reads this alike
if TYPE_CHECKING:
    import typer

    from hutch.api.container_usage import PortReport
    from hutch.cli.state import AppState


def _wanted(text: str) -> tuple[int, str]:
    """PORT[/PROTO] as podman reads it: a protocol it does not know is looked up (and
    not found, as sctp and anything else here), a bad number is Go's strconv error."""
    fields = text.split("/")
    if len(fields) > 2:
        raise InvalidArgument(f"port formats are port/protocol. '{text}' is invalid")
    port = fields[0]
    if not port.isascii() or not port.isdigit():
        raise InvalidArgument(f'strconv.ParseUint: parsing "{port}": invalid syntax')
    if int(port) > 65535:
        raise InvalidArgument(f'strconv.ParseUint: parsing "{port}": value out of range')
    return int(port), fields[1] if len(fields) == 2 else "tcp"


def lines_of(report: "PortReport", wanted: "str | None", prefix: str) -> "list[str]":
    """``80/tcp -> 0.0.0.0:8080`` lines, or the ``0.0.0.0:8080`` of one private port."""
    out = []
    want = _wanted(wanted) if wanted else None
    for p in report.ports:
        host = f"{p.host_ip or '0.0.0.0'}:{p.host_port}"
        if want is None:
            out.append(f"{prefix}{p.container_port}/{p.protocol} -> {host}")
        elif (p.container_port, p.protocol) == want:
            out.append(f"{prefix}{host}")
    # a container with no published port has nothing to look up in: podman passes over
    # it without a word (only one with ports says the one asked for is not there)
    if want is not None and not out and report.ports:
        raise HutchError(f'failed to find published port "{wanted}"')  # Go's %q
    return out


def port_command(state: "AppState", *, args: "list[str] | None", all_: bool, latest: bool) -> int:
    """List the port mappings of a container, or look up one private port."""
    from hutch.api.container_usage import PortOptions

    args = list(args or ())
    if latest:  # podman port -l [PRIVATE_PORT]: the container created last
        if all_:
            raise InvalidArgument("--all and --latest cannot be used together")
        if len(args) > 1:
            raise InvalidArgument("--latest takes at most a PRIVATE_PORT, no container")
        args = [target_rules.latest_id(state), *args]
    if all_:
        if args:  # podman's words: --all takes neither a container nor a port
            raise InvalidArgument("no arguments are needed with --all")
        wanted = None
        reports = state.engine().containers.port((), PortOptions(all=True))
    else:
        if not args:  # podman's words for each
            raise InvalidArgument("you must supply a running container name or id")
        if len(args) > 2:
            raise InvalidArgument("`port` accepts at most 2 arguments")
        wanted = args[1] if len(args) == 2 else None
        if wanted:  # a bad port is refused before the container is looked up
            _wanted(wanted)
        reports = state.engine().containers.port(args[:1], PortOptions())
    for report in reports:
        prefix = f"{report.id[:12]}\t" if all_ else ""
        for line in lines_of(report, wanted, prefix):
            print(line)
    return 0


def register(app: "typer.Typer", container_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli import targets as t
    from hutch.cli.state import state_of

    def port(
        ctx: typer.Context,
        args: Annotated[
            list[str] | None, typer.Argument(help="CONTAINER [PRIVATE_PORT[/PROTO]].")
        ] = None,
        all_: Annotated[
            bool, typer.Option("--all", "-a", help="Port mappings of every running container.")
        ] = False,
        latest: t.Latest = False,
    ) -> None:
        """List the port mappings of a container, or look up one private port."""
        raise typer.Exit(port_command(state_of(ctx), args=args, all_=all_, latest=latest))

    app.command("port")(port)
    container_app.command("port")(port)
