"""Applying the security spec in the container init.

Two hooks, called by ``runtime/container.py``: ``setup_mounts`` right after
the standard mount plan (devices, tmpfs on a read-only rootfs), and
``switch_identity`` as the last step before ``execve`` (limits, groups,
user, capabilities, no_new_privs, seccomp). ``apply_sysctls`` runs once
/proc is the container's own and before /proc/sys is made read-only.
"""

from __future__ import annotations

import base64
import contextlib
import os
import resource

from hutch.api.errors import HutchError
from hutch.linux import caps
from hutch.linux import syscalls as sc
from hutch.runtime.command_start import ExecFailure
from hutch.runtime.seccomp import loader
from hutch.runtime.spec import Spec
from hutch.runtime.spec_security import Capabilities, SecuritySpec
from hutch.runtime.sysctls import proc_path
from hutch.runtime.ulimits import RESOURCES
from hutch.runtime.users import ResolvedUser, resolve_group

PR_SET_KEEPCAPS = 8


def setup_mounts(spec: Spec, root: str) -> None:
    # Here: exec (runtime/exec.py) needs only switch_identity, not the mount code;
    # the init has it loaded already (runtime/container.py imports it).
    from hutch.runtime import mounts

    sec = spec.security
    for device in sec.devices:
        mounts.Step("bind", device.destination, device.source, (), True).execute(root)
    taken = {m.destination for m in spec.mounts}
    for path in sec.read_only_tmpfs:
        if path not in taken:
            opts = ("nosuid", "nodev", "mode=1777", "tmpcopyup")
            mounts.Step("tmpfs", path, "tmpfs", opts).execute(root)


def apply_sysctls(sec: SecuritySpec) -> None:
    """After pivot_root (so /proc is the container's), before /proc/sys turns read-only."""
    for name, value in sec.sysctls:
        try:
            with open(proc_path(name), "w") as f:
                f.write(value)
        except OSError as exc:
            raise OSError(exc.errno, f"sysctl {name}={value}: {exc.strerror}") from None


def dumpable_again() -> None:
    """Let the user's other processes open our /proc files (``ns/net``, ``ns/pid``...).

    A change of identity (the ids of a user namespace of our own, then the
    container user's) leaves a process not dumpable, and the kernel then opens
    those files only to a holder of CAP_SYS_PTRACE in the user namespace that
    our memory was made in. A monitor exec'd in the session's namespace made
    that namespace the session's, where the monitor, the CLI and ``hutch exec``
    hold every capability; a monitor forked from the CLI (``runtime/spawn.py``)
    keeps memory made in the host's, where they hold none, and so does the init
    it forks (``--init`` stays that process). Dumpable, the check is the plain
    one: capabilities over our user namespace, which the session's root has.
    The command's ``execve`` decides anew.
    """
    with contextlib.suppress(OSError):
        sc.prctl(sc.PR_SET_DUMPABLE, 1)


def switch_identity(spec: Spec, user: ResolvedUser) -> None:
    """Become the container user with exactly the capabilities of the spec, then filter."""
    sec = spec.security
    for item in sec.ulimits:
        soft = resource.RLIM_INFINITY if item.soft < 0 else item.soft
        hard = resource.RLIM_INFINITY if item.hard < 0 else item.hard
        resource.setrlimit(RESOURCES[item.name], (soft, hard))
    wanted = _wanted(spec, user)
    last = caps.last_cap()
    for name, number in caps.CAPABILITIES.items():
        if name not in wanted.bounding and number <= last:
            sc.prctl(sc.PR_CAPBSET_DROP, number)
    # Keep the permitted set across setresuid so that the final sets are
    # ours to choose (and CAP_SYS_ADMIN is there to install the filter).
    sc.prctl(PR_SET_KEEPCAPS, 1)
    if not sec.keep_groups and _setgroups_allowed():
        try:
            extra = [resolve_group("/", g) for g in sec.group_add]
        except HutchError as exc:  # podman's words (runc's user package: "Unable ...")
            reason = str(exc)
            raise ExecFailure(
                126,
                f"looking up supplemental groups for container {spec.id}: "
                f"{reason[:1].upper()}{reason[1:]}",
            ) from None
        os.setgroups(sorted({*user.additional_gids, *extra}))
    os.setresgid(user.gid, user.gid, user.gid)
    os.setresuid(user.uid, user.uid, user.uid)
    # Everything we still hold (not every capability: a root whose own
    # bounding set lacks some, as under some supervisors, may not raise them).
    held = _permitted_now() & ((1 << (last + 1)) - 1)
    sc.capset(held, held, 0)
    dumpable_again()  # setresuid made us not dumpable; before the filter, which may refuse it
    bpf = base64.b64decode(sec.seccomp) if sec.seccomp else b""
    nnp = sec.no_new_privileges or spec.process.no_new_privileges
    if nnp:
        sc.prctl(sc.PR_SET_NO_NEW_PRIVS, 1)
    if bpf and not nnp:
        loader.load(bpf)  # needs CAP_SYS_ADMIN, which we hold until the next line
    _set_capabilities(wanted)
    if bpf and nnp:
        loader.load(bpf)  # as late as possible: no_new_privs allows it without capabilities


def _wanted(spec: Spec, user: ResolvedUser) -> Capabilities:
    sec = spec.security
    if not sec.configured:
        keep = spec.process.capabilities
        return Capabilities(keep, keep, keep) if user.uid == 0 else Capabilities(keep)
    return sec.root_capabilities if user.uid == 0 else sec.user_capabilities


def _set_capabilities(wanted: Capabilities) -> None:
    sc.capset(
        caps.mask_of(wanted.effective),
        caps.mask_of(wanted.permitted),
        caps.mask_of(wanted.inheritable),
    )
    for name in wanted.ambient:
        sc.prctl(sc.PR_CAP_AMBIENT, sc.PR_CAP_AMBIENT_RAISE, caps.CAPABILITIES[name])


def _setgroups_allowed() -> bool:
    """False in a namespace whose setgroups is "deny" (the single-id session):
    there the supplementary groups cannot be changed and stay as they are."""
    try:
        with open("/proc/self/setgroups") as f:
            return f.read().strip() != "deny"
    except OSError:
        return True


def _permitted_now() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("CapPrm:"):
                return int(line.split()[1], 16)
    return 0
