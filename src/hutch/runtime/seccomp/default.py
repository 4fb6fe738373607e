"""hutch's default seccomp profile, equivalent in effect to the containers' one.

Shape: deny by default with EPERM; allow every system call the kernel
headers name (``names.SYSCALL_NAMES``) except the groups below. Each group
is denied with EPERM unless the container holds the capability that makes
the call meaningful (as the Docker/containers profiles do), so that
``--cap-add SYS_ADMIN`` lets ``mount`` through and ``--cap-add SYS_PTRACE``
lets ``strace`` work. The keyring calls are denied whatever the
capabilities: the kernel keyring is not namespaced.
"""

from __future__ import annotations

from hutch.runtime.seccomp.names import SYSCALL_NAMES
from hutch.runtime.seccomp.profile import EPERM, NATIVE_FAMILY, Arg, Profile, Rule

ENOSYS = 38
# CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET
CLONE_NAMESPACE_FLAGS = 0x7E020000

ALWAYS_DENIED = (
    "add_key",
    "keyctl",
    "request_key",
    "lookup_dcookie",
    "nfsservctl",
    "uselib",
    "ustat",
    "sysfs",
    "_sysctl",
    "vm86",
    "vm86old",
    "userfaultfd",
    "create_module",
    "get_kernel_syms",
    "query_module",
    "afs_syscall",
    "vserver",
)
# capability -> system calls allowed only with it.
BY_CAPABILITY: dict[str, tuple[str, ...]] = {
    "CAP_SYS_ADMIN": (
        "mount",
        "umount",
        "umount2",
        "pivot_root",
        "setns",
        "unshare",
        "bpf",
        "fanotify_init",
        "open_tree",
        "move_mount",
        "fsopen",
        "fsconfig",
        "fsmount",
        "fspick",
        "mount_setattr",
        "quotactl",
        "quotactl_fd",
        "lsm_set_self_attr",
        "name_to_handle_at",
    ),
    "CAP_SYS_BOOT": ("reboot", "kexec_load", "kexec_file_load"),
    "CAP_SYS_MODULE": ("init_module", "finit_module", "delete_module"),
    "CAP_SYS_PTRACE": ("ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd"),
    "CAP_SYS_TIME": ("settimeofday", "stime", "clock_settime", "clock_settime64", "adjtimex"),
    "CAP_SYS_RAWIO": ("iopl", "ioperm"),
    "CAP_SYS_PACCT": ("acct",),
    "CAP_SYS_NICE": (
        "get_mempolicy",
        "mbind",
        "set_mempolicy",
        "set_mempolicy_home_node",
        "move_pages",
    ),
    "CAP_SYSLOG": ("syslog",),
    "CAP_PERFMON": ("perf_event_open",),
    "CAP_DAC_READ_SEARCH": ("open_by_handle_at",),
    "CAP_SYS_RESOURCE": (),
}
# Allowed for everyone, but only with these arguments (see below).
WITH_ARGUMENTS = (
    "clone",
    "clone3",
    "personality",
    "swapon",
    "swapoff",
    "clock_adjtime",
    "clock_adjtime64",
)
# personality(2) values a normal program uses (PER_LINUX, UNAME26, 32BIT, query).
_PERSONALITIES = (0x0, 0x8, 0x20000, 0x20008, 0xFFFFFFFF)


def _conditional() -> set[str]:
    out = set(ALWAYS_DENIED) | set(WITH_ARGUMENTS)
    for calls in BY_CAPABILITY.values():
        out |= set(calls)
    return out


def default_profile() -> Profile:
    conditional = _conditional()
    allowed = tuple(n for n in SYSCALL_NAMES if n not in conditional)
    rules = [Rule(names=allowed, action="SCMP_ACT_ALLOW")]
    for cap, calls in BY_CAPABILITY.items():
        if calls:
            rules.append(Rule(names=calls, action="SCMP_ACT_ALLOW", include_caps=(cap,)))
    rules.append(
        Rule(names=("perf_event_open",), action="SCMP_ACT_ALLOW", include_caps=("CAP_SYS_ADMIN",))
    )
    rules.append(Rule(names=("bpf",), action="SCMP_ACT_ALLOW", include_caps=("CAP_BPF",)))
    rules += [
        Rule(names=("personality",), action="SCMP_ACT_ALLOW", args=(Arg(0, "SCMP_CMP_EQ", p),))
        for p in _PERSONALITIES
    ]
    # clone(2) without namespace flags for everyone (arg 0 is the flags on
    # x86_64 and aarch64); any clone with CAP_SYS_ADMIN.
    rules.append(
        Rule(
            names=("clone",),
            action="SCMP_ACT_ALLOW",
            args=(Arg(0, "SCMP_CMP_MASKED_EQ", CLONE_NAMESPACE_FLAGS, 0),),
            exclude_caps=("CAP_SYS_ADMIN",),
        )
    )
    rules.append(
        Rule(names=("clone", "clone3"), action="SCMP_ACT_ALLOW", include_caps=("CAP_SYS_ADMIN",))
    )
    # clone3 passes its flags in memory, out of the filter's reach: answer
    # ENOSYS so that libc falls back to clone(2), which the filter can check.
    rules.append(
        Rule(
            names=("clone3",),
            action="SCMP_ACT_ERRNO",
            errno=ENOSYS,
            exclude_caps=("CAP_SYS_ADMIN",),
        )
    )
    rules.append(
        Rule(names=("swapon", "swapoff"), action="SCMP_ACT_ALLOW", include_caps=("CAP_SYS_ADMIN",))
    )
    rules.append(
        Rule(
            names=("clock_adjtime", "clock_adjtime64"),
            action="SCMP_ACT_ALLOW",
            include_caps=("CAP_SYS_TIME",),
        )
    )
    return Profile(
        default_action="SCMP_ACT_ERRNO",
        default_errno=EPERM,
        architectures=tuple(a for family in NATIVE_FAMILY.values() for a in family),
        rules=tuple(rules),
    )
