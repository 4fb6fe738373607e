"""Rendering reports: tables, JSON, and Go-style ``--format`` templates.

Templates support what scripts use: ``{{.Field}}``, ``{{ .Field }}``,
``{{json .}}``, ``{{json .Field}}``, ``\\t``/``\\n`` escapes, and a leading
``table`` that adds a header row.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Mapping, Sequence
from typing import Any

from hutch.api.errors import InvalidArgument

_FIELD = re.compile(r"{{\s*(json\s+)?\.([A-Za-z0-9_.]*)\s*}}")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=4) + "\n")


def _lookup(row: Mapping[str, Any], path: str) -> Any:
    value: Any = row
    if not path:
        return value
    for part in path.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        else:
            raise InvalidArgument(f"template: can't evaluate field {part}")
    return value


def render_template(
    template: str, rows: Sequence[Mapping[str, Any]], headers: Mapping[str, str] | None = None
) -> str:
    """Render each row through a Go-style template (one line per row)."""
    table = template.startswith("table")
    if table:
        template = template[len("table") :].lstrip()
    template = template.replace("\\t", "\t").replace("\\n", "\n")

    def fill(row: Mapping[str, Any]) -> str:
        def sub(m: re.Match[str]) -> str:
            value = _lookup(row, m.group(2))
            if m.group(1):
                return json.dumps(value)
            return _plain(value)

        return _FIELD.sub(sub, template)

    lines = []
    if table:
        head = _FIELD.sub(lambda m: (headers or {}).get(m.group(2), m.group(2).upper()), template)
        lines.append(head)
    lines += [fill(r) for r in rows]
    if table:
        return _align(lines)
    return "\n".join(lines) + ("\n" if lines else "")


def _plain(value: Any) -> str:
    if value is None:
        return "<no value>"
    if isinstance(value, bool):
        return "true" if value else "false"  # as Go templates print them
    if isinstance(value, list | tuple):
        return "[" + " ".join(_plain(v) for v in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{_plain(v)}" for k, v in value.items()) + "]"
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["\t".join(headers)] + ["\t".join(r) for r in rows]
    return _align(lines)


def _align(lines: list[str]) -> str:
    """Column-align tab-separated lines (like Go's tabwriter, padding 2)."""
    cells = [line.split("\t") for line in lines]
    widths: dict[int, int] = {}
    for row in cells:
        for i, cell in enumerate(row[:-1]):
            widths[i] = max(widths.get(i, 0), len(cell))
    out = []
    for row in cells:
        parts = [
            cell.ljust(widths[i] + 2) if i < len(row) - 1 else cell for i, cell in enumerate(row)
        ]
        out.append("".join(parts).rstrip())
    return "\n".join(out) + "\n"


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
    seconds = int((now if now is not None else time.time()) - ts)
    if seconds < 1:
        return "Less than a second ago"
    if seconds == 1:
        return "1 second ago"
    if seconds < 60:
        return f"{seconds} seconds ago"
    minutes = seconds // 60
    if minutes == 1:
        return "About a minute ago"
    if minutes < 60:
        return f"{minutes} minutes ago"
    hours = int(seconds / 3600 + 0.5)  # Docker rounds halves up
    if hours == 1:
        return "About an hour ago"
    if hours < 48:
        return f"{hours} hours ago"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days ago"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks ago"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months ago"
    return f"{hours // 24 // 365} years ago"
