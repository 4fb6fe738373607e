"""Hand a compiled BPF program to the kernel (in the container init).

Standard library only: the init must not load libseccomp. The caller holds
CAP_SYS_ADMIN in its user namespace or has set no_new_privs, as the kernel
requires.
"""

from __future__ import annotations

import ctypes

from hutch.linux import syscalls as sc

PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def load(bpf: bytes) -> None:
    """Install ``bpf`` (an array of ``struct sock_filter``) for this thread."""
    buffer = ctypes.create_string_buffer(bpf, len(bpf))
    program = _SockFprog(len(bpf) // 8, ctypes.addressof(buffer))
    sc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(program))
