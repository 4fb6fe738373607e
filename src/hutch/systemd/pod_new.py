"""``generate systemd --new`` of a pod: the commands of a pod's unit that makes
the pod anew from its recorded ``pod create`` (units.py writes them).

The commands are podman 4.3.1's, with hutch's words: ``ExecStartPre`` removes
the files a previous run left and runs the recorded ``pod create`` with
``--infra-conmon-pidfile``, ``--pod-id-file`` (which the members' ``run
--pod-id-file`` read) and ``--exit-policy=stop`` (the recorded policy when
there is one) in front, and ``--replace`` behind when the command names the
pod, so that a pod left by a crash is taken over; ``ExecStart`` ``pod
start``, ``ExecStop`` ``pod stop --ignore``, ``ExecStopPost`` ``pod rm
--ignore -f``, all through the pod-id file. The service stays ``Type=oneshot``
(units.py says why), so the infra's pid file is written but not followed.
"""

from __future__ import annotations

from collections.abc import Sequence

from hutch.systemd.recorded import (
    GenerateError,
    pod_id_file,
    split_globals,
    split_service_flags,
)

# pod create's own options that the unit sets itself
DROPPED = frozenset({"--infra-conmon-pidfile", "--pod-id-file", "--replace", "--exit-policy"})


def pod_commands(
    recorded: Sequence[str],
    binary: str,
    unit: str,
    stop: int,
    value_flags: frozenset[str],
) -> list[tuple[str, list[str]]]:
    """The Exec keys and command lines of the pod's unit ``unit``; ``value_flags``:
    pod create's options that take a value."""
    words = list(recorded)
    if not words:
        raise GenerateError(
            "the pod has no recorded create command (made by an older hutch, kube play "
            "or the API): generate without --new"
        )
    globals_, i = split_globals(words)
    if words[i : i + 2] != ["pod", "create"]:
        raise GenerateError(f"the recorded create command is not pod create: {words!r}")
    rest = words[i + 2 :]
    kept, tail = split_service_flags(rest, value_flags, DROPPED)
    ids, pids = pod_id_file(unit), f"%t/{unit}.pid"
    hutch = [binary, *globals_, "pod"]
    create = [*hutch, "create", "--infra-conmon-pidfile", pids, "--pod-id-file", ids]
    create += [f"--exit-policy={exit_policy(rest)}", *kept, *tail]
    if tail or named(kept):
        create.append("--replace")
    return [
        ("ExecStartPre", ["/bin/rm", "-f", pids, ids]),
        ("ExecStartPre", create),
        ("ExecStart", [*hutch, "start", "--pod-id-file", ids]),
        ("ExecStop", [*hutch, "stop", "--ignore", "--pod-id-file", ids, "-t", str(stop)]),
        ("ExecStopPost", [*hutch, "rm", "--ignore", "-f", "--pod-id-file", ids]),
    ]


def exit_policy(args: Sequence[str]) -> str:
    """The recorded ``--exit-policy`` (the last one given), else ``stop``: the pod
    stops with its last member, and its unit's containers with it (podman)."""
    policy = "stop"
    for j, arg in enumerate(args):
        if arg.startswith("--exit-policy="):
            policy = arg.partition("=")[2]
        elif arg == "--exit-policy" and j + 1 < len(args):
            policy = args[j + 1]
    return policy


def named(options: Sequence[str]) -> bool:
    """Whether the options name the pod (--name, -n): a fixed name is taken over."""
    return any(word == "--name" or word.startswith(("--name=", "-n")) for word in options)
