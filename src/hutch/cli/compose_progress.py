"""What compose shows while it works: docker compose v2's ``--progress`` modes.

The planner reports each step as lines, `` Container p-web-1  Starting`` then
`` Container p-web-1  Started`` (`` KIND NAME  STATUS``). ``plain`` writes
those lines as they come (what scripts and tests read); ``tty`` keeps one row
per resource (networks, volumes, images pulled or built, containers) under a
``[+] Running 2/3`` title and redraws them in place at each event, a spinner on
those still working (a status ending in "ing") and the time each took, and a
pull's layers (`` Layer SERVICE/ID  STATUS``, compose/layers.py) as rows under
their service's row (``plain`` leaves out their ``Downloading N%``); ``json``
writes each event as one JSON object a line, in docker compose's shape
(``{"id": "Container p-web-1", "text": "Started"}``, ``"status"`` for the
detail, ``"parent_id"`` for a layer; a line that names no resource is
``{"tail": true, "text": ...}``, and the final error
``{"error": true, "message": ...}``); ``quiet`` shows only warnings; ``auto``
(the default, or ``$COMPOSE_PROGRESS``) is ``tty`` when standard error is a
terminal, else ``plain``. A line that names no resource (a
warning) is printed above the view.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, TextIO

import typer

PROGRESS_KEY = "hutch.compose.progress"
_EVENT = re.compile(r"^ (Container|Network|Volume|Service|Image|Layer) (\S+)  (.+)$")
_SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"

Progress = Callable[[str], None]
# up, create and run: docker compose's "Pull without printing progress information"
# (the service's Pulling/Pulled rows stay, its layers' rows do not)
QuietPull = Annotated[
    bool, typer.Option("--quiet-pull", help="Pull images without their layers' progress rows.")
]


def json_event(line: str) -> str:
    """One progress line as docker compose's ``--progress json`` writes it (Go's
    compact encoding, empty fields left out)."""
    match = _EVENT.match(line)
    if match is None:
        return json.dumps({"tail": True, "text": line.strip()}, separators=(",", ":"))
    kind, name, status = match.groups()
    if kind == "Layer":  # docker compose's child event: the layer's id under its service's
        service, _, layer = name.partition("/")
        words, _, share = status.rpartition(" ")
        text, detail = (words, share) if share.endswith("%") else (status, "")
        event = {"id": layer, "parent_id": f"Service {service}", "text": text}
    else:
        text, _, detail = status.partition(" ")
        event = {"id": f"{kind} {name}", "text": text.rstrip(":")}
    if detail:
        event["status"] = detail
    return json.dumps(event, separators=(",", ":"))


def resolve(mode: str, stream: TextIO, environ: dict[str, str] | os._Environ[str]) -> str:
    """``auto`` as ``tty`` or ``plain``: a terminal that can move the cursor."""
    if mode != "auto":
        return mode
    terminal = stream.isatty() and environ.get("TERM", "") not in ("", "dumb")
    return "tty" if terminal else "plain"


def _working(status: str) -> bool:
    return status.split(" ", 1)[0].endswith("ing")


def _failed(status: str) -> bool:
    return status.startswith("Error")


def _byte_count(line: str) -> bool:
    """A layer's ``Downloading N%``: redrawn in a view, too many lines for a log."""
    return line.startswith(" Layer ") and "  Downloading" in line


@dataclass
class _Row:
    kind: str
    name: str
    status: str
    started: float
    ended: float | None

    @property
    def child(self) -> bool:
        """A pull's layer, drawn under its service's row as docker compose does."""
        return self.kind == "Layer"

    @property
    def label(self) -> str:
        return self.name.partition("/")[2] if self.child else f"{self.kind} {self.name}"


def _in_order(rows: list[_Row]) -> list[_Row]:
    """Rows as they came, each service's layers right under the service's row."""
    layers: dict[str, list[_Row]] = {}
    for row in rows:
        if row.child:
            layers.setdefault(row.name.partition("/")[0], []).append(row)
    out = []
    for row in rows:
        if not row.child:
            out += [row, *(layers.pop(row.name, []) if row.kind == "Service" else [])]
    return out + [row for left in layers.values() for row in left]


class TtyView:
    """The live view: rows redrawn in place on ``stream`` (a terminal)."""

    def __init__(self, title: str, stream: TextIO, colour: bool = True) -> None:
        self._title = title
        self._stream = stream
        self._colour = colour
        self._rows: dict[tuple[str, str], _Row] = {}
        self._drawn = 0  # lines of the view on the screen now
        self._lock = threading.Lock()
        self._tick = 0
        self._last = time.monotonic()  # the previous event: when the next step began

    # --- events -----------------------------------------------------------------

    def __call__(self, line: str) -> None:
        now = time.monotonic()
        match = _EVENT.match(line)
        with self._lock:
            if match is None:
                self._clear()
                self._stream.write(line + "\n")
            else:
                kind, name, status = match.groups()
                row = self._rows.get((kind, name))
                if row is None:
                    # a step reported first by its end began when the one before it ended
                    began = now if _working(status) else self._last
                    row = self._rows[(kind, name)] = _Row(kind, name, status, began, None)
                row.status = status
                row.ended = None if _working(status) else now
                self._last = now
                self._tick += 1  # the spinner turns with each event
                self._clear()
            self._draw(now)

    # --- drawing ----------------------------------------------------------------

    def lines(self, now: float) -> list[str]:
        rows = _in_order(list(self._rows.values()))
        counted = [r for r in rows if not r.child]  # the title counts resources, not layers
        done = sum(1 for r in counted if r.ended is not None)
        width = max(20, shutil.get_terminal_size((80, 24)).columns)
        title = f"[+] {self._title} {done}/{len(counted)}"
        out = [self._paint(title, "1;34" if done < len(counted) else "34")]
        label = max((len(r.label) + 2 * r.child for r in rows), default=0)
        state = max((len(r.status) for r in rows), default=0)
        for row in rows:
            if row.ended is None:
                mark = self._paint(_SPINNER[self._tick % len(_SPINNER)], "34")
            elif _failed(row.status):
                mark = self._paint("✘", "31")
            else:
                mark = self._paint("✔", "32")
            took = (row.ended if row.ended is not None else now) - row.started
            indent = "   " if row.child else " "  # a layer under its service
            width_of_label = label - 2 * row.child
            text = row.label.ljust(width_of_label) + f"  {row.status.ljust(state)}"
            seconds = f"{took:.1f}s"
            room = width - 3 - len(indent) - len(seconds)  # "✔ " and a space before the time
            if len(text) > room:
                text = text[: max(0, room - 1)] + "…"
            out.append(f"{indent}{mark} {text.ljust(room)} {seconds}")
        return out

    def _paint(self, text: str, sgr: str) -> str:
        return f"\x1b[{sgr}m{text}\x1b[0m" if self._colour else text

    def _clear(self) -> None:
        if self._drawn:
            self._stream.write(f"\x1b[{self._drawn}F\x1b[J")  # to the view's top, erase below
            self._drawn = 0

    def _draw(self, now: float) -> None:
        if not self._rows:
            self._stream.flush()
            return
        lines = self.lines(now)
        self._stream.write("".join(line + "\n" for line in lines))
        self._stream.flush()
        self._drawn = len(lines)

    def close(self) -> None:
        """The last drawing stays on the screen, each row with its final state."""
        with self._lock:
            now = time.monotonic()
            for row in self._rows.values():
                if row.ended is None:
                    row.ended = now
            self._clear()
            self._draw(now)


def _plain(line: str) -> None:
    if not _byte_count(line):
        sys.stderr.write(line + "\n")


def _quiet(line: str) -> None:
    if _EVENT.match(line) is None or " Error" in line:
        sys.stderr.write(line + "\n")


def _json(line: str) -> None:
    sys.stderr.write(json_event(line) + "\n")
    sys.stderr.flush()


def line_writer(ctx: typer.Context) -> Progress:
    """The progress callable for lines said while containers' output streams (up's
    attached phase: "Aborting on container exit...", the stops): the chosen mode's
    lines, but plain ones for ``tty`` (a view redrawn between log lines would tear)."""
    mode = resolve(ctx.meta.get(PROGRESS_KEY, "auto"), sys.stderr, os.environ)
    return {"json": _json, "quiet": _quiet}.get(mode, _plain)


@contextmanager
def progress_view(ctx: typer.Context, title: str) -> Iterator[Progress]:
    """The progress callable the planner reports to, in the mode ``--progress`` chose."""
    mode = resolve(ctx.meta.get(PROGRESS_KEY, "auto"), sys.stderr, os.environ)
    if mode == "plain":
        yield _plain
        return
    if mode == "quiet":
        yield _quiet
        return
    if mode == "json":
        yield _json
        return
    # Redrawn at each event only: a drawing thread would make the process
    # multi-threaded, and the engine's setns(CLONE_NEWUSER) (entering the
    # session before up's parallel work) needs a single-threaded process.
    view = TtyView(title, sys.stderr, colour="NO_COLOR" not in os.environ)
    try:
        yield view
    finally:
        view.close()
