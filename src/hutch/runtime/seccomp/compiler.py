"""Compile a seccomp profile to a classic BPF program with libseccomp (ctypes).

The engine compiles at ``create`` time, so a bad profile is refused before
any process starts, and the BPF bytes travel in the runtime spec; the
container init only hands them to the kernel (``loader.py``) and never loads
libseccomp itself. libseccomp resolves names per architecture (x86_64, x86,
the x32 ABI bit, aarch64, arm) and orders the filter as a tree; both would
be ours to maintain otherwise.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import tempfile
from dataclasses import dataclass
from functools import cache

from hutch.api.errors import HutchError
from hutch.runtime.seccomp.profile import (
    EPERM,
    OPERATORS,
    Profile,
    Rule,
    applies,
    native_architectures,
)

SCMP_ACT_KILL_PROCESS = 0x80000000
SCMP_ACT_KILL_THREAD = 0x00000000
SCMP_ACT_TRAP = 0x00030000
SCMP_ACT_ERRNO = 0x00050000
SCMP_ACT_TRACE = 0x7FF00000
SCMP_ACT_LOG = 0x7FFC0000
SCMP_ACT_ALLOW = 0x7FFF0000
_NR_SCMP_ERROR = -1
_SCMP_FLTATR_CTL_NNP = 3
_SCMP_FLTATR_CTL_OPTIMIZE = 8  # libseccomp >= 2.5
_OPTIMIZE_BINARY_TREE = 2
_BPF_INSTRUCTION = 8  # struct sock_filter: u16 code, u8 jt, u8 jf, u32 k


class _ArgCmp(ctypes.Structure):
    _fields_ = [
        ("arg", ctypes.c_uint),
        ("op", ctypes.c_int),
        ("datum_a", ctypes.c_uint64),
        ("datum_b", ctypes.c_uint64),
    ]


@dataclass(frozen=True)
class Compiled:
    bpf: bytes
    skipped: tuple[str, ...]  # names libseccomp does not know on this machine


@cache
def _lib() -> ctypes.CDLL:
    name = ctypes.util.find_library("seccomp") or "libseccomp.so.2"
    try:
        lib = ctypes.CDLL(name, use_errno=True)
    except OSError as exc:
        raise HutchError(
            "seccomp: libseccomp is not installed (Debian: libseccomp2); "
            "use --security-opt seccomp=unconfined to run without a filter"
        ) from exc
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    lib.seccomp_arch_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_arch_resolve_name.restype = ctypes.c_uint32
    lib.seccomp_arch_add.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add_array.argtypes = [
        ctypes.c_void_p,
        ctypes.c_uint32,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.POINTER(_ArgCmp),
    ]
    lib.seccomp_attr_set.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint32]
    lib.seccomp_export_bpf.argtypes = [ctypes.c_void_p, ctypes.c_int]
    return lib


def action_value(action: str, errno_ret: int | None, default_errno: int | None) -> int:
    if action == "SCMP_ACT_ERRNO":
        number = errno_ret if errno_ret is not None else default_errno
        return SCMP_ACT_ERRNO | ((EPERM if number is None else number) & 0xFFFF)
    if action == "SCMP_ACT_TRACE":
        return SCMP_ACT_TRACE | ((errno_ret or 0) & 0xFFFF)
    return {
        "SCMP_ACT_KILL": SCMP_ACT_KILL_THREAD,
        "SCMP_ACT_KILL_THREAD": SCMP_ACT_KILL_THREAD,
        "SCMP_ACT_KILL_PROCESS": SCMP_ACT_KILL_PROCESS,
        "SCMP_ACT_TRAP": SCMP_ACT_TRAP,
        "SCMP_ACT_LOG": SCMP_ACT_LOG,
        "SCMP_ACT_ALLOW": SCMP_ACT_ALLOW,
    }[action]


def compile_profile(profile: Profile, caps: frozenset[str], machine: str | None = None) -> Compiled:
    """The BPF program (raw ``struct sock_filter`` array) for a process with ``caps``."""
    machine = machine or os.uname().machine
    lib = _lib()
    default = action_value(profile.default_action, None, profile.default_errno)
    ctx = lib.seccomp_init(default)
    if not ctx:
        raise HutchError("seccomp: seccomp_init failed")
    try:
        # We load the program ourselves; never let libseccomp set no_new_privs.
        lib.seccomp_attr_set(ctx, _SCMP_FLTATR_CTL_NNP, 0)
        # The syscall numbers as a binary search tree rather than a list (the same
        # verdicts): the kernel checks a filter at load by running it for every
        # syscall number (its action cache), which took the default profile's list
        # (about 1000 instructions) 1 ms of each container's start, the tree 0.5
        # (issue 16). An older libseccomp refuses the attribute: the list, as before.
        lib.seccomp_attr_set(ctx, _SCMP_FLTATR_CTL_OPTIMIZE, _OPTIMIZE_BINARY_TREE)
        for arch in native_architectures(profile, machine):
            if arch == machine:
                continue  # seccomp_init added the native one
            token = lib.seccomp_arch_resolve_name(arch.encode())
            result = lib.seccomp_arch_add(ctx, token) if token else -errno.EINVAL
            if result < 0 and result != -errno.EEXIST:
                raise HutchError(f"seccomp: cannot add architecture {arch}: {os.strerror(-result)}")
        skipped: list[str] = []
        for rule in profile.rules:
            if applies(rule, caps, machine):
                skipped += _add_rule(lib, ctx, rule, default, profile.default_errno)
        return Compiled(bpf=_export(lib, ctx), skipped=tuple(dict.fromkeys(skipped)))
    finally:
        lib.seccomp_release(ctx)


def _add_rule(
    lib: ctypes.CDLL, ctx: int, rule: Rule, default: int, default_errno: int | None
) -> list[str]:
    action = action_value(rule.action, rule.errno, default_errno)
    if action == default:
        return []  # libseccomp refuses a rule that repeats the default action
    comparisons = [
        _ArgCmp(a.index, OPERATORS.index(a.op) + 1, a.value, a.value_two) for a in rule.args
    ]
    # Conditions on distinct arguments are ANDed in one rule; several on the
    # same argument mean "any of them" (Docker's reading): one rule each.
    indices = [a.index for a in rule.args]
    groups = [comparisons] if len(set(indices)) == len(indices) else [[c] for c in comparisons]
    skipped = []
    for name in rule.names:
        number = lib.seccomp_syscall_resolve_name(name.encode())
        if number == _NR_SCMP_ERROR:
            skipped.append(name)
            continue
        for group in groups:
            array = (_ArgCmp * max(1, len(group)))(*group)
            result = lib.seccomp_rule_add_array(ctx, action, number, len(group), array)
            if result < 0:
                raise HutchError(f"seccomp: cannot add a rule for {name}: {os.strerror(-result)}")
    return skipped


def _export(lib: ctypes.CDLL, ctx: int) -> bytes:
    with tempfile.TemporaryFile() as f:
        result = lib.seccomp_export_bpf(ctx, f.fileno())
        if result < 0:
            raise HutchError(f"seccomp: cannot build the filter: {os.strerror(-result)}")
        f.seek(0)
        data = f.read()
    if not data or len(data) % _BPF_INSTRUCTION:
        raise HutchError("seccomp: libseccomp produced an empty or truncated filter")
    return data
