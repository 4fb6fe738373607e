"""A container's streams and files: logs, stats, archive (cp), export."""

from __future__ import annotations

import base64
import io
import json
import tarfile
import tempfile
import time
from collections.abc import Iterator
from typing import IO

from hutch.api.containers import (
    CopyOptions,
    ExportOptions,
    LogsOptions,
    StatsOptions,
    StatsReport,
)
from hutch.api.errors import Conflict, HutchError
from hutch.service import mux
from hutch.service.actions import inspect_one
from hutch.service.context import ServiceContext
from hutch.service.docker.stats_json import stats_json, system_cpu_ns
from hutch.service.errors import ApiError, bad_request
from hutch.service.reply import (
    MULTIPLEXED_STREAM,
    RAW_STREAM,
    Reply,
    Stream,
    json_reply,
)
from hutch.service.request import Request

_TAR = "application/x-tar"
STATS_INTERVAL = 1.0  # seconds between samples (Docker's collector ticks each second)


# -- logs -----------------------------------------------------------------------


def logs(ctx: ServiceContext, req: Request) -> Stream:
    engine = ctx.engine()
    report = inspect_one(engine, req.params["id"])
    want_out, want_err = req.flag("stdout"), req.flag("stderr")
    if not want_out and not want_err:
        raise bad_request("you must choose at least one stream")
    tail_text = req.arg("tail") or "all"
    tail = None if tail_text == "all" else _int(tail_text, "tail")
    if tail is not None and tail < 0:
        tail = None
    since = req.arg("since")
    until = req.arg("until")
    options = LogsOptions(
        (report.id,),
        follow=req.flag("follow"),
        tail=tail,
        since=since if since not in (None, "", "0") else None,
        until=until if until not in (None, "", "0") else None,
        timestamps=req.flag("timestamps"),
        # a silent container's follow ends once its client has gone (http11.py)
        cancelled=req.gone.is_set,
    )
    tty = report.config.tty

    def chunks() -> Iterator[bytes]:
        # This runs in the stream's own thread, with that thread's engine.
        for line in ctx.engine().containers.logs(options):
            is_err = line.stream == "stderr"
            if (is_err and not want_err) or (not is_err and not want_out):
                continue
            prefix = f"{line.timestamp} ".encode() if options.timestamps else b""
            data = prefix + line.text + (b"" if line.partial else b"\n")
            yield data if tty else mux.frame(mux.STDERR if is_err else mux.STDOUT, data)

    return Stream(chunks(), content_type=RAW_STREAM if tty else MULTIPLEXED_STREAM)


def _int(text: str, name: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise bad_request(f"invalid value {text!r} for {name}") from None


# -- stats ----------------------------------------------------------------------


def stats(ctx: ServiceContext, req: Request) -> Reply | Stream:
    engine = ctx.engine()
    report = inspect_one(engine, req.params["id"])
    stream = req.flag("stream", True)
    one_shot = req.flag("one-shot")
    container_id, name = report.id, report.name.lstrip("/")

    def sample() -> tuple[StatsReport | None, int, float]:
        if inspect_one(ctx.engine(), container_id).state.status != "running":
            return None, system_cpu_ns(), time.time()
        try:
            found = ctx.engine().containers.stats([container_id], StatsOptions())
        except Conflict:
            found = []  # it stopped since the look above
        return (found[0] if found else None), system_cpu_ns(), time.time()

    if not stream:
        first = sample()
        if one_shot:
            return json_reply(stats_json(container_id, name, *_pair(first, None)))
        time.sleep(STATS_INTERVAL)
        return json_reply(stats_json(container_id, name, *_pair(sample(), first)))

    def chunks() -> Iterator[bytes]:
        previous = None
        while True:
            current = sample()
            yield json.dumps(stats_json(container_id, name, *_pair(current, previous))).encode()
            yield b"\n"
            previous = current
            for _ in range(int(STATS_INTERVAL / 0.25)):
                time.sleep(0.25)
                yield b""  # lets the server see a client that left

    return Stream(chunks())


def _pair(
    current: tuple[StatsReport | None, int, float],
    previous: tuple[StatsReport | None, int, float] | None,
) -> tuple[StatsReport | None, StatsReport | None, int, int, float, float | None]:
    report, system, read_at = current
    if previous is None:
        return report, None, system, 0, read_at, None
    return report, previous[0], system, previous[1], read_at, previous[2]


# -- archive (docker cp) ------------------------------------------------------------


def archive_get(ctx: ServiceContext, req: Request) -> Reply | Stream:
    path = _path_arg(req)
    engine = ctx.engine()
    report = inspect_one(engine, req.params["id"])
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - streamed, closed by _file_chunks
    try:
        engine.containers.copy(CopyOptions(f"{report.id}:{path}", "-", stream=spool))
    except HutchError as exc:
        spool.close()
        if "no such file" in str(exc).lower() or "not exist" in str(exc).lower():
            raise ApiError(
                404, f"Could not find the file {path} in container {report.id}"
            ) from None
        raise
    stat = _first_member_stat(spool, path)
    headers = (("X-Docker-Container-Path-Stat", _encode_stat(stat)),)
    if req.method == "HEAD":
        spool.close()
        return Reply(200, b"", content_type=_TAR, headers=headers)
    spool.seek(0)
    return Stream(_file_chunks(spool), content_type=_TAR, headers=headers)


def archive_put(ctx: ServiceContext, req: Request) -> Reply:
    path = _path_arg(req)
    engine = ctx.engine()
    report = inspect_one(engine, req.params["id"])
    body = _BodyReader(req, ctx.config.max_upload)
    overwrite = not req.flag("noOverwriteDirNonDir")
    engine.containers.copy(
        CopyOptions("-", f"{report.id}:{path}", overwrite=overwrite, stream=body)  # type: ignore[arg-type]
    )
    return Reply(200, b"", content_type="")


def export(ctx: ServiceContext, req: Request) -> Stream:
    engine = ctx.engine()
    report = inspect_one(engine, req.params["id"])
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - streamed, closed by _file_chunks
    try:
        engine.containers.export(ExportOptions(report.id), spool)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return Stream(_file_chunks(spool), content_type=_TAR)


def _path_arg(req: Request) -> str:
    path = req.arg("path")
    if not path:
        raise bad_request("path is required (?path=/PATH)")
    return path


def _file_chunks(f: IO[bytes]) -> Iterator[bytes]:
    try:
        while True:
            data = f.read(1 << 16)
            if not data:
                return
            yield data
    finally:
        f.close()


def _first_member_stat(spool: IO[bytes], path: str) -> dict[str, object]:
    spool.seek(0)
    try:
        with tarfile.open(fileobj=spool, mode="r|") as archive:
            member = archive.next()
    except tarfile.TarError:
        member = None
    name = path.rstrip("/").rsplit("/", 1)[-1] or "/"
    if member is None:
        return {"name": name, "size": 0, "mode": 0, "mtime": "", "linkTarget": ""}
    mode = member.mode & 0o7777
    if member.isdir():
        mode |= 1 << 31  # Go's os.ModeDir
    elif member.issym():
        mode |= 1 << 27  # os.ModeSymlink
    return {
        "name": name,
        "size": member.size,
        "mode": mode,
        "mtime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(member.mtime)),
        "linkTarget": member.linkname if member.issym() else "",
    }


def _encode_stat(stat: dict[str, object]) -> str:
    return base64.b64encode(json.dumps(stat).encode()).decode()


class _BodyReader(io.RawIOBase):
    """The request body as a file for the engine's tar reader (within a limit)."""

    def __init__(self, req: Request, limit: int) -> None:
        self._chunks = req.stream()
        self._pending = b""
        self._size = 0
        self._limit = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if not self._pending:
            self._pending = next(self._chunks, b"")
            self._size += len(self._pending)
            if self._limit and self._size > self._limit:
                raise ApiError(413, f"request body too large: the limit is {self._limit} bytes")
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n
