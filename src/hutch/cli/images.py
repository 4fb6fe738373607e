"""``hutch images`` / ``hutch image ls``: list local images.

``images_command`` does the work; the fast path (cli/fast.py) calls it
without typer, the typer command of ``register`` with the same values. No
``from __future__ import annotations``, as in cli/ps.py: register's typer
annotations are evaluated inside register, which imports typer.
"""

import time

from hutch.cli import render
from hutch.util import gotemplate

# typing costs an import on the fast path (issue 16); mypy reads this alike
TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Any

    import typer

    from hutch.api.image_list import ImageSummary
    from hutch.cli.state import AppState

# Fields of podman 4.3.1's imageReporter its header map lacks (an embedded field and
# an accessor): ``table {{.Id}}`` heads with <no value> there
UNHEADED = frozenset({"CreatedAt", "Id"})
HEADERS = {
    "Repository": "REPOSITORY",
    "Tag": "TAG",
    "ID": "IMAGE ID",
    "CreatedSince": "CREATED",
    "Size": "SIZE",
    "Digest": "DIGEST",
    "History": "HISTORY",
}


def split_name(name: str) -> tuple[str, str]:
    repo, sep, tag = name.rpartition(":")
    if not sep or "/" in tag:
        return name, "<none>"
    return repo, tag


def rows_of(
    images: "list[ImageSummary]", no_trunc: bool, typed: bool = True
) -> "list[dict[str, Any]]":
    """The template fields of podman's images (podman-images(1) "--format"), its types.
    ``typed`` False: ``CreatedAt`` and ``CreatedTime`` None, not Go times, which load
    the template values and datetime (0.9 ms): the default table and ``-q`` show neither."""
    now = time.time()
    rows = []
    for image in images:
        names = image.names or ("<none>:<none>",)
        # podman's imageReporter keeps whole seconds (time.Unix(Created, 0))
        created = (
            gotemplate.GoTime.from_timestamp(float(int(image.created)), local=True)
            if typed
            else None
        )
        for name in names:
            repo, tag = split_name(name)
            rows.append(
                {
                    "ID": f"sha256:{image.id}" if no_trunc else image.id[:12],
                    "Id": image.id,
                    "ParentId": "",
                    "Repository": repo,
                    "Tag": tag,
                    "Digest": image.digest,
                    "Created": render.human_ago(image.created, now),  # podman 4.3.1
                    "CreatedAt": created,
                    "CreatedSince": render.human_ago(image.created, now),
                    "CreatedTime": created,
                    "Size": render.human_size(image.size),
                    "VirtualSize": image.size,
                    "SharedSize": 0,
                    "Labels": dict(image.labels) or None,  # a nil map, as podman's
                    "Names": list(image.names),
                    "History": ", ".join(image.history),
                    "ReadOnly": False,
                    "IsReadOnly": False,
                    "Containers": image.containers,
                    "Dangling": not image.names and not image.parent,  # podman: no children
                    "RepoTags": list(image.names),
                    "RepoDigests": _repo_digests(image),
                }
            )
    return rows


def _repo_digests(image: "ImageSummary") -> list[str]:
    # one per repository: two tags of one repository are one repo@digest (podman's)
    return list(dict.fromkeys(f"{split_name(n)[0]}@{image.digest}" for n in image.names))


def json_of(image: "ImageSummary") -> "dict[str, Any]":
    """``podman images --format json`` keys, pinned by a contract test."""
    return {
        "Id": image.id,
        "ParentId": "",
        "RepoTags": None,  # podman sets it nil in this JSON: Names has the names
        "RepoDigests": _repo_digests(image),
        "Size": image.size,
        "SharedSize": 0,
        "VirtualSize": image.size,
        "Labels": dict(image.labels) or None,
        "Containers": image.containers,
        "Names": list(image.names) or None,
        "Digest": image.digest,
        "History": list(image.history) or None,
        "Created": int(image.created),
        "CreatedAt": gotemplate.GoTime.from_timestamp(image.created),
    }


def _parse_time(text: str) -> float:
    """A filter's time (since=, until=...): its parser and datetime load only for one."""
    from hutch.util.durations import parse_time

    return parse_time(text)


def images_command(
    state: "AppState",
    *,
    quiet: bool,
    fmt: str | None,
    no_trunc: bool,
    noheading: bool,
    digests: bool,
    all_: bool,
    filters: list[str] | None,
    sort: str | None,
    image: str | None = None,
    history: bool = False,
) -> None:
    """List images in local storage (``image``: podman's reference filter argument)."""
    from hutch.api.image_filters import apply_filters
    from hutch.cli.image_filters import sort_rows

    listed = state.engine().images.ls()
    wanted = [*(filters or ()), *([f"reference={image}"] if image else [])]
    if not all_:  # podman's way: a filter, so that intermediate=true without -a is refused
        wanted.append("intermediate=false")
    found = apply_filters(listed, wanted, parse_time=_parse_time)
    if render.is_json(fmt):
        # podman lists an image once per name it has (its table's rows), here too
        render.print_json([json_of(i) for i in found for _ in range(max(1, len(i.names)))])
        return
    rows = rows_of(found, no_trunc, typed=bool(fmt) or sort is not None)
    if sort is not None:  # the engine lists newest first already
        rows = sort_rows(rows, sort)
    if quiet:
        seen: list[str] = []
        for r in rows:
            if r["ID"] not in seen:
                seen.append(r["ID"])
        print("\n".join(seen) + ("\n" if seen else ""), end="")
        return
    if fmt:
        from hutch.cli import templating  # a format given: the template engine

        out = templating.render_template(
            fmt,
            rows,
            HEADERS,
            name="images",
            type_name="images.imageReporter",
            heading=not noheading,  # podman: no header row for a table either
            unheaded=UNHEADED,
        )
        print(out, end="")
        return
    columns = (
        ["Repository", "Tag"]
        + (["Digest"] if digests else [])
        + ["ID", "CreatedSince", "Size"]
        + (["History"] if history else [])
    )
    out = render.table([HEADERS[c] for c in columns], [[str(r[c]) for c in columns] for r in rows])
    if noheading:
        out = "".join(out.splitlines(keepends=True)[1:])
    print(out, end="")


def register(app: "typer.Typer", image_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli.state import state_of

    def images(
        ctx: typer.Context,
        image: Annotated[
            str | None,
            typer.Argument(help="Image to list: a reference filter (a name, name:tag, glob)."),
        ] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print image ids only.")] = False,
        fmt: Annotated[
            str | None,
            typer.Option(
                "--format", help="json, or a Go template such as '{{.ID}} {{.Repository}}'."
            ),
        ] = None,
        no_trunc: Annotated[bool, typer.Option("--no-trunc", help="Do not truncate ids.")] = False,
        noheading: Annotated[
            bool, typer.Option("--noheading", "-n", help="Do not print the header row.")
        ] = False,
        digests: Annotated[bool, typer.Option("--digests", help="Show digests.")] = False,
        all_: Annotated[
            bool,
            typer.Option("--all", "-a", help="Show intermediate images (build steps) too."),
        ] = False,
        filters: Annotated[
            list[str] | None,
            typer.Option(
                "--filter",
                "-f",
                help="Keep images matching KEY=VALUE: reference, label, dangling, before, "
                "since, id.",
            ),
        ] = None,
        sort: Annotated[
            str | None,
            typer.Option("--sort", help="Sort by created (default), id, repository, size, tag."),
        ] = None,
        history: Annotated[
            bool,
            typer.Option("--history", help="Add a HISTORY column: every name the image has had."),
        ] = False,
    ) -> None:
        """List images in local storage."""
        images_command(
            state_of(ctx),
            quiet=quiet,
            fmt=fmt,
            no_trunc=no_trunc,
            noheading=noheading,
            digests=digests,
            all_=all_,
            filters=filters,
            sort=sort,
            image=image,
            history=history,
        )

    app.command("images", context_settings={"help_option_names": ["--help"]})(images)
    image_app.command("ls")(images)
    image_app.command("list", hidden=True)(images)
