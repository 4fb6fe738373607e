"""Log lines of several containers, interleaved, each with its ``service-N  |`` prefix.

Used by ``compose logs`` and by ``compose up`` in the foreground: one thread
per container reads the engine's log stream and hands whole lines to the
main thread, which alone writes to stdout.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import TYPE_CHECKING

from hutch.api.containers import LogsOptions
from hutch.util.durations import parse_duration

if TYPE_CHECKING:
    from hutch.api.compose import ComposeContainer
    from hutch.api.containers import LogLine

_COLOURS = (36, 33, 32, 35, 34, 31)  # cyan, yellow, green, magenta, blue, red
_DONE = object()


def prefixes(containers: Sequence[ComposeContainer], colour: bool) -> dict[str, str]:
    """``name -> "web-1  | "``, padded to one width, coloured on a terminal."""
    labels = {c.name: f"{c.service}-{c.number}" for c in containers}
    width = max((len(v) for v in labels.values()), default=0)
    out = {}
    for i, (name, label) in enumerate(labels.items()):
        text = f"{label.ljust(width)}  | "
        if colour:
            text = f"\x1b[{_COLOURS[i % len(_COLOURS)]}m{text}\x1b[0m"
        out[name] = text
    return out


def multiplex(
    containers: Sequence[ComposeContainer],
    stream: Callable[[LogsOptions], Iterator[LogLine]],  # called in each reader thread
    options: LogsOptions,
    *,
    prefix: bool = True,
    colour: bool = True,
    on_exit: Callable[[str], bool] | None = None,
    shown: Collection[str] | None = None,
    unread: Callable[[str], object] | None = None,
) -> None:
    """Print every container's lines until all streams end (or ``on_exit`` says stop).

    ``colour`` is honoured on a terminal only; the lines of containers not in
    ``shown`` (``up --no-attach``) are read, so that their exit is seen, but
    not printed. A container whose log driver keeps nothing (none, passthrough)
    gets docker compose's warning instead of an error, and then ``unread`` (up:
    the wait for its exit, which its stream's end would have told).
    """
    from hutch.api.errors import NoLogKept

    colour = colour and sys.stdout.isatty()
    heads = prefixes(containers, colour) if prefix else {}
    lines: queue.Queue[tuple[str, object]] = queue.Queue()

    def reader(name: str) -> None:
        quiet = shown is not None and name not in shown
        try:
            for line in stream(_for(options, name)):
                if quiet:
                    continue
                text = line.text.decode(errors="replace")
                # docker compose: the prefix first, then the time
                lines.put((name, f"{line.timestamp} {text}" if options.timestamps else text))
        except NoLogKept as exc:
            # docker compose's words, one write (threads share stderr)
            sys.stderr.write(f'WARN: Can\'t retrieve logs for "{name}": {exc}\n')
            sys.stderr.flush()
            if unread is not None:
                unread(name)
        finally:
            lines.put((name, _DONE))

    for container in containers:
        threading.Thread(target=reader, args=(container.name,), daemon=True).start()
    running = len(containers)
    while running:
        name, item = lines.get()
        if item is _DONE:
            running -= 1
            if on_exit is not None and on_exit(name):
                return
            continue
        text = str(item)
        sys.stdout.write(heads.get(name, "") + text + ("" if text.endswith("\n") else "\n"))
        sys.stdout.flush()


def _for(options: LogsOptions, name: str) -> LogsOptions:
    return LogsOptions(
        names=(name,),
        follow=options.follow,
        tail=options.tail,
        since=options.since,
        until=docker_until(options.until, time.time()),
        timestamps=options.timestamps,
    )


def docker_until(text: str | None, now: float) -> str | None:
    """``--until 42m`` is 42 minutes ago for docker compose (docker's relative times),
    and 42 minutes ahead for the engine, which reads it as ``podman logs`` does: hand
    the engine that duration as unix seconds before ``now``; anything else as given."""
    if text is None:
        return None
    try:
        float(text)
        return text
    except ValueError:
        pass
    try:
        return f"{now - parse_duration(text):.9f}"
    except ValueError:
        return text
