"""Rendering reports: tables, JSON, human sizes and times.

Go ``--format`` templates are cli/templating.py's, imported where a template is
given: a default listing (``ps``, ``images``, ``volume ls``...) needs only the
tabwriter's alignment (``hutch.util.gotemplate.align``), not the template engine,
its typed values and ``datetime`` (about a tenth of a quick query's start, issue 16).
"""

from __future__ import annotations

import sys
import time

# the package imports a name when it is first used: a table needs only align
from hutch.util import gotemplate

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any


def redraw() -> None:
    """A --watch or streaming listing's next frame in place on a terminal (podman's
    clear-screen), one below the other otherwise."""
    if sys.stdout.isatty():
        sys.stdout.write("\033[2J\033[H")


def is_json(fmt: str | None) -> bool:
    """``json`` or ``{{json .}}`` (podman's report.IsJSON): both print the JSON listing,
    an array, not one object per line."""
    if fmt is None:
        return False
    text = fmt.strip()
    if text == "json":
        return True
    if not (text.startswith("{{") and text.endswith("}}")):
        return False
    words = text[2:-2].split()
    return words in (["json"], ["json", "."])


def print_json(data: Any, indent: int | None = 4, *, escape_html: bool = True) -> None:
    """``--format json`` as podman writes it, which differs by verb: json.MarshalIndent
    with four spaces (images, secret inspect) or two (ps, volume ls, network ls, pod ps,
    info); inspect's json.Encoder with five and ``<``, ``>``, ``&`` as they are
    (``escape_html=False``); history's Encoder on one line (``indent=None``)."""
    from hutch.cli.templating import plain_data

    text = gotemplate.gojson.dumps(plain_data(data), indent=indent, escape_html=escape_html)
    sys.stdout.write(text + "\n")


# podman's words before an error of the header row where its command wraps it
# (volume, network, secret and artifact ls, history; ps, images and pod ps do not)
HEADER_WORDS = "failed to write report column headers"


def print_listing(
    fmt: str | None,
    *,
    json_rows: Callable[[], list[Any]],
    names: Sequence[str],
    template_rows: Callable[[], list[Mapping[str, Any]]],
    headers: Mapping[str, str],
    type_name: str,
    columns: Sequence[str],
    table_rows: Callable[[], Sequence[Sequence[str]]],
    quiet: bool,
    noheading: bool,
) -> None:
    """An ``ls`` of a noun as podman's ``volume ls`` and ``network ls`` print it: JSON
    (two spaces), the names alone (``quiet``), the rows through a template (a
    ``table`` format's header row unless ``noheading``), or the default table."""
    if is_json(fmt):
        print_json(json_rows(), indent=2)
    elif quiet:
        print("".join(f"{name}\n" for name in names), end="")
    elif fmt:
        from hutch.cli.templating import render_template

        out = render_template(
            fmt,
            template_rows(),
            headers,
            type_name=type_name,
            heading=not noheading,
            header_words=HEADER_WORDS,
        )
        print(out, end="")
    else:
        out = table(columns, table_rows())
        if noheading:
            out = "".join(out.splitlines(keepends=True)[1:])
        print(out, end="")


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, strip: bool = True) -> str:
    """A human listing: podman's tabwriter columns, without trailing blanks (``strip``;
    top keeps them: podman's COMMAND ends with one)."""
    lines = ["\t".join(headers)] + ["\t".join(r) for r in rows]
    aligned = gotemplate.align("\n".join(lines))
    return "\n".join(line.rstrip() if strip else line for line in aligned.split("\n")) + "\n"


def human_size(size: int) -> str:
    """Decimal units with three significant digits, as podman prints sizes."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            if unit == "B":
                return f"{int(value)} B"
            return f"{value:.3g} {unit}"
        value /= 1000
    return f"{size} B"


def human_ago(ts: float, now: float | None = None) -> str:
    """Docker's HumanDuration, with " ago"."""
    from hutch.util.humantime import human_duration

    return f"{human_duration((now if now is not None else time.time()) - ts)} ago"
