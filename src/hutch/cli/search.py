"""``hutch search`` / ``hutch image search``: repositories and tags in registries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli import flags_registry as fr
from hutch.cli import render, templating
from hutch.cli.state import state_of

if TYPE_CHECKING:
    from hutch.api.images import SearchResult

TRUNCATE = 44  # podman cuts a description to this many characters, then "..."
DEFAULT = "table {{.Name}}\t{{.Description}}"
COMPATIBLE = "table {{.Name}}\t{{.Description}}\t{{.Stars}}\t{{.Official}}\t{{.Automated}}"
TAGS = "table {{.Name}}\t{{.Tag}}"


@dataclass(frozen=True)
class SearchFilter:
    """podman's search filters: a minimum of stars, and official/automated or not."""

    stars: int = 0
    official: bool | None = None
    automated: bool | None = None

    def keeps(self, result: SearchResult) -> bool:
        if result.stars < self.stars:
            return False
        if self.official is not None and result.official != self.official:
            return False
        return self.automated is None or result.automated == self.automated


def parse_filters(texts: list[str]) -> SearchFilter:
    """``stars=N``, ``is-official[=false]``, ``is-automated[=false]`` in podman's words
    (any value but ``false`` means true, as podman reads them)."""
    stars, official, automated = 0, None, None
    for text in texts:
        key, sep, value = text.partition("=")
        if key == "stars":
            if not sep:
                raise InvalidArgument(f'invalid `stars` filter "{text}", should be stars=<value>')
            try:
                stars = int(value, 10)
            except ValueError:
                raise InvalidArgument(
                    "incorrect value type for stars filter: "
                    f'strconv.Atoi: parsing "{value}": invalid syntax'
                ) from None
        elif key == "is-official":
            official = not (sep and value == "false")
        elif key == "is-automated":
            automated = not (sep and value == "false")
        else:
            raise InvalidArgument(f'invalid filter type "{text}"')
    return SearchFilter(stars, official, automated)


def row_of(result: SearchResult, no_trunc: bool) -> dict[str, Any]:
    """podman's ImageSearchReport: its fields, in its order and types."""
    description = result.description.replace("\n", " ")
    if not no_trunc and len(description) > TRUNCATE:
        description = description[:TRUNCATE] + "..."
    return {
        "Index": result.registry,
        "Name": result.name,
        "Description": description,
        "Stars": result.stars,
        "Official": "[OK]" if result.official else "",
        "Automated": "[OK]" if result.automated else "",
        "Tag": result.tag,
    }


def tags_json(results: list[SearchResult]) -> list[dict[str, Any]]:
    """``--list-tags --format json``: one entry per repository with its tags."""
    entries: dict[str, list[str]] = {}
    for r in results:
        entries.setdefault(r.name, []).append(r.tag)
    return [{"Name": name, "Tags": tags} for name, tags in entries.items()]


def print_results(
    results: list[SearchResult],
    *,
    list_tags: bool,
    fmt: str | None,
    no_trunc: bool,
    compatible: bool,
) -> None:
    if not results:
        return  # podman prints nothing, not even the header
    if render.is_json(fmt):
        if list_tags:
            render.print_json(tags_json(results))
        else:
            render.print_json([row_of(r, no_trunc) for r in results])
        return
    template = fmt or (TAGS if list_tags else COMPATIBLE if compatible else DEFAULT)
    rows = [row_of(r, no_trunc) for r in results]
    out = templating.render_template(
        template, rows, name="search", type_name="entities.ImageSearchReport"
    )
    print(out, end="")


def register(app: typer.Typer, image_app: typer.Typer) -> None:
    def search(
        ctx: typer.Context,
        term: Annotated[
            str, typer.Argument(help="What to look for: TERM, REGISTRY/TERM or REGISTRY/.")
        ],
        filters: Annotated[
            list[str] | None,
            typer.Option(
                "--filter",
                "-f",
                help="stars=N, is-official[=BOOL] or is-automated[=BOOL] (repeatable).",
            ),
        ] = None,
        fmt: Annotated[str | None, typer.Option("--format", help="json, or a Go template.")] = None,
        limit: Annotated[
            int, typer.Option("--limit", help="Results per registry (default 25).")
        ] = 0,
        list_tags: Annotated[
            bool,
            typer.Option("--list-tags", help="List the tags of the repository TERM names."),
        ] = False,
        no_trunc: Annotated[
            bool, typer.Option("--no-trunc", help="Do not truncate descriptions.")
        ] = False,
        compatible: Annotated[
            bool,
            typer.Option(
                "--compatible", help="Also show stars, official and automated, as docker does."
            ),
        ] = False,
        tls_verify: fr.TlsVerify = None,
        creds: fr.Creds = None,
        authfile: fr.Authfile = None,
        cert_dir: fr.CertDir = None,
    ) -> None:
        """Search registries' catalogs for repositories whose name holds TERM."""
        from hutch.api.images import SearchOptions

        if list_tags and filters:
            raise InvalidArgument("filters are not applicable to list tags result")
        chosen = parse_filters(filters or [])
        options = SearchOptions(
            term,
            limit=limit,
            access=fr.access(tls_verify, creds, authfile, cert_dir),
            list_tags=list_tags,
        )
        results = state_of(ctx).engine().images.search(options)
        if not list_tags:
            results = [r for r in results if chosen.keeps(r)]
        print_results(
            results, list_tags=list_tags, fmt=fmt, no_trunc=no_trunc, compatible=compatible
        )

    app.command("search")(search)
    image_app.command("search")(search)
