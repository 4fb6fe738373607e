"""``--init``: the container's forked init stays PID 1 instead of exec'ing.

The image's rootfs need not hold any init (nor Python): the init is the
process the monitor forked, already inside the container with the
container's identity, so it can signal its child (same user). It forks the
command, then reaps every process that ends up as its child (orphans are
reparented to PID 1) and forwards the signals it gets to the command; it
exits with the command's status (128+N for signal N).

PID 1 receives only the signals it has a handler for, which is why an
application that installs none (busybox ``sleep``) ignores ``stop`` without
an init, and dies of SIGTERM with one.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
from collections.abc import Callable
from types import FrameType

TYPE_CHECKING = False  # typing is no import of the monitor's (issue 16)
if TYPE_CHECKING:
    from typing import NoReturn

FORWARDED = (
    signal.SIGTERM,
    signal.SIGINT,
    signal.SIGHUP,
    signal.SIGQUIT,
    signal.SIGUSR1,
    signal.SIGUSR2,
    signal.SIGWINCH,
)
_DEFAULTS = (*FORWARDED, signal.SIGCHLD, signal.SIGPIPE, signal.SIGXFSZ, signal.SIGTTOU)


def run_as_init(exec_command: Callable[[], NoReturn], sock: socket.socket, terminal: bool) -> None:
    """Fork the command (``exec_command`` in the child); return only in the child on failure.

    ``exec_command`` raises when the command cannot be run: the exception
    propagates in the child, which reports it over ``sock`` as a plain init
    would. The parent never returns.
    """
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)  # the monitor's, inherited by fork
    child = os.fork()
    if child == 0:
        os.setpgid(0, 0)
        if terminal:
            # The command's group owns the terminal, so ^C reaches it once.
            signal.signal(signal.SIGTTOU, signal.SIG_IGN)
            with contextlib.suppress(OSError):
                os.tcsetpgrp(0, os.getpid())
        for sig in _DEFAULTS:
            signal.signal(sig, signal.SIG_DFL)
        exec_command()
    _supervise(child, sock)


def _supervise(child: int, sock: socket.socket) -> NoReturn:
    sock.close()  # the child's copy closes on exec: that EOF tells the monitor
    _close_above(2)  # the monitor's pipes and sockets, inherited by fork

    def forward(sig: int, _frame: FrameType | None) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, sig)

    for sig in FORWARDED:
        signal.signal(sig, forward)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    code = 0
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            os._exit(code)
        if pid == child:
            code = 128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
            _reap_rest()
            os._exit(code)


def _reap_rest() -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass


def _close_above(lowest: int) -> None:
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > lowest:
            with contextlib.suppress(OSError):
                os.close(fd)
