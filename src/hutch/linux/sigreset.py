"""A new program's signals as an OCI runtime hands them over: default, none blocked.

Whatever started hutch may have left signals ignored (a plain background job of a
non-interactive shell ignores SIGINT and SIGQUIT), and glibc's posix_spawn leaves its
two internal signals ignored in the processes it starts: an ignored signal survives
``execve``, so without this a container's process could not be interrupted by the
signal its user sends (``hutch kill -s QUIT``) and would not match what runc or crun
give (podman's container shows no signal ignored, none blocked).
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # no stubs for the builtin
import contextlib

from hutch.linux import syscalls as sc

# glibc's SIGCANCEL and SIGSETXID: not in signal.valid_signals(), refused by sigaction()
_LIBC_INTERNAL = (32, 33)
_UNCHANGEABLE = frozenset({_signal.SIGKILL, _signal.SIGSTOP})


def reset_for_exec() -> None:
    """Every ignored signal back to its default, and the signal mask emptied.

    Called in a child just before ``execve`` (a handler Python installed becomes
    the default at exec by itself; an ignore does not). With the builtin ``_signal``:
    ``signal``'s wrappers make an enum member of every number and handler they
    pass, which took this loop over the 64 signals 0.15 ms of each container's
    start, ten times what the calls cost (issue 16).
    """
    ignored = (_signal.SIG_IGN, None)
    for sig in _signal.valid_signals():
        if sig in _UNCHANGEABLE:
            continue
        if _signal.getsignal(sig) in ignored:
            with contextlib.suppress(OSError, ValueError):
                _signal.signal(sig, _signal.SIG_DFL)
    for number in _LIBC_INTERNAL:
        with contextlib.suppress(OSError):
            sc.default_disposition(number)
    _signal.pthread_sigmask(_signal.SIG_SETMASK, ())
