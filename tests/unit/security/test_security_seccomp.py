"""Seccomp: the Docker JSON format, the default profile, the BPF and its effect."""

from __future__ import annotations

import ctypes
import json
import os
import struct

import pytest

from hutch.api.errors import InvalidArgument
from hutch.linux import syscalls as sc
from hutch.runtime.seccomp import compiler, loader, profile
from hutch.runtime.seccomp.default import default_profile

SYS_KEYCTL = 250
SYS_CLONE3 = 435
SYS_UNSHARE = 272
AUDIT_ARCH_X86_64 = 0xC000003E
X32_SYSCALL_BIT = 0x40000000
# The raw system call numbers below are x86_64's, the machine these tests run on.


def test_parse_docker_format() -> None:
    prof = profile.loads(
        json.dumps(
            {
                "defaultAction": "SCMP_ACT_ERRNO",
                "defaultErrnoRet": 38,
                "archMap": [
                    {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]}
                ],
                "syscalls": [
                    {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
                    {
                        "name": "personality",
                        "action": "SCMP_ACT_ALLOW",
                        "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}],
                        "includes": {"caps": ["CAP_SYS_ADMIN"], "arches": ["amd64"]},
                    },
                    {"names": ["keyctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
                ],
            }
        )
    )
    assert prof.default_errno == 38
    assert prof.architectures == ("SCMP_ARCH_X86_64", "SCMP_ARCH_X86")
    assert prof.rules[1].args == (profile.Arg(0, "SCMP_CMP_EQ", 8, 0),)
    assert prof.rules[2].errno == 13
    rule = prof.rules[1]
    assert profile.applies(rule, frozenset({"CAP_SYS_ADMIN"}), "x86_64")
    assert not profile.applies(rule, frozenset(), "x86_64")
    assert not profile.applies(rule, frozenset({"CAP_SYS_ADMIN"}), "aarch64")


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"defaultAction": "SCMP_ACT_NOPE"}',
        '{"defaultAction": "SCMP_ACT_NOTIFY"}',
        '{"defaultAction": "SCMP_ACT_ALLOW", '
        '"syscalls": [{"names": [], "action": "SCMP_ACT_ALLOW"}]}',
        '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "X"}]}',
        '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], '
        '"action": "SCMP_ACT_ERRNO", "args": [{"index": 7, "value": 1, "op": "SCMP_CMP_EQ"}]}]}',
        '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], '
        '"action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": -1, "op": "SCMP_CMP_EQ"}]}]}',
        '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], '
        '"action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_LIKE"}]}]}',
        '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["x86"]}',
    ],
)
def test_malformed_profiles_are_refused_in_one_line(text: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        profile.loads(text, "p.json")
    assert "\n" not in str(info.value) and str(info.value).startswith("seccomp profile p.json:")


def _instructions(bpf: bytes) -> list[tuple[int, int, int, int]]:
    return [struct.unpack_from("HBBI", bpf, i) for i in range(0, len(bpf), 8)]


def test_default_profile_compiles_with_arch_check_and_x32_bit() -> None:
    compiled = compiler.compile_profile(default_profile(), frozenset({"CAP_CHOWN"}))
    ins = _instructions(compiled.bpf)
    assert 50 < len(ins) < 4096  # the kernel's limit is 4096 instructions
    # The program starts by loading seccomp_data.arch (offset 4) and compares it.
    assert ins[0] == (0x20, 0, 0, 4)
    constants = {k for _c, _t, _f, k in ins}
    assert AUDIT_ARCH_X86_64 in constants
    assert X32_SYSCALL_BIT - 1 in constants or X32_SYSCALL_BIT in constants


def test_capabilities_change_the_program() -> None:
    without = compiler.compile_profile(default_profile(), frozenset())
    with_admin = compiler.compile_profile(default_profile(), frozenset({"CAP_SYS_ADMIN"}))
    assert without.bpf != with_admin.bpf


def _in_child_with_filter(bpf: bytes, numbers: list[tuple[int, ...]]) -> list[int]:
    """Load ``bpf`` in a forked child and report errno of each raw system call."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            sc.prctl(sc.PR_SET_NO_NEW_PRIVS, 1)
            loader.load(bpf)
            libc = ctypes.CDLL(None, use_errno=True)
            out = []
            for call in numbers:
                result = libc.syscall(*call)
                out.append(0 if result >= 0 else ctypes.get_errno())
            os.write(w, json.dumps(out).encode())
        finally:
            os._exit(0)
    os.close(w)
    data = os.read(r, 4096)
    os.waitpid(pid, 0)
    return list(json.loads(data))


def test_default_profile_denies_dangerous_calls_with_eperm() -> None:
    compiled = compiler.compile_profile(default_profile(), frozenset({"CAP_CHOWN"}))
    errs = _in_child_with_filter(
        compiled.bpf,
        [(SYS_KEYCTL, 0, 0, 0, 0), (SYS_UNSHARE, 0x10000000), (SYS_CLONE3, 0, 0), (39,)],
    )
    assert errs == [1, 1, 38, 0]  # keyctl EPERM, unshare EPERM, clone3 ENOSYS, getpid allowed


def test_custom_profile_errno_and_args() -> None:
    prof = profile.loads(
        json.dumps(
            {
                "defaultAction": "SCMP_ACT_ALLOW",
                "syscalls": [
                    {"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
                    {
                        "names": ["personality"],
                        "action": "SCMP_ACT_ERRNO",
                        "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}],
                    },
                ],
            }
        )
    )
    compiled = compiler.compile_profile(prof, frozenset())
    errs = _in_child_with_filter(compiled.bpf, [(110,), (135, 8), (135, 0xFFFFFFFF)])
    assert errs == [13, 1, 0]
