"""``hutch ps`` / ``hutch container ls``: list containers.

``ps_command`` does the work; the fast path (cli/fast.py) calls it without
typer, the typer command of ``register`` with the same values. So that this
module imports without typer, it has no ``from __future__ import
annotations``: register's parameter annotations are evaluated where they
are written, inside register, which imports typer.
"""

import time

from hutch.cli import render
from hutch.util import gotemplate

# typing costs an import on the fast path (issue 16); mypy reads this alike
TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Any

    import typer

    from hutch.api.container_list import ContainerSummary
    from hutch.cli.state import AppState

HEADERS = {
    "ID": "CONTAINER ID",
    "Image": "IMAGE",
    "Command": "COMMAND",
    "CreatedHuman": "CREATED",
    "Status": "STATUS",
    "Ports": "PORTS",
    "Names": "NAMES",
    "Size": "SIZE",
    "Pod": "POD ID",
    "PodName": "PODNAME",
}
COLUMNS = ("ID", "Image", "Command", "CreatedHuman", "Status", "Ports", "Names")
# podman's Namespaces fields in its order, each with the kind /proc/PID/ns names it,
# its key in ps --format json, and its column of ps --ns
NAMESPACES = (
    ("MNT", "mnt", "Mnt", "MNT"),
    ("Cgroup", "cgroup", "Cgroup", "CGROUPNS"),
    ("IPC", "ipc", "Ipc", "IPC"),
    ("NET", "net", "Net", "NET"),
    ("PIDNS", "pid", "Pidns", "PIDNS"),
    ("UTS", "uts", "Uts", "UTS"),
    ("User", "user", "User", "USERNS"),
)
# ps --ns: the id, name and pid, then the namespaces in the order of their columns
NS_COLUMNS = ("CGROUPNS", "IPC", "MNT", "NET", "PIDNS", "USERNS", "UTS")


def _since(ts: float, now: float) -> str:
    return render.human_ago(ts, now).removesuffix(" ago")


def status_text(c: "ContainerSummary", now: float) -> str:
    """podman's STATUS: ``Up 5 seconds``, ``Exited (0) 2 minutes ago``, any other
    state by its name (``Paused``, ``Stopping``, ``Created``, ``Initialized``;
    Docker's ``Up 5 seconds (Paused)`` is the API's), then the health in parentheses."""
    if c.status == "running":
        text = f"Up {_since(c.started_at, now)}"
    elif c.status == "exited":
        text = f"Exited ({c.exit_code}) {render.human_ago(c.finished_at, now)}"
    else:
        shown = ("initialized", "paused", "stopping", "unknown")
        text = c.status.title() if c.status in shown else "Created"
    return f"{text} ({c.health})" if c.health else text


def ports_text(c: "ContainerSummary") -> str:
    """podman's PORTS column: ``0.0.0.0:8080->80/tcp, 127.0.0.1:53->53/udp``."""
    return ", ".join(f"{ip or '0.0.0.0'}:{host}->{ctr}/{proto}" for ip, host, ctr, proto in c.ports)


# Go's zero time.Time in Unix seconds: podman's ExitedAt/StartedAt of a container
# that never exited or started
_ZERO_UNIX = -62135596800


def _unix(ts: float) -> int:
    return int(ts) if ts else _ZERO_UNIX


def _size_text(c: "ContainerSummary") -> str:
    """podman's SIZE with --size: ``12B (virtual 1.99MB)`` (go-units, three digits)."""
    if c.size is None:
        return ""
    from hutch.util.humansize import human_size

    return f"{human_size(c.size, 3)} (virtual {human_size(c.root_fs_size or 0, 3)})"


def row_of(
    c: "ContainerSummary", now: float, no_trunc: bool, pods: bool = False, typed: bool = True
) -> "dict[str, Any]":
    """The template fields of podman's ps (podman-ps(1) "--format"), with its types.
    ``typed`` False: ``Created``, ``CreatedAt`` and ``Namespaces`` None, not a Go time
    and struct, which load the template values and datetime (0.9 ms): the default
    table and ``-q`` show none of them."""
    # podman's: the Cmd (no entrypoint) joined by blanks, unquoted
    whole = " ".join(c.cmd)
    command = whole if no_trunc or len(whole) <= 20 else whole[:17] + "..."
    created = gotemplate.GoTime.from_timestamp(c.created, local=True) if typed else None
    labels = dict(c.labels)
    return {
        "AutoRemove": False,
        "Command": command,
        "Created": created,
        "CreatedAt": str(created) if typed else None,
        "CreatedHuman": render.human_ago(c.created, now),
        "ExitCode": c.exit_code,
        "Exited": c.status == "exited",
        "ExitedAt": _unix(c.finished_at),
        "ExposedPorts": None,
        "ID": c.id if no_trunc else c.id[:12],
        "Id": c.id,
        "Image": c.image,
        "ImageID": c.image_id if no_trunc else c.image_id[:12],  # as podman's psReporter
        "IsInfra": c.is_infra,
        "Label": lambda key: labels.get(key, ""),
        "Labels": labels or None,  # podman's nil map: {{json .Labels}} is null
        "Mounts": [m[2] for m in c.mounts],
        "Names": c.name,
        "Namespaces": _namespaces(c) if typed else None,
        "Networks": ",".join(c.networks),  # podman 4.3.1: the names joined by commas
        "Pid": c.pid,
        "Pod": c.pod if no_trunc else c.pod[:12],
        "PodName": c.pod_name if pods else "",  # podman 4.3.1 fills it with --pod only
        "Ports": ports_text(c),
        "Restarts": c.restart_count,
        "RunningFor": render.human_ago(c.created, now),
        "Size": _size_text(c),
        "StartedAt": _unix(c.started_at),
        # the state's name (running, exited, ...), as current podman's and Docker's; podman
        # 4.3.1 gave the human status here too (podman#18244, fixed after it)
        "State": c.status,
        "Status": status_text(c, now),
    }


def _namespaces(c: "ContainerSummary") -> "gotemplate.Struct":
    """podman's ps Namespaces: the inodes with --ns (of a running container), else empty."""
    have = dict(c.namespaces)
    return gotemplate.Struct(
        "entities.ListContainerNamespaces",
        {field: have.get(kind, "") for field, kind, _, _ in NAMESPACES},
        {field: f"{key},omitempty" for field, _, key, _ in NAMESPACES},
    )


def _namespaces_json(c: "ContainerSummary") -> dict[str, str]:
    have = dict(c.namespaces)
    return {key: have[kind] for _, kind, key, _ in NAMESPACES if have.get(kind)}


def _ns_table(rows: "list[dict[str, Any]]") -> str:
    """ps --ns: id, name, pid and the inode of each namespace, as podman 4.3.1 prints them."""
    header = ["CONTAINER ID", "NAMES", "PID", *NS_COLUMNS]
    by_column = {column: field for field, _, _, column in NAMESPACES}
    lines = [
        [str(r["ID"]), str(r["Names"]), str(r["Pid"])]
        + [r["Namespaces"][by_column[column]] for column in NS_COLUMNS]
        for r in rows
    ]
    return render.table(header, lines, strip=False)  # podman's blanks before empty cells


def json_of(c: "ContainerSummary") -> "dict[str, Any]":
    """podman's ps --format json entry, keys in podman's order."""
    return {
        "AutoRemove": False,
        "Command": list(c.cmd),
        "CreatedAt": render.human_ago(c.created, time.time()),
        "Exited": c.status == "exited",
        "ExitedAt": _unix(c.finished_at),
        "ExitCode": c.exit_code,
        "Id": c.id,
        "Image": c.image,
        "ImageID": c.image_id,
        "IsInfra": c.is_infra,
        "Labels": dict(c.labels) or None,
        "Mounts": [m[2] for m in c.mounts],  # destinations, as podman's
        "Names": [c.name],
        "Namespaces": _namespaces_json(c),
        "Networks": list(c.networks),
        "Pid": c.pid,
        "Pod": c.pod,
        "PodName": c.pod_name,
        "Ports": [
            {
                "host_ip": ip,
                "container_port": ctr,
                "host_port": host,
                "range": 1,
                "protocol": proto,
            }
            for ip, host, ctr, proto in c.ports
        ]
        or None,
        "Restarts": c.restart_count,
        "Size": (
            {"rootFsSize": c.root_fs_size or 0, "rwSize": c.size} if c.size is not None else None
        ),
        "StartedAt": _unix(c.started_at),
        "State": c.status,
        "Status": status_text(c, time.time()),
        "Created": int(c.created),
    }


def ps_command(
    state: "AppState",
    *,
    all_: bool,
    quiet: bool,
    last: int | None,
    latest: bool,
    fmt: str | None,
    no_trunc: bool,
    noheading: bool,
    filters: list[str] | None,
    sort: str,
    size: bool,
    pod: bool,
    external: bool = False,
    ns: bool = False,
    watch: str | None = None,
    sync: bool = False,
) -> None:
    """List containers (running ones unless --all); --watch N: again every N seconds."""
    # --external: podman adds containers other tools made in its storage; hutch's
    # store holds only hutch's own containers, so there is nothing to add.
    del external
    del sync  # hutch reads each container's state from its monitor's files: always in sync

    def once() -> None:  # the listing, as often as --watch asks
        from hutch.api.container_list import ListContainersOptions
        from hutch.api.errors import InvalidArgument

        if quiet and (size or ns):
            raise InvalidArgument("quiet conflicts with size and namespace")  # podman 4.3.1
        if size and ns:
            raise InvalidArgument("size and namespace options conflict")
        # podman's --last is -1 unless given; 0 or less lists as without it
        count = 1 if latest else (last if last is not None and last > 0 else None)
        # the networks come from each container's bundle: read only where shown
        networks = render.is_json(fmt) or (fmt is not None and "Networks" in fmt)
        options = ListContainersOptions(all_, count, tuple(filters or ()), sort, size, ns, networks)
        found = state.engine().containers.ls(options)
        if render.is_json(fmt):
            render.print_json([json_of(c) for c in found], indent=2)  # podman's two spaces
            return
        now = time.time()
        rows = [row_of(c, now, no_trunc, pod, typed=bool(fmt) or ns) for c in found]
        if quiet and not fmt:  # a --format wins over -q in podman
            print("".join(f"{r['ID']}\n" for r in rows), end="")
            return
        if fmt:
            from hutch.cli import templating  # a format given: the template engine

            print(
                templating.render_template(
                    fmt,
                    rows,
                    HEADERS,
                    name="ps",
                    type_name="containers.psReporter",
                    heading=not noheading,
                ),
                end="",
            )
            return
        columns = (*COLUMNS, "Size") if size else COLUMNS
        if pod:
            columns = (*columns, "Pod", "PodName")
        out = (
            _ns_table(rows)
            if ns
            else render.table(  # podman's tabwriter pads a cell before empty ones (--pod)
                [HEADERS[c] for c in columns],
                [[str(r[c]) for c in columns] for r in rows],
                strip=False,
            )
        )
        if noheading:
            out = "".join(out.splitlines(keepends=True)[1:])
        print(out, end="")

    seconds = _seconds(watch)
    if not seconds or quiet or render.is_json(fmt):  # podman lists these once
        once()
        return
    import sys

    from hutch.util import gcpause

    gcpause.resume(freeze=True)  # a watch lasts: the collector the fast path paused
    try:
        while True:
            render.redraw()  # in place, as podman does
            once()
            sys.stdout.flush()
            time.sleep(seconds)
    except KeyboardInterrupt:
        return  # ^C ends the watch, as podman's: status 0


def _seconds(watch: str | None) -> int:
    """--watch's value as podman's uint flag parses it (its words for a bad one)."""
    if watch is None:
        return 0
    from hutch.api.flags import unsigned

    return unsigned(watch, "-w, --watch")


def register(app: "typer.Typer", container_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli.state import state_of

    def ps(
        ctx: typer.Context,
        all_: Annotated[bool, typer.Option("--all", "-a", help="Show all containers.")] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print ids only.")] = False,
        last: Annotated[
            int | None,
            typer.Option("--last", "-n", help="Show the n most recently created containers."),
        ] = None,
        latest: Annotated[
            bool, typer.Option("--latest", "-l", help="Show the most recently created container.")
        ] = False,
        fmt: Annotated[
            str | None,
            typer.Option("--format", help="json, or a Go template such as '{{.ID}} {{.Names}}'."),
        ] = None,
        no_trunc: Annotated[
            bool, typer.Option("--no-trunc", help="Do not truncate output.")
        ] = False,
        noheading: Annotated[
            bool, typer.Option("--noheading", help="Do not print the header row.")
        ] = False,
        filters: Annotated[
            list[str] | None,
            typer.Option(
                "--filter",
                "-f",
                help="KEY=VALUE: id, name, label, label!, status, exited, ancestor, before, "
                "since, until, volume, health, pod, network, restart-policy, command, "
                "should-start-on-boot.",
            ),
        ] = None,
        sort: Annotated[
            str,
            typer.Option(
                "--sort",
                help="Sort by command, created, id, image, names, runningfor, size or status.",
            ),
        ] = "created",
        size: Annotated[
            bool, typer.Option("--size", "-s", help="Show the size of each writable layer.")
        ] = False,
        pod: Annotated[
            bool, typer.Option("--pod", "-p", help="Show the pod of each container.")
        ] = False,
        external: Annotated[
            bool,
            typer.Option(
                "--external",
                help="Accepted: hutch's store holds no containers of other tools to add.",
            ),
        ] = False,
        ns: Annotated[
            bool,
            typer.Option("--ns", help="Show the pid and the namespaces of each container."),
        ] = False,
        watch: Annotated[
            str | None,
            typer.Option("--watch", "-w", help="List again every N seconds, until ^C."),
        ] = None,
        sync: Annotated[
            bool,
            typer.Option(
                "--sync", help="Accepted: hutch reads each container's live state anyway."
            ),
        ] = False,
    ) -> None:
        """List containers (running ones unless --all)."""
        ps_command(
            state_of(ctx),
            all_=all_,
            quiet=quiet,
            last=last,
            latest=latest,
            fmt=fmt,
            no_trunc=no_trunc,
            noheading=noheading,
            filters=filters,
            sort=sort,
            size=size,
            pod=pod,
            external=external,
            ns=ns,
            watch=watch,
            sync=sync,
        )

    app.command("ps")(ps)
    container_app.command("ls")(ps)
    container_app.command("ps", hidden=True)(ps)
    container_app.command("list", hidden=True)(ps)
