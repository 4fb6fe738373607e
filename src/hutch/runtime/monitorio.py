"""The container's stdio as its monitor serves it: output, attach clients, input.

Output goes to the log and to every attach client; a client's frames carry
input (to the stdin pipe or the terminal master), end of input and window
sizes. Both halves of the monitor use this: the full monitor
(``runtime/monitor.py``) and its idle loop (``runtime/idle.py``), which
must stay small, so this imports only the attach protocol, the log writer,
``fdio`` and modules built into the interpreter: ``_signal`` and ``_socket``,
not ``signal`` and ``socket``, whose enums (``enum``, ``functools``,
``collections``...) cost the idle loop about 1 MB; no ``contextlib`` (0.5 MB);
``posix``, not ``os`` (``os.path``, ``stat``, ``_collections_abc``...: 0.27 MB).
"""

from __future__ import annotations

import _socket
import errno
import fcntl
import marshal
import posix
import struct
import sys
import termios

from hutch.runtime import attachproto as ap
from hutch.runtime.logfile import LogWriter
from hutch.util.fdio import write_all

TYPE_CHECKING = False  # not typing's: the idle loop imports this
if TYPE_CHECKING:
    # typeshed has no stub of _signal: signal's functions are its own, taking ints
    import signal as _signal
    from collections.abc import Callable
    from typing import Any, NoReturn
else:
    import _signal


class Stdio:
    """The log writer and the attach clients of one container."""

    def __init__(self, log: LogWriter) -> None:
        self.log = log
        self.clients: dict[_socket.socket, ap.FrameReader] = {}

    def accept(self, listener: _socket.socket) -> None:
        # _socket's own accept (close-on-exec), as socket.socket.accept calls it; the
        # client is of the listener's class (the idle loop's are _socket's)
        fd, _ = listener._accept()  # type: ignore[attr-defined]
        client = type(listener)(fileno=fd)
        client.setblocking(True)
        self.clients[client] = ap.FrameReader()

    def adopt(self, client: _socket.socket, pending: bytes = b"") -> list[tuple[int, bytes]]:
        """A client handed over from the other half of the monitor, with the bytes of
        its frames not yet served: the complete ones are returned to be served now."""
        reader = ap.FrameReader()
        self.clients[client] = reader
        return reader.feed(pending)

    def relay(self, fd: int, stream: str) -> bool:
        """One read of the container's output to the log and the clients; False at its end."""
        try:
            data = posix.read(fd, 65536)
        except BlockingIOError:
            return True
        except OSError as exc:
            if exc.errno == errno.EIO:  # the terminal's last process has gone
                return False
            raise
        if not data:
            return False
        self.log.write(stream, data)
        kind = ap.STDOUT if stream == "stdout" else ap.STDERR
        for client in list(self.clients):
            self.send(client, kind, data)
        return True

    def send(self, client: _socket.socket, kind: int, payload: bytes) -> None:
        try:
            client.sendall(ap.frame(kind, payload))
        except OSError:
            self.drop(client)

    def drop(self, client: _socket.socket) -> None:
        client.close()
        self.clients.pop(client, None)

    def read(self, client: _socket.socket) -> list[tuple[int, bytes]] | None:
        """The complete frames a readable client sent; None once it hung up (dropped)."""
        try:
            data = client.recv(65536)
        except OSError:
            data = b""
        if not data:
            self.drop(client)
            return None
        return self.clients[client].feed(data)

    @staticmethod
    def input(kind: int, payload: bytes, stdin_w: int, master: int | None) -> int:
        """Serve one input frame (STDIN, STDIN_EOF, RESIZE); the stdin pipe afterwards
        (-1 once closed: a later client's input or end of input must not reach the
        number, which the next descriptor the monitor opens takes)."""
        target = master if master is not None else stdin_w
        if kind == ap.STDIN and target >= 0:
            _write_input(target, payload)
        elif kind == ap.STDIN_EOF:
            if master is not None:
                _write_input(master, b"\x04")
            elif stdin_w >= 0:
                posix.close(stdin_w)
                stdin_w = -1
        elif kind == ap.RESIZE and master is not None:
            rows, cols = (int(x) for x in payload.split())
            fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        return stdin_w


def _write_input(fd: int, data: bytes) -> None:
    # The container may have closed its stdin or gone (EPIPE, EIO on the
    # terminal): its input is then dropped; the monitor carries on.
    try:
        write_all(fd, data)
    except OSError:
        pass


# -- the hand-over between the full monitor and its idle loop ----------------

# The hand-over's format (its keys and what they mean) between the two halves, which
# exec each other: a change that an older half could not read takes a new number.
# A half keeps in memory the code it was started with, while the code it execs is
# whatever is installed then: after an upgrade of hutch under a running container,
# an idle loop started by the old version execs the new full monitor. So each
# hand-over says its protocol, the reader takes only those it knows (READS: its own
# and the older ones it adapts), and a half looks, before it execs, whether the
# installed code reads its protocol (``installed_reads``): if not, it stays as it is
# (``Refused``) rather than hand the container to code that would misread it.
# READS is read from this file's text by an older half: keep it one literal line.
PROTOCOL = 1
READS = (1,)
# The hand-overs written before the number was: protocol 1's format.
_UNNUMBERED = 1


class Refused(Exception):
    """The installed code does not read this half's hand-over (an upgrade changed it)."""


def installed_reads(path: str) -> tuple[int, ...]:
    """The protocols the installed copy of this module (``path``, this file, as it is
    on disk now) reads: its ``READS`` line; none when the file is gone or has none."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError):
        return ()
    for line in text.splitlines():
        if line.startswith("READS = (") and line.endswith(")"):
            words = line[len("READS = (") : -1].replace(",", " ").split()
            if words and all(w.isdigit() for w in words):
                return tuple(int(w) for w in words)
            return ()
    return ()


def check_installed() -> None:
    """Raise ``Refused`` unless the installed code (this file as it is on disk now, the
    one the exec would load) reads ``PROTOCOL``."""
    reads = installed_reads(__file__)
    if PROTOCOL not in reads:
        shown = ", ".join(map(str, reads)) or "none"
        raise Refused(
            f"the installed hutch reads monitor hand-over protocol {shown}, this monitor "
            f"(started by an earlier hutch) writes {PROTOCOL}"
        )


# The signals the monitor forwards to its init: blocked over each exec from one
# half to the other (the mask survives execve, the handlers do not), so that one
# sent meanwhile stays pending until the new half has its handler in place.
FORWARDED = (_signal.SIGTERM, _signal.SIGINT, _signal.SIGHUP)


def half_code(module: str, function: str, package_dir: str | None = None) -> str:
    """The ``python -S -c`` code of the other half: ``module``'s ``function``.

    With ``package_dir`` (the ``hutch`` package's directory), the package is made
    without running its ``__init__``, whose code cache imports ``os`` (with what it
    imports and the cache's own code: 0.37 MB of each idle monitor, which needs
    neither); ``CODE_CACHE`` is there for the idle loop of an earlier hutch, which
    reads it.
    """
    code = f"from {module} import {function}; {function}()"
    if package_dir is None:
        return code
    bare = (
        "import sys; package = type(sys)('hutch'); "
        f"package.__path__ = [{package_dir!r}]; package.CODE_CACHE = None; "
        "sys.modules['hutch'] = package; del package; "
    )
    return bare + code


def exec_half(
    module: str,
    function: str,
    handoff: dict[str, object],
    keep: list[int],
    package_dir: str | None = None,
) -> None:
    """Replace this process (same pid: the init stays our child) by ``module``'s
    ``function``, handing it ``handoff`` in a memfd and the descriptors ``keep``
    (``package_dir``: see ``half_code``).

    Returns only if the exec failed (the caller carries on as it was); the
    descriptors are then close-on-exec again and the signals unblocked. Raises
    ``Refused``, before anything else, when the installed code would not read it.
    """
    check_installed()
    # marshal, not json: built in (json and the re it imports cost the idle loop
    # about 0.4 MB), and the memfd is this process's own, read by its next image.
    try:
        data = marshal.dumps({**handoff, "protocol": PROTOCOL})
        fd = posix.memfd_create("hutch-monitor-handoff", 0)  # inheritable, no CLOEXEC
    except (OSError, ValueError):  # ValueError: a value marshal cannot write (a bug)
        return
    try:
        write_all(fd, data)
        posix.lseek(fd, 0, 0)  # SEEK_SET
        for kept in keep:
            posix.set_inheritable(kept, True)
        _signal.pthread_sigmask(_signal.SIG_BLOCK, FORWARDED)
        code = half_code(module, function, package_dir)
        posix.execv(sys.executable, [sys.executable, "-S", "-c", code, str(fd)])
    except OSError:
        _signal.pthread_sigmask(_signal.SIG_UNBLOCK, FORWARDED)
        for kept in keep:
            try:
                posix.set_inheritable(kept, False)
            except OSError:
                pass
    finally:
        posix.close(fd)


def exit_with(bundle: str, body: Callable[[], int]) -> NoReturn:
    """End a monitor half with ``body``'s exit code; a crash exits 125 and leaves its
    traceback in the bundle's monitor.err, where a user can find it (our stderr is
    /dev/null)."""
    code = 125
    try:
        code = body()
    except BaseException:
        import traceback

        with open(f"{bundle}/monitor.err", "a") as f:
            traceback.print_exc(file=f)
    finally:
        posix._exit(code)


def read_handoff(argv: list[str]) -> dict[str, Any]:
    """The hand-over ``exec_half`` left in the memfd named by ``argv``."""
    fd = int(argv[0])
    chunks = []
    while chunk := posix.read(fd, 65536):
        chunks.append(chunk)
    posix.close(fd)
    handoff: dict[str, Any] = marshal.loads(b"".join(chunks))
    protocol = handoff.get("protocol", _UNNUMBERED)
    if protocol not in READS:  # its writer checked (check_installed): a bug if here
        raise Refused(f"monitor hand-over protocol {protocol}, this hutch reads {READS}")
    return handoff


def exit_code_of(status: int) -> int:
    """Exit status as a shell reports it: the code, or 128+N for signal N."""
    if posix.WIFSIGNALED(status):
        return 128 + posix.WTERMSIG(status)
    return posix.WEXITSTATUS(status)


def own(fds: list[int]) -> None:
    """Descriptors handed over by an exec: close-on-exec again (no child gets them)."""
    for fd in fds:
        if fd >= 0:
            posix.set_inheritable(fd, False)


def unblock_forwarded() -> None:
    """After the handlers are in place: signals that came during the exec arrive now."""
    _signal.pthread_sigmask(_signal.SIG_UNBLOCK, FORWARDED)
