"""The transports podman's ``pull``, ``run`` and ``create`` read besides a registry.

``TRANSPORT:PATH[:REF]`` names an image in an archive or a layout on disk
(docker-archive, oci-archive, oci, dir) or in hutch's own store
(``containers-storage:NAME``); engine/image_archive.py copies it in. Small, so
that ``run`` can tell a transport from an image name without loading that.
"""

from __future__ import annotations

from dataclasses import dataclass

from hutch.api.errors import InvalidArgument

# The transports ``pull``/``run``/``create`` read besides a registry (docker:// is one).
PULL_TRANSPORTS = ("docker-archive", "oci-archive", "oci", "dir", "containers-storage")


@dataclass(frozen=True)
class TransportRef:
    """``TRANSPORT:PATH[:REF]`` (``dir:PATH``; ``containers-storage:NAME``)."""

    transport: str
    path: str
    ref: str = ""


def split_transport(reference: str) -> TransportRef | None:
    """The transport ``reference`` names, or None for a registry reference."""
    transport, sep, rest = reference.partition(":")
    if not sep or transport not in PULL_TRANSPORTS:
        return None
    if transport == "containers-storage":
        return TransportRef(transport, "", rest)
    if transport == "dir":
        return TransportRef(transport, rest)
    path, _, ref = rest.partition(":")
    return TransportRef(transport, path, ref)


def with_default(reference: str, default: str) -> str:
    """``reference`` read through containers.conf's ``[engine] image_default_transport``
    (``default``, e.g. ``oci-archive:``) when it names no transport itself; a
    registry (podman's ``docker://``) when the file sets none."""
    if not default or reference.startswith("docker://") or split_transport(reference):
        return reference
    name, sep, rest = default.partition(":")
    if not sep or name not in PULL_TRANSPORTS or rest not in ("", "//"):
        known = ", ".join(("docker://", *(f"{t}:" for t in PULL_TRANSPORTS)))
        raise InvalidArgument(
            f"containers.conf: [engine] image_default_transport {default!r}: use one of {known}"
        )
    return f"{name}:{reference}"
