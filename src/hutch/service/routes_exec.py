"""Exec: create an instance, start it (hijacked, or detached), resize, inspect.

Docker creates an exec and starts it by id in a second request; the instance
lives in the service's sessions. A start runs the engine's exec (the CLI's
code) in a thread with our pipes as its stdio, so the exit code is known and
recorded before the stream ends: the client asks for it right after. A
detached start runs the same way with /dev/null as its stdio.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import sys
import threading
from dataclasses import replace

from hutch.api.containers import ExecOptions
from hutch.api.errors import HutchError
from hutch.service import mux
from hutch.service.actions import inspect_one
from hutch.service.context import ServiceContext
from hutch.service.docker.jsonread import Body
from hutch.service.errors import ApiError, bad_request, message_of, not_found
from hutch.service.plumbing import Plumbing
from hutch.service.reply import (
    MULTIPLEXED_STREAM,
    RAW_STREAM,
    Hijack,
    Hijacked,
    Reply,
    json_reply,
)
from hutch.service.request import Request
from hutch.service.sessions import ExecInstance

_RUNNING = ("running", "stopping")


def create(ctx: ServiceContext, req: Request) -> Reply:
    body = Body(req.json(required=True), "")
    report = inspect_one(ctx.engine(), req.params["id"])
    if report.state.status == "paused":
        raise ApiError(409, f"Container {report.id} is paused, unpause the container before exec")
    if report.state.status not in _RUNNING:
        raise ApiError(409, f"Container {report.id} is not running")
    command = body.texts("Cmd")
    if not command:
        raise bad_request("No exec command specified")
    if body.flag("Privileged"):
        raise bad_request("Privileged: a privileged exec is not supported")
    exec_id = secrets.token_hex(32)  # Docker's kind of id
    options = ExecOptions(
        container=report.id,
        command=command,
        interactive=body.flag("AttachStdin"),
        tty=body.flag("Tty"),
        env=tuple(e for e in body.texts("Env") if "=" in e),
        user=body.text("User") or None,
        workdir=body.text("WorkingDir") or None,
        detach_keys=body.text("DetachKeys") or None,
        session_id=exec_id,
    )
    ctx.sessions.add_exec(
        ExecInstance(
            exec_id,
            report.id,
            options,
            attach_stdin=body.flag("AttachStdin"),
            attach_stdout=body.flag("AttachStdout"),
            attach_stderr=body.flag("AttachStderr"),
        )
    )
    return json_reply({"Id": exec_id}, 201)


def _instance(ctx: ServiceContext, exec_id: str) -> ExecInstance:
    instance = ctx.sessions.exec(exec_id)
    if instance is None:
        raise not_found(f"No such exec instance: {exec_id}")
    return instance


def start(ctx: ServiceContext, req: Request) -> Reply | Hijack:
    instance = _instance(ctx, req.params["id"])
    body = Body(req.json(), "")
    if instance.started:
        raise ApiError(409, f"exec {instance.id} has already been started")
    if not _running(ctx, instance.container_id):
        raise ApiError(409, f"Container {instance.container_id} is not running")
    ctx.sessions.update_exec(instance.id, started=True, running=True)
    tty = body.flag("Tty") or instance.options.tty
    if body.flag("Detach"):
        threading.Thread(
            target=_run_detached, args=(ctx, instance), daemon=True, name="exec"
        ).start()
        return Reply(200, b"", content_type="")

    def run(conn: Hijacked) -> None:
        plumbing = Plumbing(conn, tty=tty, stdin=instance.options.interactive)
        try:
            _attached(ctx, instance, plumbing, tty)
        finally:
            plumbing.close()
            conn.close_write()

    return Hijack(run, content_type=RAW_STREAM if tty else MULTIPLEXED_STREAM)


def _attached(ctx: ServiceContext, instance: ExecInstance, plumbing: Plumbing, tty: bool) -> None:
    stdio = plumbing.stdio()
    pids: list[int] = []

    def on_start(pid: int, _ns_pid: int) -> None:
        pids.append(pid)
        ctx.sessions.update_exec(instance.id, pid=pid)

    options = replace(
        instance.options, tty=tty, stdio=stdio, resize_fd=plumbing.resize_r, on_start=on_start
    )
    ctx.sessions.set_resizer(instance.id, plumbing)
    plumbing.start_input()

    def engine_work() -> None:
        code = 126
        try:
            report = ctx.engine().containers.exec(options)
            code = report.exit_code if report.exit_code is not None else 0
        except HutchError as exc:
            code = exc.exit_code
            message = f"{message_of(exc)}\n".encode()
            if not plumbing.client_gone:
                plumbing.conn.send(message if tty else mux.frame(mux.STDERR, message))
        except OSError as exc:
            if not plumbing.client_gone:
                print(f"WARN: exec {instance.id[:12]}: {exc}", file=sys.stderr)
        finally:
            # Recorded before the stream ends: the client asks for it next.
            ctx.sessions.update_exec(instance.id, running=False, exit_code=code)
            ctx.sessions.set_resizer(instance.id, None)
            plumbing.writers_done()
            ctx.release_engine()

    def on_gone() -> None:
        # The client hung up: so is its process (a terminal's hang-up), rather
        # than left running with nobody to read it.
        for pid in pids:
            hang_up(pid, worker)

    worker = threading.Thread(target=engine_work, daemon=True, name="exec")
    worker.start()
    plumbing.pump_output(on_gone)
    worker.join()


def hang_up(pid: int, worker: threading.Thread, grace: float = 5.0) -> None:
    """SIGHUP, then SIGKILL if the process is still there after ``grace`` seconds
    (the engine's thread reaps it and ends)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGHUP)
        worker.join(grace)
        if worker.is_alive():
            os.kill(pid, signal.SIGKILL)


def _run_detached(ctx: ServiceContext, instance: ExecInstance) -> None:
    null = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
    code = 126
    try:
        options = replace(instance.options, interactive=False, stdio=(null, null, null))
        report = ctx.engine().containers.exec(options)
        code = report.exit_code if report.exit_code is not None else 0
    except HutchError as exc:
        code = exc.exit_code
    finally:
        os.close(null)
        ctx.sessions.update_exec(instance.id, running=False, exit_code=code)
        ctx.release_engine()


def resize(ctx: ServiceContext, req: Request) -> Reply:
    instance = _instance(ctx, req.params["id"])
    rows, cols = req.int_arg("h", 0) or 0, req.int_arg("w", 0) or 0
    if rows <= 0 or cols <= 0:
        raise bad_request(f"invalid window size {rows}x{cols}")
    plumbing = ctx.sessions.resizer(instance.id)
    if plumbing is None:
        if not instance.running:
            raise ApiError(409, f"exec {instance.id} is not running")
    else:
        plumbing.resize(rows, cols)
    return Reply(201, b"", content_type="")


def inspect(ctx: ServiceContext, req: Request) -> Reply:
    instance = _instance(ctx, req.params["id"])
    options = instance.options
    return json_reply(
        {
            "CanRemove": False,
            "ContainerID": instance.container_id,
            "DetachKeys": options.detach_keys or "",
            "ExitCode": instance.exit_code,
            "ID": instance.id,
            "OpenStderr": instance.attach_stderr,
            "OpenStdin": instance.attach_stdin,
            "OpenStdout": instance.attach_stdout,
            "ProcessConfig": {
                "arguments": list(options.command[1:]),
                "entrypoint": options.command[0],
                "privileged": False,
                "tty": options.tty,
                "user": options.user or "",
            },
            "Running": instance.running,
            "Pid": instance.pid,
        }
    )


def _running(ctx: ServiceContext, container_id: str) -> bool:
    try:
        return inspect_one(ctx.engine(), container_id).state.status in _RUNNING
    except HutchError:
        return False
