"""/run/.containerenv: the file by which a program learns it runs in a container.

podman bind-mounts it into every container (tools such as toolbox, systemd's
``systemd-detect-virt`` and many scripts test for it), creating ``/run`` in the
container's root when the image has none. It is empty, except in a
``--privileged`` container, where it names the engine, the container and its
image, one ``key="value"`` line each, as podman writes them. A host directory, a
tmpfs or an image of the user's at ``/run`` leaves it out, as in podman (``hidden``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from hutch.engine.container_record import MountRecord
from hutch.runtime.spec import Spec

DESTINATION = "/run/.containerenv"
# the file's name in the container's userdata directory, beside hostname and hosts
FILENAME = "containerenv"


@dataclass(frozen=True)
class ContainerIdentity:
    """What a privileged container's file says about it."""

    name: str
    container_id: str
    image_name: str
    image_id: str


def text(identity: ContainerIdentity | None, version: str, rootless: bool) -> str:
    """The file's content: empty, or podman's six lines for a privileged container
    (values quoted as Go's %q quotes these plain strings: backslashes and double
    quotes escaped)."""
    if identity is None:
        return ""
    lines = [
        ("engine", f"hutch-{version}"),
        ("name", identity.name),
        ("id", identity.container_id),
        ("image", identity.image_name),
        ("imageid", identity.image_id),
    ]
    quoted = "".join(f'{key}="{_escape(value)}"\n' for key, value in lines)
    return quoted + f"rootless={int(rootless)}\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def hidden(spec: Spec, user_mounts: Iterable[MountRecord]) -> bool:
    """Something of the user's is at /run: a host directory, a tmpfs (``--tmpfs``, or
    ``--read-only``'s) or an image. podman 4.3.1 then has no file there. A named volume
    at /run does not hide it: the file is bound on top, its mount point made in the
    volume, as podman's."""
    if any(m.destination.rstrip("/") == "/run" and m.kind != "volume" for m in user_mounts):
        return True
    return "/run" in spec.security.read_only_tmpfs


def add(
    spec: Spec,
    userdata: Path,
    identity: ContainerIdentity | None,
    user_mounts: Iterable[MountRecord],
    rootless: bool,
) -> Spec:
    """Write the file into ``userdata`` and add it to the files bound into the
    container (``identity`` only for a privileged container)."""
    if hidden(spec, user_mounts):
        return spec
    from hutch import __version__

    path = userdata / FILENAME
    path.write_text(text(identity, __version__, rootless))
    return replace(spec, etc_files=(*spec.etc_files, (DESTINATION, os.fspath(path))))
