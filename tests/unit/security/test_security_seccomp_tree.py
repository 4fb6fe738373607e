"""The filter's layout (a binary search tree of syscall numbers, for a quicker load)
changes no verdict: both layouts of the default profile, run by a small classic BPF
interpreter over every syscall number of each architecture with arguments that its
conditional rules look at, answer alike."""

from __future__ import annotations

import struct

import pytest

from hutch.runtime.seccomp import compiler
from hutch.runtime.seccomp.default import default_profile

AUDIT_ARCH_X86_64 = 0xC000003E
AUDIT_ARCH_I386 = 0x40000003
X32_SYSCALL_BIT = 0x40000000
_MASK = 0xFFFFFFFF


Program = list[tuple[int, int, int, int]]


def _program(bpf: bytes) -> Program:
    return [struct.unpack_from("=HBBI", bpf, i) for i in range(0, len(bpf), 8)]


def _run(program: Program, data: bytes) -> int:
    """The verdict of a classic BPF program for ``struct seccomp_data``."""
    a = x = 0
    memory = [0] * 16
    pc = 0
    while True:
        code, jt, jf, k = program[pc]
        pc += 1
        cls = code & 0x07
        if code == 0x20:  # ld [k]
            a = struct.unpack_from("=I", data, k)[0]
        elif code == 0x00:  # ld #k
            a = k
        elif code == 0x60:  # ld M[k]
            a = memory[k]
        elif code == 0x61:  # ldx M[k]
            x = memory[k]
        elif code == 0x02:  # st M[k]
            memory[k] = a
        elif code == 0x03:  # stx M[k]
            memory[k] = x
        elif code == 0x54:  # and #k
            a &= k
        elif code == 0x87:  # txa
            a = x
        elif code == 0x07:  # tax
            x = a
        elif code == 0x05:  # ja k
            pc += k
        elif cls == 0x05:  # conditional jumps on k or x
            operand = x if code & 0x08 else k
            test = code & 0xF0
            if test == 0x10:
                taken = a == operand
            elif test == 0x20:
                taken = a > operand
            elif test == 0x30:
                taken = a >= operand
            elif test == 0x40:
                taken = bool(a & operand)
            else:
                raise AssertionError(f"jump {code:#x}")
            pc += jt if taken else jf
        elif code == 0x06:  # ret #k
            return k
        elif code == 0x16:  # ret a
            return a
        else:
            raise AssertionError(f"instruction {code:#x}")
        a &= _MASK


def _data(nr: int, arch: int, args: tuple[int, ...]) -> bytes:
    return struct.pack("=iIQ6Q", nr, arch, 0, *args, *(0,) * (6 - len(args)))


# Arguments the default profile's conditional rules test (personality's, clone's
# namespace flags, socket's address family): zero, and values on both sides of them.
_ARGS = ((), (0x8,), (0x20008,), (0xFFFFFFFF,), (0x7E020000,), (0x10000000,), (16,), (40, 1))


@pytest.mark.parametrize("caps", [frozenset(), frozenset({"CAP_SYS_ADMIN", "CAP_SYS_PTRACE"})])
def test_the_tree_and_the_list_give_the_same_verdicts(
    caps: frozenset[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = _program(compiler.compile_profile(default_profile(), caps, "x86_64").bpf)
    monkeypatch.setattr(compiler, "_OPTIMIZE_BINARY_TREE", 1)  # libseccomp's default
    listed = _program(compiler.compile_profile(default_profile(), caps, "x86_64").bpf)
    assert tree != listed  # else this libseccomp made no tree: nothing is compared
    numbers = [*range(-1, 480), *(X32_SYSCALL_BIT + n for n in range(0, 560, 7))]
    for arch in (AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, 0x12345678):
        for nr in numbers:
            for args in _ARGS:
                data = _data(nr, arch, args)
                assert _run(tree, data) == _run(listed, data), (hex(arch), nr, args)
