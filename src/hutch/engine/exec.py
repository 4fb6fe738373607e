"""``exec``: one more process in a running container (the caller's side).

The process joins the init's namespaces (runtime/exec.py) with the identity,
capabilities and environment of the container's own process, changed by the
``exec`` flags. Without a terminal it gets our stdio directly (no relay);
with one, the terminal is allocated in the container's devpts and relayed.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace

from hutch.api.container_exec import ExecOptions, ExecReport
from hutch.api.errors import CannotInvoke, CommandNotFound, Conflict, HutchError, InvalidArgument
from hutch.engine import container_state as cs
from hutch.engine import events as engine_events
from hutch.engine.context import EngineContext
from hutch.engine.environment import merge_environment
from hutch.runtime import exec as rx
from hutch.runtime import exec_sessions
from hutch.runtime import state as st
from hutch.runtime.signalproxy import SignalProxy
from hutch.runtime.spec import User
from hutch.util.ids import new_id


def exec_environment(base: tuple[str, ...], options: ExecOptions) -> tuple[str, ...]:
    """The container's environment (``Process.exec_env``) < env files < ``-e`` flags."""
    return merge_environment(
        base,
        tty=options.tty,
        env_files=options.env_files,
        env=options.env,
        env_context="parsing environment variables: ",  # podman's exec
    )


def running_container(ctx: EngineContext, name: str, verb: str) -> cs.Container:
    """The container, which must be running (not paused, not stopped)."""
    container = cs.get(ctx, name)
    check_running(container, verb)
    return container


def is_running(container: cs.Located) -> bool:
    """Running (or stopping) and its process still there: not paused, not stopped."""
    return container.state.status in (st.RUNNING, st.STOPPING) and st.alive(
        container.state.pid, container.state.pid_start
    )


def check_running(container: cs.Located, verb: str) -> None:
    status = container.state.status
    if status == st.PAUSED:
        raise Conflict(f"cannot {verb} container {container.record.id[:12]}: it is paused")
    if not is_running(container):
        raise Conflict(
            f"cannot {verb} container {container.record.id[:12]}: it is not running "
            f"(state {status})"
        )


class ExecVerb:
    """The ``exec`` verb of the container verbs (ProcessVerbs), apart so that
    ``hutch exec`` loads it alone (engine/engine.py's EXEC_VERBS)."""

    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    def exec(self, options: ExecOptions) -> ExecReport:
        # Every session gets podman's kind of id; exec -d prints it, inspect lists it.
        session_id = options.session_id or new_id()
        return ExecReport(session_id, ExecService(self._ctx).exec(options, session_id))


class ExecService:
    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    def exec(self, options: ExecOptions, session_id: str) -> int | None:
        """Run the command; its exit code, or None when detached.

        While the command runs, ``inspect`` lists ``session_id`` in ``.ExecIDs``.
        """
        if not options.command:
            raise InvalidArgument(
                "must provide a non-empty command to start an exec session: invalid argument"
            )
        if options.workdir is not None and not options.workdir.startswith("/"):
            raise InvalidArgument(f"invalid --workdir {options.workdir!r}: it must be absolute")
        self._ctx.enter_session()
        # Without its config (the record's run options): exec reads the spec instead.
        container = cs.located(self._ctx, cs.find(self._ctx, options.container))
        try:
            check_running(container, "exec into")
        except Conflict:  # podman's words, paused or stopped alike (its man page: 125)
            raise Conflict(
                "can only create exec sessions on running containers: container state improper"
            ) from None
        spec = cs.bundle_spec(container)
        process = replace(
            spec.process,
            args=options.command,
            env=exec_environment(spec.process.exec_env, options),
            own_env=(),  # -e HOSTNAME=... is the session's own
            cwd=options.workdir or spec.process.cwd,
            user=User(options.user) if options.user is not None else spec.process.user,
            terminal=options.tty,
            stdin=options.interactive,
        )
        if options.privileged:
            # here: the security code (and the mount table it reads) is for --privileged only
            from hutch.engine.security import privileged_security

            spec = replace(spec, security=privileged_security(spec.security))
        request = rx.ExecRequest(
            init_pid=container.state.pid,
            spec=replace(spec, process=process),
            detach=options.detach,
            window=_window(options),
            preserve_fds=options.preserve_fds,
            died=_died_event(self._ctx, container, session_id) if options.detach else None,
        )
        null = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
        try:
            if options.detach:
                stdio = (null, null, null)
            else:
                given = options.stdio or (0, 1, 2)
                stdio = (given[0] if options.interactive else null, given[1], given[2])
            try:
                handle = rx.start_exec(request, stdio)
            except OSError as exc:
                raise HutchError(
                    f"cannot join container {container.record.id[:12]}: {exc}"
                ) from exc
        finally:
            os.close(null)
        if options.detach:
            try:
                self._detached(handle, options, container, session_id)
            finally:
                rx.release(handle)  # its exec_died may follow the exec event now
            return None
        return self._attached(handle, options, container, session_id)

    def _detached(
        self, handle: rx.ExecHandle, options: ExecOptions, container: cs.Located, session_id: str
    ) -> None:
        try:
            started = rx.wait_started(handle)
        except rx.ExecFailed as exc:
            _reap(handle.joiner)
            raise _error_of(exc) from None
        _reap(handle.joiner)
        if started.master is not None:
            os.close(started.master)
        # Dropped by the first reader that finds the process gone.
        _record(container, session_id, started.pid)
        engine_events.container_event(self._ctx, container.record, "exec")
        if options.on_start is not None:
            options.on_start(started.pid, started.ns_pid)

    def _attached(
        self, handle: rx.ExecHandle, options: ExecOptions, container: cs.Located, session_id: str
    ) -> int:
        # Before the process exists: no signal is lost. Not for a server's
        # session (stdio given): its signals are its own, and only its main
        # thread could take them.
        proxy = SignalProxy() if options.stdio is None else None
        userdata = container.dirs.userdata
        try:
            try:
                started = rx.wait_started(handle)
            except rx.ExecFailed as exc:
                _reap(handle.joiner)
                raise _error_of(exc) from None
            if proxy is not None:
                proxy.target(started.pid)
            _record(container, session_id, started.pid)
            engine_events.container_event(self._ctx, container.record, "exec")
            if options.on_start is not None:  # a server hangs it up when its client leaves
                options.on_start(started.pid, started.ns_pid)
            if started.master is not None:
                try:
                    rx.relay_terminal(
                        started.master,
                        stdin=options.interactive,
                        stdio=options.stdio[:2] if options.stdio else (0, 1),
                        resize_fd=options.resize_fd,
                    )
                except OSError:
                    if options.stdio is None:
                        raise
                    # A server's client went away: closing the terminal hangs
                    # the process up, and it is reaped below, not leaked.
                finally:
                    os.close(started.master)
            code = _reap(handle.joiner)
            # current podman's: the session's id among the attributes, its exit code
            engine_events.container_event(
                self._ctx, container.record, "exec_died", execID=session_id, exitCode=code
            )
            return code
        finally:
            exec_sessions.remove(userdata, session_id)
            if proxy is not None:
                proxy.close()


def _died_event(ctx: EngineContext, container: cs.Located, session_id: str) -> rx.DiedEvent | None:
    """What a detached session's joiner logs when its process ends (None without an
    event log): the attributes an attached session's ``exec_died`` has."""
    paths = engine_events.paths_of(ctx)
    if paths is None:
        return None
    record = container.record
    attributes = {**engine_events.container_attributes(record), "execID": session_id}
    return rx.DiedEvent(
        str(engine_events.log_path(paths)),
        record.id,
        record.name,
        record.image_name,
        tuple(attributes.items()),
    )


def _window(options: ExecOptions) -> tuple[int, int]:
    if not options.tty:
        return (24, 80)
    if options.window is not None:
        return options.window
    if options.stdio is not None:
        return (24, 80)  # a server's client sends its size through resize_fd
    return rx.window_of(0) or rx.window_of(1) or (24, 80)


def _record(container: cs.Located, session_id: str, pid: int) -> None:
    try:
        exec_sessions.record(container.dirs.userdata, session_id, pid)
    except OSError as exc:  # the command runs all the same; only inspect misses it
        print(f"WARN: recording exec session {session_id[:12]}: {exc}", file=sys.stderr)


def _reap(pid: int) -> int:
    while True:
        try:
            _, status = os.waitpid(pid, 0)
        except InterruptedError:
            continue
        except ChildProcessError:
            return 125
        return rx.exit_code_of(status)


def _error_of(exc: rx.ExecFailed) -> HutchError:
    if exc.code == 127:
        return CommandNotFound(str(exc))
    if exc.code == 126:
        return CannotInvoke(str(exc))
    return HutchError(str(exc))
