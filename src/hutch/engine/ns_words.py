"""podman's words for a namespace mode that names what to join wrongly
(``container:`` or ``ns:`` without a value, ``container:NAME`` of no container):
one place for ``--pid``, ``--ipc``, ``--uts``, ``--cgroupns`` and ``--network``."""

from __future__ import annotations

from hutch.api.errors import InvalidArgument, NoSuchObject


def requires_value(mode: str) -> InvalidArgument:
    """``container:`` or ``ns:`` with nothing after the colon."""
    word = "container" if mode.startswith("container") else "path"
    return InvalidArgument(f"invalid config provided: namespace mode {word} requires a value")


def no_container(namespace: str, exc: NoSuchObject) -> InvalidArgument:
    """``container:NAME`` of no container; ``namespace`` is podman's short name of it
    (pid, ipc, uts, cgroup, net)."""
    return InvalidArgument(f"looking up container to share {namespace} namespace with: {exc}")
