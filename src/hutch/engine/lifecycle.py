"""exec, attach, top, pause/unpause and health checks of running containers.

Changes to a running container's state go through its monitor (control
frames on the attach socket, runtime/control.py): the monitor is the one
writer of state.json, so a pause can never be overwritten by the monitor
recording the container's exit, or the other way round.
"""

from __future__ import annotations

import contextlib
import os
import signal as signals
import socket
from collections.abc import Sequence
from types import FrameType
from typing import Any

from hutch.api.container_exec import ExecOptions, ExecReport
from hutch.api.containers import (
    ActionReport,
    AttachOptions,
    HealthReport,
    PauseOptions,
)
from hutch.api.errors import Conflict, HutchError, InvalidArgument, NoSuchObject
from hutch.engine import container_select
from hutch.engine import container_state as cs
from hutch.engine.container_usage import TopVerb
from hutch.engine.context import EngineContext
from hutch.engine.run_flags import detach_keys
from hutch.runtime import attachproto as ap
from hutch.runtime import control
from hutch.runtime import state as st
from hutch.runtime.relay import Detached, relay

FORWARDED_SIGNALS = (
    signals.SIGINT,
    signals.SIGTERM,
    signals.SIGHUP,
    signals.SIGQUIT,
    signals.SIGUSR1,
    signals.SIGUSR2,
)


# engine/exec.py (and with it the container's whole init, runtime/exec.py) and
# engine/top.py load in the methods that use them; run and start do not import this
# module at all (detach_keys is in engine/run_flags.py).


class LifecycleService(TopVerb):
    """The process verbs; exec is ExecVerb's (``hutch exec`` loads only that), top
    TopVerb's (engine/container_usage.py)."""

    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    def exec(self, options: ExecOptions) -> ExecReport:
        from hutch.engine.exec import ExecVerb  # the one copy of the verb

        return ExecVerb(self._ctx).exec(options)

    def resize(self, name: str, rows: int, cols: int) -> None:
        if rows <= 0 or cols <= 0 or rows > 0xFFFF or cols > 0xFFFF:
            raise InvalidArgument(f"invalid window size {rows}x{cols}")
        from hutch.engine.exec import running_container

        self._ctx.enter_session()
        container = running_container(self._ctx, name, "resize the terminal of")
        if not container.config.options.tty:
            return  # no terminal: nothing to size (Docker answers 200 all the same)
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
        try:
            conn.connect(str(self._ctx.paths.attach_socket(container.record.id)))
            ap.send_frame(conn, ap.RESIZE, f"{rows} {cols}".encode())
        except OSError as exc:
            raise HutchError(f"cannot resize {container.record.id[:12]}: {exc}") from exc
        finally:
            conn.close()

    # -- attach ------------------------------------------------------------------

    def attach(self, options: AttachOptions) -> int:
        detach_keys(options.detach_keys)  # a bad flag fails before anything else
        self._ctx.enter_session()
        container = cs.get(self._ctx, options.container)
        # The flag, else the container's own --detach-keys, else containers.conf's,
        # else the default.
        chosen = options.detach_keys
        if chosen is None:
            chosen = container.config.options.lifecycle.detach_keys
        keys = detach_keys(chosen, self._ctx.settings.detach_keys)
        if container.state.status != st.RUNNING:  # paused or stopping too, as podman
            raise Conflict("you can only attach to running containers")  # podman's words
        log = container.config.options.log
        if log.passes_streams:  # its streams are its caller's: none to attach to
            from hutch.engine.logconfig import without_log_message

            raise HutchError(  # podman's words
                f"attaching to container {container.record.id}: "
                + without_log_message(log.driver, "attach")
            )
        stdin = container.config.options.interactive and not options.no_stdin
        terminal = container.config.options.tty
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
        try:
            conn.connect(str(self._ctx.paths.attach_socket(container.record.id)))
        except OSError as exc:
            conn.close()
            raise HutchError(f"cannot attach to {container.record.id[:12]}: {exc}") from exc
        previous = {}
        if options.sig_proxy and not terminal and options.stdio is None:
            pid = container.state.pid

            def forward(sig: int, _frame: FrameType | None) -> None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)

            previous = {sig: signals.signal(sig, forward) for sig in FORWARDED_SIGNALS}
        try:
            code = relay(
                conn,
                stdin=stdin,
                terminal=terminal,
                detach_keys=keys,
                stdio=options.stdio or (0, 1, 2),
                hangup=options.hangup_fd,
            )
        except Detached:
            return 0
        finally:
            conn.close()
            for sig, handler in previous.items():
                signals.signal(sig, handler)
        if code is None:
            code = cs.get(self._ctx, container.record.id).state.exit_code
        return code

    # -- pause / unpause -----------------------------------------------------------

    def pause(self, names: Sequence[str], options: PauseOptions) -> list[ActionReport]:
        return self._each(names, options, ap.PAUSE, st.RUNNING)

    def unpause(self, names: Sequence[str], options: PauseOptions) -> list[ActionReport]:
        return self._each(names, options, ap.UNPAUSE, st.PAUSED)

    def _each(
        self, names: Sequence[str], options: PauseOptions, kind: int, wanted: str
    ) -> list[ActionReport]:
        self._ctx.enter_session()
        names = container_select.targets(
            self._ctx,
            names,
            all_=options.all,
            latest=options.latest,
            filters=options.filters,
            keep=lambda c: c.state.status == wanted,
        )
        given = not (options.all or options.filters)
        if given and (missing := container_select.first_missing(self._ctx, names)):
            return missing
        reports = []
        for name in names:
            try:
                container = cs.get(self._ctx, name)
                self._pause_one(container, kind)
                reports.append(ActionReport(name, container.record.id))
            except HutchError as exc:
                reports.append(ActionReport(name, error=str(exc), exit_code=exc.exit_code))
        return reports

    def _pause_one(self, container: cs.Container, kind: int) -> None:
        short = container.record.id[:12]
        status = container.state.status
        # podman's words (libpod's Pause and Unpause; the one for pause names the
        # state where the id would be)
        improper = "container state improper"
        if kind == ap.PAUSE and status == st.PAUSED:
            raise Conflict(f'"{container.record.id}" is already paused: {improper}')
        if kind == ap.PAUSE and status != st.RUNNING:
            raise Conflict(f'"{status}" is not running, can\'t pause: {improper}')
        if kind == ap.UNPAUSE and status != st.PAUSED:
            raise Conflict(f'"{container.record.id}" is not paused, can\'t unpause: {improper}')
        answer = self._ask(container, kind)
        if "error" in answer:
            raise Conflict(f"container {short}: {answer['error']}")
        # podman's and Docker's event logs have both (docker events, /events)
        from hutch.engine import events as engine_events

        action = "pause" if kind == ap.PAUSE else "unpause"
        engine_events.container_event(self._ctx, container.record, action)

    def _ask(self, container: cs.Container, kind: int) -> dict[str, Any]:
        path = str(self._ctx.paths.attach_socket(container.record.id))
        try:
            return control.request(path, kind)
        except OSError as exc:
            raise HutchError(
                f"cannot reach the monitor of container {container.record.id[:12]}: {exc}"
            ) from exc

    # -- health checks -----------------------------------------------------------

    def healthcheck(self, name: str) -> HealthReport:
        from hutch.engine.exec import is_running

        self._ctx.enter_session()
        try:
            container = cs.get(self._ctx, name)
        except NoSuchObject as exc:  # podman's words around the lookup's
            raise NoSuchObject(
                f"unable to look up {name} to perform a health check: {exc}"
            ) from None
        # podman's order and words (4.3.1): not running (paused included) first, then
        # no check defined, each naming the full id
        if not is_running(container):
            raise Conflict(f"container {container.record.id} is not running")
        if cs.bundle_spec(container).lifecycle.health is None:
            raise InvalidArgument(f"container {container.record.id} has no defined healthcheck")
        answer = self._ask(container, ap.HEALTHCHECK)
        if "error" in answer:
            raise HutchError(f"container {container.record.id[:12]}: {answer['error']}")
        return HealthReport(
            status=str(answer["status"]),
            exit_code=int(answer["exit_code"]),
            output=str(answer.get("output", "")),
        )
