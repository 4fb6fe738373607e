"""``hutch pod ps`` (ls, list): list pods.

``ps_command`` does the work, for the fast path (cli/fast.py) and typer
alike; cli/stop.py says how such a module imports without typer.
"""

from hutch.cli import render
from hutch.cli.pod_render import HEADERS, UNHEADED, json_of, row

TYPE_CHECKING = False  # mypy reads this alike
if TYPE_CHECKING:
    from typing import Any

    import typer

    from hutch.cli.state import AppState


def ps_command(
    state: "AppState",
    *,
    filters: "list[str] | None",
    fmt: "str | None",
    quiet: bool,
    noheading: bool,
    no_trunc: bool,
    ctr_names: bool,
    ctr_ids: bool,
    ctr_status: bool,
    sort: str,
    latest: bool,
    ns: bool,
) -> int:
    """List pods."""
    from hutch.api.errors import InvalidArgument
    from hutch.api.pod_list import ListPodsOptions

    if quiet and fmt:  # podman's refusal (its words differ from volume ls's)
        raise InvalidArgument("quiet and format cannot be used together")
    options = ListPodsOptions(filters=tuple(filters or ()), sort=sort)
    found = state.engine().pods.ls(options)
    if latest:
        if not found:
            from hutch.api.errors import NoSuchObject

            raise NoSuchObject("no such pod")  # podman's words, exit 125
        found = [max(found, key=lambda pod: pod.created)]
    if render.is_json(fmt):
        render.print_json([json_of(p) for p in found], indent=2)
        return 0
    if quiet:
        print("".join(f"{p.id if no_trunc else p.id[:12]}\n" for p in found), end="")
        return 0
    rows = [row(p, no_trunc=no_trunc) for p in found]
    if not fmt:
        columns = default_columns(
            ns=ns, ctr_ids=ctr_ids, ctr_names=ctr_names, ctr_status=ctr_status
        )
        print(default_table(rows, columns, heading=not noheading), end="")
        return 0
    from hutch.cli import templating  # a format given: the template engine

    out = templating.render_template(  # podman's template name (its command's) and type
        fmt,
        rows,
        HEADERS,
        name="ps",
        type_name="pods.ListPodReporter",
        heading=not noheading,
        unheaded=UNHEADED,
    )
    print(out, end="")
    return 0


def default_columns(*, ns: bool, ctr_ids: bool, ctr_names: bool, ctr_status: bool) -> list[str]:
    """The fields of podman's default ``pod ps`` table, as its flags add them."""
    columns = ["Id", "Name", "Status", "Created", "InfraID"]  # podman's default
    if ns:  # podman's two columns after the infra's id
        columns += ["Cgroup", "Namespace"]
    columns += [c for c, on in _CTR_COLUMNS(ctr_ids, ctr_names, ctr_status) if on]
    if not (ctr_ids or ctr_names or ctr_status):
        columns.append("NumberOfContainers")
    return columns


def default_table(rows: "list[dict[str, Any]]", columns: "list[str]", *, heading: bool) -> str:
    """The default table as podman's template ``table {{.Id}}\\t{{.Name}}...`` prints
    it, without the template engine: every cell of a row is text or a number."""
    from hutch.cli.column_headers import header_of

    cells = [[str(r[c]) for c in columns] for r in rows]
    if heading:
        return render.table([header_of(c, HEADERS) for c in columns], cells, strip=False)
    # --noheading: the rows aligned among themselves, as the template's (no header row
    # widens a column), the first standing where the header would
    return render.table(cells[0], cells[1:], strip=False) if cells else ""


def register(pod_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli.state import state_of

    def ps(
        ctx: typer.Context,
        filters: Annotated[
            list[str] | None,
            typer.Option(
                "--filter",
                "-f",
                help="id=, name=, label=KEY[=VALUE], status=, network=, ctr-names=, ctr-ids=, "
                "ctr-number=, ctr-status=, until=TIME.",
            ),
        ] = None,
        fmt: Annotated[
            str | None,
            typer.Option("--format", help="json, or a Go template such as '{{.Name}}'."),
        ] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print pod ids only.")] = False,
        noheading: Annotated[
            bool, typer.Option("--noheading", help="Do not print the header row.")
        ] = False,
        no_trunc: Annotated[bool, typer.Option("--no-trunc", help="Do not truncate ids.")] = False,
        ctr_names: Annotated[
            bool, typer.Option("--ctr-names", help="Show the names of the containers.")
        ] = False,
        ctr_ids: Annotated[bool, typer.Option("--ctr-ids", help="Show the container ids.")] = False,
        ctr_status: Annotated[
            bool, typer.Option("--ctr-status", help="Show the status of each container.")
        ] = False,
        sort: Annotated[
            str,
            typer.Option("--sort", help="created (default), id, name, number or status."),
        ] = "created",
        latest: Annotated[
            bool, typer.Option("--latest", "-l", help="Only the pod created last.")
        ] = False,
        ns: Annotated[
            bool, typer.Option("--ns", help="Show each pod's cgroup and namespaces columns.")
        ] = False,
    ) -> None:
        """List pods."""
        raise typer.Exit(
            ps_command(
                state_of(ctx),
                filters=filters,
                fmt=fmt,
                quiet=quiet,
                noheading=noheading,
                no_trunc=no_trunc,
                ctr_names=ctr_names,
                ctr_ids=ctr_ids,
                ctr_status=ctr_status,
                sort=sort,
                latest=latest,
                ns=ns,
            )
        )

    pod_app.command("ps")(ps)
    pod_app.command("ls", hidden=True)(ps)
    pod_app.command("list", hidden=True)(ps)


def _CTR_COLUMNS(ids: bool, names: bool, status: bool) -> "list[tuple[str, bool]]":
    return [("ContainerIds", ids), ("ContainerNames", names), ("ContainerStatuses", status)]
