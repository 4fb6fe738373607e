"""``hutch history`` / ``hutch image history``: how an image was built."""

from __future__ import annotations

import re
import time
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hutch.cli import render
from hutch.cli.state import state_of

if TYPE_CHECKING:
    from hutch.api.images import HistoryLine

HEADERS = {
    "ID": "ID",
    "Created": "CREATED",
    "CreatedBy": "CREATED BY",
    "Size": "SIZE",
    "Comment": "COMMENT",
}


def rows_of(lines: list[HistoryLine], no_trunc: bool, human: bool = True) -> list[dict[str, Any]]:
    now = time.time()
    rows = []
    for line in lines:
        created = _ts(line.created)
        created_by = line.created_by
        if not no_trunc and len(created_by) > 45:
            created_by = created_by[:42] + "..."
        ident = line.id if no_trunc or line.id == "<missing>" else line.id[:12]
        rows.append(
            {
                "ID": ident,
                "Created": _created(created, now, human),
                # current podman: RFC 3339 in whole seconds (4.3.1 printed Go's String)
                "CreatedAt": _created(created, now, False),
                "CreatedBy": created_by,
                "CreatedSince": _created(created, now, human),  # podman: the same as Created
                "Size": render.human_size(line.size),
                "Comment": line.comment,
                "Tags": [],  # podman's nil []string: printed []
            }
        )
    return rows


def _created(stamp: float | None, now: float, human: bool) -> str:
    """podman's CREATED: how long ago, or with --human=false the time (RFC 3339)."""
    if stamp is None:
        return ""
    if human:
        return render.human_ago(stamp, now)
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp))


def json_of(line: HistoryLine) -> dict[str, Any]:
    """podman's JSON of one layer: its ImageHistoryLayer (``CreatedBy`` and ``comment``
    left out when empty, as Go's omitempty does) and ``Created`` in seconds."""
    out: dict[str, Any] = {"id": line.id, "created": _go_nanos(line.created)}
    if line.created_by:
        out["CreatedBy"] = line.created_by
    out["size"] = line.size
    if line.comment:
        out["comment"] = line.comment
    stamp = _ts(line.created)
    if stamp is not None:
        out["Created"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp))
    return out


def _go_nanos(text: str | None) -> str | None:
    """A stored RFC 3339 time as Go marshals it again: fraction digits without their
    trailing zeros (``.397390Z`` is ``.39739Z``), none when they are all zeros."""
    if not text:
        return text
    return re.sub(r"\.(\d*?)0+(?=Z|[+-]|$)", lambda m: f".{m[1]}" if m[1] else "", text)


def _ts(text: str | None) -> float | None:
    if not text:
        return None
    # Go writes up to nine fraction digits and drops trailing zeros; before
    # Python 3.11 fromisoformat takes exactly three or six.
    match = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?", text)
    if match is None:
        return None
    main, frac, zone = match.groups()
    zone = "+00:00" if zone in (None, "Z") else zone
    try:
        stamp = datetime.fromisoformat(main + zone).timestamp()
    except ValueError:
        return None
    return stamp + (float(f"0.{frac}") if frac else 0.0)


def register(app: typer.Typer, image_app: typer.Typer) -> None:
    def history(
        ctx: typer.Context,
        image: Annotated[str, typer.Argument(help="Image (name, id or id prefix).")],
        no_trunc: Annotated[
            bool, typer.Option("--no-trunc", help="Do not truncate ids and commands.")
        ] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print ids only.")] = False,
        fmt: Annotated[str | None, typer.Option("--format", help="json, or a Go template.")] = None,
        human: Annotated[
            bool,
            typer.Option(
                "--human/--no-human",
                "-H",
                help="Dates for humans (default); false: RFC 3339 times.",
            ),
        ] = True,
    ) -> None:
        """Show the history of an image, newest layer first."""
        lines = state_of(ctx).engine().images.history(image)
        if render.is_json(fmt):
            # podman's history: json.Encoder, one line (its other lists are indented)
            render.print_json([json_of(line) for line in lines], indent=None)
            return
        rows = rows_of(lines, no_trunc, human)
        if quiet:
            print("".join(r["ID"] + "\n" for r in rows), end="")
            return
        if fmt:
            from hutch.cli import templating  # a format given: the template engine

            print(
                templating.render_template(
                    fmt,
                    rows,
                    HEADERS,
                    name="history",
                    type_name="images.historyReporter",
                    header_words=render.HEADER_WORDS,
                ),
                end="",
            )
            return
        columns = ["ID", "Created", "CreatedBy", "Size", "Comment"]
        print(
            render.table(
                [HEADERS[c] for c in columns], [[str(r[c]) for c in columns] for r in rows]
            ),
            end="",
        )

    app.command("history")(history)
    image_app.command("history")(history)
