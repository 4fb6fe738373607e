"""Attach (a hijacked connection) and resize of a container's terminal.

Running container: the engine's attach relays its streams to our pipes
(``plumbing.py``). Created container (docker run attaches, then starts): the
attach waits, registered with the service's sessions, until the start
request hands it the start (``sessions.py``), then starts the container
attached to its pipes. The relay ends with the container, with the client's
detach keys, or when the client has gone (the plumbing's hang-up pipe ends
the engine's relay at once); the container runs on then.
"""

from __future__ import annotations

import sys
import threading

from hutch.api.containers import AttachOptions, ContainerInspect, LogsOptions, StartOptions
from hutch.api.errors import HutchError
from hutch.service import mux
from hutch.service.actions import check, inspect_one
from hutch.service.context import ServiceContext
from hutch.service.errors import ApiError, message_of, status_of
from hutch.service.http11 import peer_gone
from hutch.service.plumbing import Plumbing
from hutch.service.reply import MULTIPLEXED_STREAM, RAW_STREAM, Hijack, Hijacked
from hutch.service.request import Request
from hutch.service.sessions import PendingAttach

_RUNNING = ("running", "paused", "stopping")


def attach(ctx: ServiceContext, req: Request) -> Hijack:
    report = inspect_one(ctx.engine(), req.params["id"])
    tty = report.config.tty
    stdin = req.flag("stdin") and report.config.open_stdin
    logs = req.flag("logs")
    stream = req.flag("stream")
    keys = req.arg("detachKeys")
    if not stream and not logs:
        raise ApiError(400, "attach needs stream=1 or logs=1")
    pending: PendingAttach | None = None
    if stream and report.state.status in ("created", "initialized"):  # not started yet
        # Registered before the 101 goes out: the client's start may come at once.
        pending = PendingAttach(report.id)
        ctx.sessions.add_attach(pending)

    def run(conn: Hijacked) -> None:
        plumbing = Plumbing(conn, tty=tty, stdin=stdin)
        try:
            if logs:
                _send_logs(ctx, report, conn, tty)
            if stream:
                _relay(ctx, report, plumbing, pending, keys, stdin)
        finally:
            if pending is not None:
                ctx.sessions.drop_attach(pending)
            plumbing.close()
            conn.close_write()

    return Hijack(run, content_type=RAW_STREAM if tty else MULTIPLEXED_STREAM)


def _relay(
    ctx: ServiceContext,
    report: ContainerInspect,
    plumbing: Plumbing,
    pending: PendingAttach | None,
    keys: str | None,
    stdin: bool,
) -> None:
    started_by_us = pending is not None and _wait_for_start(ctx, report.id, pending, plumbing)
    if pending is not None and not started_by_us:
        ctx.sessions.drop_attach(pending)
        if plumbing.client_gone or not _running(ctx, report.id):
            return
    plumbing.start_input()

    def engine_work() -> None:
        try:
            if started_by_us:
                assert pending is not None
                options = StartOptions(
                    attach=True,
                    interactive=stdin,
                    detach_keys=pending.detach_keys or keys,
                    sig_proxy=False,
                    stdio=plumbing.stdio(),
                    hangup_fd=plumbing.hangup_fd,
                )
                try:
                    check(ctx.engine().containers.start([report.id], options))
                except ApiError as exc:
                    pending.failed(exc)
                except HutchError as exc:
                    pending.failed(ApiError(status_of(exc), message_of(exc)))
                finally:
                    pending.finished()
            else:
                attach_options = AttachOptions(
                    report.id,
                    no_stdin=not stdin,
                    detach_keys=keys,
                    sig_proxy=False,
                    stdio=plumbing.stdio(),
                    hangup_fd=plumbing.hangup_fd,
                )
                ctx.engine().containers.attach(attach_options)
        except (HutchError, OSError) as exc:
            # The client went away (EPIPE) or the container did: the relay ends.
            if not plumbing.client_gone:
                print(f"WARN: attach {report.id[:12]}: {exc}", file=sys.stderr)
        finally:
            plumbing.writers_done()
            ctx.release_engine()

    worker = threading.Thread(target=engine_work, daemon=True, name="attach")
    worker.start()
    plumbing.pump_output()
    worker.join()


def _wait_for_start(
    ctx: ServiceContext, container_id: str, pending: PendingAttach, plumbing: Plumbing
) -> bool:
    """True when the start request handed us the start; False when the container
    was started otherwise, removed, or the client left."""
    while not pending.wait_go(0.25):
        if peer_gone(plumbing.conn.sock, half_close=False):
            plumbing.client_gone = True
            return False
        try:
            status = inspect_one(ctx.engine(), container_id).state.status
        except HutchError:
            return False
        if status not in ("created", "initialized"):
            return False
    return True


def _running(ctx: ServiceContext, container_id: str) -> bool:
    try:
        return inspect_one(ctx.engine(), container_id).state.status in _RUNNING
    except HutchError:
        return False


def _send_logs(ctx: ServiceContext, report: ContainerInspect, conn: Hijacked, tty: bool) -> None:
    for line in ctx.engine().containers.logs(LogsOptions((report.id,))):
        data = line.text + (b"" if line.partial else b"\n")
        stream = mux.STDERR if line.stream == "stderr" else mux.STDOUT
        if not conn.send(data if tty else mux.frame(stream, data)):
            return
