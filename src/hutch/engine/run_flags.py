"""Checks of the run/create flags that only podman's rules decide (issue 15).

``check`` runs in ``parse_create``, before the image is looked up or pulled,
so a bad value fails with exit 125 in podman's words and never pulls; it
answers the options with ``--label-file`` read into the labels.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from dataclasses import replace

from hutch.api.container_config import DEFAULT_UMASK, RunOptions
from hutch.api.errors import InvalidArgument
from hutch.api.flags import check_preserved
from hutch.engine import ports
from hutch.runtime.detachkeys import parse_detach_keys

# libpod's define.UmaskRegex, compiled at its first use (re caches it)
_UMASK = r"[0-7]{1,4}"
_WHITESPACE = " \t"
STREAMS = ("stdin", "stdout", "stderr")


def check(options: RunOptions) -> RunOptions:
    for item in options.env_merge:
        key, sep, _value = item.partition("=")
        if not key or not sep:
            raise InvalidArgument(f"--env-merge {item!r}: expected NAME=VALUE")
    for item in options.annotations:
        if "=" not in item:
            raise InvalidArgument("annotations must be formatted KEY=VALUE")
    if options.umask is not None and not re.fullmatch(_UMASK, options.umask):
        raise InvalidArgument(
            f"running container create option: invalid umask string {options.umask}: "
            "invalid argument"
        )
    for stream in options.attach:
        if stream.lower() not in STREAMS:
            raise InvalidArgument(
                f'invalid stream "{stream}" for --attach - must be one of stdin, stdout, '
                "or stderr: invalid argument"
            )
    for item in options.net.expose:
        ports.parse_expose(item)
    for rule in options.security.device_cgroup_rules:
        check_device_cgroup_rule(rule)
    if options.security.device_cgroup_rules:
        # cgroup device rules need a cgroup v1 devices controller or an eBPF
        # program, neither of which an unprivileged user may set
        raise InvalidArgument(
            "device cgroup rules are not supported in rootless mode or in a user namespace"
        )
    if options.kernel_memory:
        print(
            "WARN: The --kernel-memory flag is no longer supported. This flag is a noop.",
            file=sys.stderr,
        )
    if options.init_ctr is not None:
        options = as_init_container(options)
    for warning in cgroup_v1_only(options):
        print(f"WARN: {warning}", file=sys.stderr)
    if options.preserve_fds:
        check_preserved(options.preserve_fds)
    if options.conmon_pidfile:  # the monitor writes it, from another working directory
        options = replace(options, conmon_pidfile=os.path.abspath(options.conmon_pidfile))
    init_path = options.lifecycle.init_path
    if init_path:
        if not os.path.isfile(init_path):  # podman's words
            raise InvalidArgument(
                "container-init binary not found on the host: "
                f"stat {init_path}: no such file or directory"
            )
        lifecycle = replace(options.lifecycle, init_path=os.path.abspath(init_path))
        options = replace(options, lifecycle=lifecycle)
    if options.pidfile:  # the monitor writes it, from another working directory
        options = replace(options, pidfile=os.path.abspath(options.pidfile))
    if options.label_files:
        labels = tuple(item for path in options.label_files for item in read_label_file(path))
        options = replace(options, labels=labels + options.labels)
    check_labels(options.labels)
    return options


def without_unusable_ports(options: RunOptions) -> RunOptions:
    """-p/-P on a network with no ports of its own (host, none, another container's):
    podman runs the container without them, -p with its warning (libpod's words).
    A -p that does not parse is still refused, as podman parses it first."""
    mode = options.network
    if mode not in ("host", "none") and not mode.startswith("container:"):
        return options
    for spec in options.net.publish:
        ports.parse_publish(spec)
    if options.net.publish:
        print(
            "Port mappings have been discarded as one of the Host, Container, Pod, and None "
            "network modes are in use",
            file=sys.stderr,
        )
    elif not options.net.publish_all:
        return options
    return replace(options, net=replace(options.net, publish=(), publish_all=False))


def check_labels(items: Sequence[str], context: str = "unable to process labels") -> None:
    """A ``--label`` without a key is refused, in podman's words (its commands differ
    in ``context`` alone: network create's is "failed to parse labels")."""
    for item in items:
        if not item.partition("=")[0]:
            raise InvalidArgument(f'{context}: invalid label format: "{item}"')


def cgroup_v1_only(options: RunOptions) -> list[str]:
    """The warnings for the limits only a root user's cgroup v1 applies, run's
    ``--oom-kill-disable`` among them."""
    words = options.resources.cgroup_v1_warnings()
    if options.oom_kill_disable:
        words.append("--oom-kill-disable is ignored: only a root user's cgroup v1 applies it")
    return words


def passed_descriptors(preserve_fds: int) -> tuple[int, str | None]:
    """How many of our descriptors from 3 the command of ``run`` gets, and, for
    socket activation, the LISTEN_FDNAMES it gets with them (None: not activated).

    --preserve-fds N, else systemd's LISTEN_FDS when it is meant for this process
    (LISTEN_PID unset or ours), as podman passes a socket-activated service's
    sockets on. They are made inheritable: the monitor must inherit them.
    """
    if preserve_fds:
        check_preserved(preserve_fds)
    count, names = preserve_fds, None
    listen = os.environ.get("LISTEN_FDS", "")
    if count and listen:
        print("WARN: Ignoring LISTEN_FDS to preserve custom user-specified FDs", file=sys.stderr)
    elif not count and listen.isdigit():
        owner = os.environ.get("LISTEN_PID", "")
        if not owner or owner == str(os.getpid()):
            count, names = int(listen), os.environ.get("LISTEN_FDNAMES", "")
    for fd in range(3, 3 + count):
        try:
            os.set_inheritable(fd, True)
        except OSError:
            # --preserve-fds was checked above; a LISTEN_FDS whose descriptors are not
            # there was left by something else: the run goes on without them
            print(
                f"WARN: LISTEN_FDS={listen} but descriptor {fd} is not open: "
                "passing no socket-activated descriptors",
                file=sys.stderr,
            )
            return 0, None
    return count, names


def as_init_container(options: RunOptions) -> RunOptions:
    """create --init-ctr always|once: a label pod start reads (engine/pods.py), with
    podman's words for a value it does not know and for a container of no pod."""
    from hutch.api.pods import INIT_CONTAINER_LABEL

    if not options.pod:  # podman's order: the pod first, then the value
        raise InvalidArgument("must specify pod value with init-ctr")
    if options.init_ctr not in ("always", "once"):
        raise InvalidArgument("init-ctr value must be 'always' or 'once'")
    label = f"{INIT_CONTAINER_LABEL}={options.init_ctr}"
    return replace(options, labels=(*options.labels, label))


def with_pod_id_file(options: RunOptions) -> RunOptions:
    """--pod-id-file: the pod's id (``--pod``) from the file ``pod create --pod-id-file``
    wrote; first of all, as podman reads it (the pod's namespaces follow from it)."""
    if options.pod_id_file is None:
        return options
    if options.pod is not None:
        raise InvalidArgument("cannot specify both --pod and --pod-id-file")
    from hutch.api.pods import read_pod_id_file

    pod = read_pod_id_file(options.pod_id_file)
    return replace(options, pod=pod, pod_id_file=None)


def umask(options: RunOptions) -> int:
    """The umask of the container's process."""
    return int(options.umask or DEFAULT_UMASK, 8)


def check_device_cgroup_rule(rule: str) -> None:
    """``TYPE MAJOR:MINOR ACCESS`` as podman parses it (its messages)."""
    parts = rule.split(" ")
    if len(parts) != 3:
        raise InvalidArgument(
            f'invalid device cgroup rule requires type, major:Minor, and access rules: "{rule}"'
        )
    kind, numbers, access = parts
    if kind not in ("a", "b", "c"):
        raise InvalidArgument(f"invalid device type in device-access-add: {kind}")
    for number in numbers.split(":", 1):
        if number != "*" and not (number.isascii() and number.isdigit()):
            raise InvalidArgument(f'strconv.ParseUint: parsing "{number}": invalid syntax')
    for char in access:
        if char not in "rwm":
            raise InvalidArgument(f"invalid device access in device-access-add: {char}")


def read_label_file(path: str) -> list[str]:
    """The KEY=VALUE lines of a ``--label-file``, as podman reads it.

    Lines are trimmed on the left only (a value keeps its trailing spaces and
    quotes); empty lines and ``#`` comments are skipped; a bare KEY takes
    hutch's own environment's value, and is skipped when that is not set.
    """
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as exc:
        raise InvalidArgument(f"unable to process labels: open {path}: {_strerror(exc)}") from exc
    out = []
    for raw in text.splitlines():
        line = raw.lstrip(_WHITESPACE)
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not name:
            raise InvalidArgument(
                f'unable to process labels: invalid environment variable: "{line}"'
            )
        if any(c in name for c in _WHITESPACE):
            raise InvalidArgument(
                f'unable to process labels: name "{name}" has white spaces, poorly formatted name'
            )
        if sep:
            out.append(f"{name}={value}")
        elif name in os.environ:
            out.append(f"{name}={os.environ[name]}")
    return out


def _strerror(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def attached(options: RunOptions) -> tuple[bool, bool, bool]:
    """Which of stdin, stdout, stderr an attached run relays (-a; none given: all)."""
    if not options.attach:
        return True, True, True
    given = {stream.lower() for stream in options.attach}
    return ("stdin" in given, "stdout" in given, "stderr" in given)


def detach_keys(text: str | None, default: str | None = None) -> bytes:
    """``--detach-keys`` of run, start and attach as bytes (here, not with attach in
    engine/lifecycle.py: run and start need only this, and that module's imports,
    api.containers' sixty classes with them, were about 10 ms of run's start).

    ``text`` None (no flag, none recorded) takes ``default``, containers.conf's
    ``[engine] detach_keys`` (None: ctrl-p,ctrl-q; "": none), as podman's flags do.
    """
    chosen, what = (text, "--detach-keys") if text is not None else (default, "detach_keys")
    try:
        return parse_detach_keys(chosen)
    except ValueError as exc:
        where = "containers.conf: [engine] detach_keys" if what == "detach_keys" else what
        raise InvalidArgument(f"{where}: {exc}") from exc
