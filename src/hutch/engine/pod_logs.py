"""``pod logs`` and ``logs A B``: the logs of several containers as one stream.

Without ``follow`` every member's lines are read and merged by their time
stamps. With it, one thread per member follows that member's log (the
container logs do that until their container stops) into a queue, and lines
come out as they arrive, until every member's stream has ended. Each thread
reads through a reader of its own (``new_reader``): an sqlite3 connection
belongs to the thread that opened it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from hutch.api.container_logs import LogLine, LogsOptions
from hutch.api.errors import HutchError
from hutch.api.pods import PodLogLine, PodLogsOptions

_END = object()


Reader = Callable[[LogsOptions], Iterator[LogLine]]


def merged_logs(
    new_reader: Callable[[], Reader],
    members: Sequence[tuple[str, str]],
    options: PodLogsOptions,
) -> Iterator[PodLogLine]:
    """Lines of ``members`` (id, name) as ``options`` select them."""
    base = LogsOptions(
        names=(),
        follow=options.follow,
        tail=options.tail,
        since=options.since,
        until=options.until,
        timestamps=options.timestamps,
    )
    return merged(new_reader, members, base)


def merged(
    new_reader: Callable[[], Reader],
    members: Sequence[tuple[str, str]],
    options: LogsOptions,
) -> Iterator[PodLogLine]:
    """Lines of ``members`` (id, name), each read with ``options`` (its names aside)."""

    def logs_of(container_id: str) -> LogsOptions:
        return replace(options, names=(container_id,))

    if not options.follow:
        read = new_reader()
        lines = [
            PodLogLine(cid, name, line) for cid, name in members for line in read(logs_of(cid))
        ]
        return iter(sorted(lines, key=lambda entry: entry.line.timestamp))
    return _followed(new_reader, members, logs_of)


def _followed(
    new_reader: Callable[[], Reader],
    members: Sequence[tuple[str, str]],
    logs_of: Callable[[str], LogsOptions],
) -> Iterator[PodLogLine]:
    found: queue.Queue[object] = queue.Queue()

    def pump(cid: str, name: str) -> None:
        try:
            for line in new_reader()(logs_of(cid)):
                found.put(PodLogLine(cid, name, line))
        except HutchError as exc:
            found.put(exc)
        finally:
            found.put(_END)

    for cid, name in members:
        threading.Thread(target=pump, args=(cid, name), daemon=True).start()
    running = len(members)
    while running:
        item = found.get()
        if item is _END:
            running -= 1
        elif isinstance(item, HutchError):
            raise item
        else:
            assert isinstance(item, PodLogLine)
            yield item
