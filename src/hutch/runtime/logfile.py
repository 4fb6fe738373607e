"""Container log files: the two formats, rotation, and reading them back.

``k8s-file`` (podman's default) writes ``TIMESTAMP STREAM F|P TEXT``;
``json-file`` writes Docker's ``{"log": ..., "stream": ..., "time": ...}``
lines, so tools that read Docker's logs read ours. ``none`` keeps nothing, and
so do ``passthrough`` and ``passthrough-tty``, whose container writes to its
caller's own streams (the monitor never sees its output).

With a size limit the file is rotated before a write would pass it:
``ctr.log`` becomes ``ctr.log.1`` (and so on up to ``max_files - 1``
kept files); with one file, as podman does, the log starts over. The
monitor is the only writer; readers take the kept files oldest first.

Standard library only: the monitor imports this, and its idle loop, which
imports ``json`` (and with it ``re``, about 0.4 MB of a process that lives as
long as its container) only for a json-file log, and ``posix`` rather than
``os`` (``os.path``, ``stat``, ``_collections_abc``...: 0.27 MB).
"""

from __future__ import annotations

import posix
import time

K8S_FILE = "k8s-file"
JSON_FILE = "json-file"
NONE = "none"
PASSTHROUGH = "passthrough"
PASSTHROUGH_TTY = "passthrough-tty"  # passthrough, allowed where the caller's is a terminal
PASSTHROUGH_DRIVERS = (PASSTHROUGH, PASSTHROUGH_TTY)
DRIVERS = (K8S_FILE, JSON_FILE, NONE, *PASSTHROUGH_DRIVERS)
FILE_DRIVERS = (K8S_FILE, JSON_FILE)  # the drivers whose output the monitor writes

_PARTIAL_LIMIT = 16384  # a line longer than this is written in parts (P)


def timestamp(now: float) -> str:
    """RFC 3339 with nanoseconds in UTC, as both formats write it."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now))
    return f"{stamp}.{int((now % 1) * 1e9):09d}Z"


def format_line(driver: str, stream: str, text: bytes, partial: bool, now: float) -> bytes:
    """One record of ``driver``'s format (``text`` without its newline)."""
    if driver == JSON_FILE:
        import json

        record = {
            "log": text.decode("utf-8", "replace") + ("" if partial else "\n"),
            "stream": stream,
            "time": timestamp(now),
        }
        return json.dumps(record, separators=(",", ":")).encode() + b"\n"
    tag = b"P" if partial else b"F"
    return f"{timestamp(now)} {stream} ".encode() + tag + b" " + text + b"\n"


def parse_line(driver: str, raw: bytes) -> tuple[str, str, bytes, bool] | None:
    """(timestamp, stream, text, partial) of one record, or None if it is not one."""
    if driver == JSON_FILE:
        import json

        try:
            record = json.loads(raw)
            log = str(record["log"])
            stamp, stream = str(record["time"]), str(record["stream"])
        except (ValueError, KeyError, TypeError):
            return None
        partial = not log.endswith("\n")
        return stamp, stream, (log if partial else log[:-1]).encode(), partial
    parts = raw.split(b" ", 3)
    if len(parts) < 3:
        return None
    text = parts[3] if len(parts) == 4 else b""
    return parts[0].decode(), parts[1].decode(), text, parts[2] == b"P"


def _exists(path: str) -> bool:
    """``os.path.exists`` without ``os``."""
    try:
        posix.stat(path)
    except (OSError, ValueError):
        return False
    return True


def kept_files(path: str, max_files: int) -> list[str]:
    """The files of one log, oldest first (rotated ones that exist, then the live one)."""
    older = [f"{path}.{n}" for n in range(max(max_files, 1) - 1, 0, -1)]
    return [p for p in older if _exists(p)] + [path]


class LogWriter:
    """Writes the container's output as records of one driver's format."""

    def __init__(self, driver: str, path: str, max_size: int = 0, max_files: int = 1) -> None:
        self.driver = driver
        self.path = path
        self.max_size = max_size
        self.max_files = max(max_files, 1)
        self._partial: dict[str, bytes] = {"stdout": b"", "stderr": b""}
        self._fd = -1
        self._size = 0
        self._writes = driver in FILE_DRIVERS
        if self._writes:
            self._open()

    def _open(self) -> None:
        flags = posix.O_WRONLY | posix.O_CREAT | posix.O_APPEND | posix.O_CLOEXEC
        self._fd = posix.open(self.path, flags, 0o600)
        self._size = posix.fstat(self._fd).st_size

    def write(self, stream: str, data: bytes) -> None:
        if not self._writes:
            return
        buf = self._partial[stream] + data
        lines = buf.split(b"\n")
        self._partial[stream] = lines.pop()
        now = time.time()
        out = [format_line(self.driver, stream, line, False, now) for line in lines]
        if len(self._partial[stream]) > _PARTIAL_LIMIT:
            out.append(format_line(self.driver, stream, self._partial[stream], True, now))
            self._partial[stream] = b""
        for record in out:
            self._emit(record)

    def flush(self) -> None:
        for stream, rest in self._partial.items():
            if rest and self._writes:
                self._emit(format_line(self.driver, stream, rest, False, time.time()))
            self._partial[stream] = b""

    def pending_partial(self) -> dict[str, bytes]:
        """The unfinished line of each stream, handed over by the monitor's exec
        to its other half (``runtime/idle.py``), which takes it up with ``resume_partial``."""
        return dict(self._partial)

    def resume_partial(self, partial: dict[str, bytes]) -> None:
        self._partial.update(partial)

    def _emit(self, record: bytes) -> None:
        if self.max_size and self._size and self._size + len(record) > self.max_size:
            self._rotate()
        posix.write(self._fd, record)
        self._size += len(record)

    def _rotate(self) -> None:
        """Keep ``max_files - 1`` older files; the live file starts empty.

        Renames, then a fresh file: a reader following the old one by its
        handle finishes it and then finds the new one by name.
        """
        posix.close(self._fd)
        if self.max_files > 1:
            for n in range(self.max_files - 1, 1, -1):
                if _exists(f"{self.path}.{n - 1}"):
                    posix.replace(f"{self.path}.{n - 1}", f"{self.path}.{n}")
            posix.replace(self.path, f"{self.path}.1")
        else:
            posix.unlink(self.path)
        self._open()
