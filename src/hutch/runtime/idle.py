"""The idle monitor: what a container's monitor runs while nothing rare happens.

    python -S -c "...; from hutch.runtime.idle import main; main()" FD

(the ``...`` makes the ``hutch`` package without its ``__init__``:
``monitorio.half_code``)

The full monitor (``runtime/monitor.py``) imports what the container's
set-up needs (cgroups, mounts, the init's code, spec dataclasses: some 150
modules, about 4 MB of a process that lives as long as the container).
Once a detached run has started and nothing but its output and attach
clients needs serving, it execs this (same pid: the init stays its child,
the pid namespace its own), handing over its descriptors (listener, clients,
output pipes or terminal master, stdin) and what it will need back, in the
memfd FD (``monitorio.exec_half``). This loop imports only modules
built into the interpreter (``_signal`` and ``_socket``, not the ``signal``
and ``socket`` wrappers, whose enums cost about 1 MB; ``posix``, not ``os``)
and ``monitorio`` (log writer, attach protocol), without the ``hutch``
package's ``__init__`` (``monitorio.half_code``): it relays output
to the log and the clients, serves input, window sizes and SIGNAL frames,
and forwards SIGTERM/SIGINT/SIGHUP to the init.

Anything rarer goes back to the full monitor by the same exec: the init's
exit (with its wait status: the exit is recorded, the restart policy and
cleanup run there), PAUSE, UNPAUSE and HEALTHCHECK frames (handed over
unanswered, with the client), and the time of the next health check or of
the --timeout (``wake_at``: the full monitor runs the check, then comes back
here). So the code of each feature stays in one place.
"""

from __future__ import annotations

import _socket
import posix
import select
import sys
import time

from hutch.runtime import attachproto as ap
from hutch.runtime import monitorio as mio
from hutch.runtime.logfile import LogWriter

TYPE_CHECKING = False  # not typing's: one module less in a process that stays
if TYPE_CHECKING:
    import signal as _signal  # typeshed has no stub of _signal: signal's take ints
    from typing import Any
else:
    import _signal

FULL = "hutch.runtime.monitor"
# The frames the idle loop serves itself; any other goes back to the full monitor.
SERVED = (ap.STDIN, ap.STDIN_EOF, ap.RESIZE, ap.SIGNAL)
# The answer to a frame for the full monitor once the installed hutch refused our
# hand-over (``Idle._refused``): a client such as `hutch pause` reports it.
REFUSED_REPLY = (
    b'{"error": "the monitor of this container is older than the installed hutch: '
    b'restart the container to pause it or check its health", "code": 125}'
)


class Idle:
    def __init__(self, handoff: dict[str, Any]) -> None:
        self.handoff = handoff
        log = handoff["log"]
        self.io = mio.Stdio(
            LogWriter(
                str(log["driver"]),
                str(log["path"]),
                int(log["max_size"]),
                int(log["max_files"]),
            )
        )
        self.io.log.resume_partial(log["partial"])
        self.init_pid = int(handoff["init_pid"])
        self.listener = _socket.socket(fileno=int(handoff["listener"]))
        self.pipes = {int(fd): str(stream) for fd, stream in handoff["pipes"]}
        self.stdin_w = int(handoff["stdin_w"])
        master = int(handoff["master"])
        self.master = master if master >= 0 else None
        self.status: int | None = None  # the init's wait status, once reaped
        # when (time.monotonic()) the full monitor wants the run back: a health check
        # is due, or the --timeout
        self.wake_at: float | None = handoff["wake_at"]
        self.woken = False
        self.refused = False  # the installed hutch does not read our hand-over
        self.back: dict[_socket.socket, bytes] = {}  # clients with frames for the full half
        self.wake_r, self.wake_w = posix.pipe2(posix.O_NONBLOCK | posix.O_CLOEXEC)
        mio.own([self.listener.fileno(), *self.pipes, self.stdin_w, master])
        for fd, pending in handoff["clients"]:
            client = _socket.socket(fileno=int(fd))
            mio.own([client.fileno()])
            self._serve(client, self.io.adopt(client, pending))

    def run(self) -> int:
        _signal.set_wakeup_fd(self.wake_w)
        _signal.signal(_signal.SIGCHLD, lambda *_: None)
        for sig in mio.FORWARDED:
            _signal.signal(sig, self._forward)
        mio.unblock_forwarded()
        while True:
            while not self.back and self.status is None and not self.woken:
                self._once()
            try:
                self._to_full()  # does not return, but when the hand-over is refused
            except mio.Refused as exc:
                code = self._refused(str(exc))
                if code is not None:
                    return code

    def _refused(self, why: str) -> int | None:
        """The installed hutch does not read our hand-over (upgraded under us): carry
        on as far as this loop can, never giving the run to code that would misread
        it. Its exit code once the init is gone, else None (serving on)."""
        if not self.refused:
            self.refused = True
            self._note(
                f"{why}: this container's exit will not be recorded (its state "
                "shows it exited when a command next looks), pause and health "
                "checks are refused; restart it to run it under the new hutch"
            )
        if self.status is not None:
            # Its end: the pid namespace and our mounts go with us; the engine records
            # the exit of a container whose monitor is gone (container_state.load).
            self.io.log.flush()
            return mio.exit_code_of(self.status)
        answer = REFUSED_REPLY
        for client in self.back:
            self.io.send(client, ap.REPLY, answer)
        self.back.clear()
        self.wake_at, self.woken = None, False  # no more health checks nor --timeout
        return None

    def _note(self, text: str) -> None:
        try:
            with open(self.handoff["bundle"] + "/monitor.err", "a") as f:
                f.write(f"hutch monitor: {text}\n")
        except OSError:
            pass

    def _once(self) -> None:
        done, status = posix.waitpid(self.init_pid, posix.WNOHANG)
        if done:
            self.status = status
            return
        readers: list[int | _socket.socket] = [self.listener, self.wake_r, *self.pipes]
        readers += [*self.io.clients, *([self.master] if self.master is not None else [])]
        timeout = None
        if self.wake_at is not None:
            timeout = self.wake_at - time.monotonic()
            if timeout <= 0:
                self.woken = True
                return
        try:
            ready, _, _ = select.select(readers, [], [], timeout)
        except InterruptedError:
            return
        if self.listener in ready:
            self.io.accept(self.listener)
        for client in [c for c in self.io.clients if c in ready]:
            frames = self.io.read(client)
            if frames is not None:
                self._serve(client, frames)
        for fd in [fd for fd in self.pipes if fd in ready]:
            if not self.io.relay(fd, self.pipes[fd]):
                posix.close(fd)
                del self.pipes[fd]
        master = self.master
        if master is not None and master in ready and not self.io.relay(master, "stdout"):
            posix.close(master)
            self.master = None
        if self.wake_r in ready:
            try:
                posix.read(self.wake_r, 512)
            except BlockingIOError:
                pass

    def _serve(self, client: _socket.socket, frames: list[tuple[int, bytes]]) -> None:
        for n, (kind, payload) in enumerate(frames):
            if kind not in SERVED:
                # From here on the client's frames are the full monitor's, in order.
                rest = b"".join(ap.frame(k, p) for k, p in frames[n:])
                self.back[client] = rest
                return
            if kind == ap.SIGNAL:
                try:
                    posix.kill(self.init_pid, int(payload))
                except (ProcessLookupError, ValueError):
                    pass
                # the idle loop runs only while the container runs (a pause goes back)
                self.io.send(client, ap.REPLY, b'{"status": "running"}')
            else:
                self.stdin_w = self.io.input(kind, payload, self.stdin_w, self.master)

    def _forward(self, sig: int, _frame: object) -> None:
        try:
            posix.kill(self.init_pid, sig)
        except ProcessLookupError:
            pass

    def _to_full(self) -> None:
        """Exec the full monitor, handing everything back (it never fails for good:
        without it the exit could not be recorded, so a failed exec is retried);
        raises ``mio.Refused`` when the installed hutch would not read the hand-over."""
        clients = [
            [client.fileno(), self.back.get(client, b"") + reader.pending()]
            for client, reader in self.io.clients.items()
        ]
        handoff = {
            **self.handoff,
            "clients": clients,
            "pipes": [[fd, stream] for fd, stream in self.pipes.items()],
            "stdin_w": self.stdin_w,
            "master": self.master if self.master is not None else -1,
            "status": self.status,
        }
        handoff["log"] = {**handoff["log"], "partial": self.io.log.pending_partial()}
        keep = [self.listener.fileno(), *self.pipes, *(c.fileno() for c in self.io.clients)]
        keep += [fd for fd in (self.stdin_w, self.master) if fd is not None and fd >= 0]
        keep += [int(fd) for fd in handoff["keep"]]
        _signal.set_wakeup_fd(-1)
        try:
            while True:
                mio.exec_half(FULL, "resume_main", handoff, keep)
                select.select([], [], [], 0.5)  # out of memory or processes: try again
        finally:
            _signal.set_wakeup_fd(self.wake_w)  # Refused: this loop serves on


def main() -> None:
    import hutch

    # None when the full monitor left the package's __init__ out (monitorio.half_code)
    if hutch.CODE_CACHE is not None:
        hutch.CODE_CACHE.close()  # nothing here defines a dataclass
    handoff = mio.read_handoff(sys.argv[1:])
    mio.exit_with(str(handoff["bundle"]), lambda: _serve(handoff))


def _serve(handoff: dict[str, object]) -> int:
    # It ends by exec'ing the full monitor back; it returns only when that was refused
    # (an upgraded hutch) and the container has exited.
    return Idle(handoff).run()
