"""build's --pid, --ipc, --uts, --cgroupns and --device: what every RUN step's
container makes, keeps or is given.

podman-build(1) takes buildah's values for the namespace flags, not run's:
"" (or private, container) makes a namespace per step, host keeps the one hutch
runs in, and anything else is the path of a namespace to join (ns:PATH too: the
prefix is dropped), stat'ed before the build starts, in podman's words. There is
no container:NAME: podman reads it as a path, and so does hutch.

Rootless, "host" means the namespaces of hutch's session (its user namespace
owns them), as ``engine/nsmodes.py`` explains for run; a path is joined by the
runtime, which needs the namespace to belong to the session's user namespace.
"""

from __future__ import annotations

import os

from hutch.api.build import BuildNamespaces
from hutch.api.errors import InvalidArgument
from hutch.build.stepstate import StepNamespaces
from hutch.runtime.spec_security import Device

# flag's field -> the runtime's (and podman's messages') name of the namespace
_NAMES = {"pid": "pid", "ipc": "ipc", "uts": "uts", "cgroupns": "cgroup"}
_MADE = ("", "private", "container")


def step_namespaces(given: BuildNamespaces) -> StepNamespaces:
    """The flags as the runtime takes them; a path that cannot be stat'ed is refused."""
    host: list[str] = []
    joins: list[tuple[str, str]] = []
    for flag, name in _NAMES.items():
        how = getattr(given, flag)
        if how is None or how in _MADE:
            continue
        if how == "host":
            host.append(name)
            continue
        path = how.removeprefix("ns:")
        try:
            os.stat(path)
        except OSError as exc:
            reason = (exc.strerror or str(exc)).lower()
            # podman's words (buildah's parse.NamespaceOptions)
            raise InvalidArgument(f"checking {name} namespace: stat {path}: {reason}") from None
        joins.append((name, os.path.abspath(path)))
    return StepNamespaces(tuple(host), tuple(joins))


def step_devices(items: tuple[str, ...]) -> tuple[Device, ...]:
    """--device as run's (its parsing, its checks of what the user may open), refused
    in podman build's words: run's message after buildah's prefixes."""
    from hutch.engine.security import parse_device

    devices = []
    for item in items:
        try:
            devices.append(parse_device(item))
        except InvalidArgument as exc:
            said = exc.message
            if said.startswith("stat "):
                said = f"getting info of source device {item.split(':')[0]}: {said}"
            raise InvalidArgument(f"creating build executor: {said}") from None
    return tuple(devices)
