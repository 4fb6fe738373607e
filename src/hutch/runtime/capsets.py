"""The five capability sets of a container process, as podman computes them.

Pure: names in, names out. ``--cap-add``/``--cap-drop`` edit the bounding set
(podman's default set, or every capability of the user namespace with
``--privileged``). Root gets the bounding set as effective and permitted;
the inheritable set stays empty (as podman does since CVE-2022-27649), so an
exec'd file capability cannot gain through it. A non-root user gets nothing
unless capabilities were added explicitly: those go to the effective,
permitted, inheritable and ambient sets, the only way a non-root process
keeps a capability across ``execve``.
"""

from __future__ import annotations

from dataclasses import dataclass

from hutch.api.errors import InvalidArgument
from hutch.linux.caps import CAPABILITIES, DEFAULT_CAPABILITIES, normalize


@dataclass(frozen=True)
class CapabilitySets:
    bounding: tuple[str, ...] = ()
    effective: tuple[str, ...] = ()
    permitted: tuple[str, ...] = ()
    inheritable: tuple[str, ...] = ()
    ambient: tuple[str, ...] = ()


def parse_names(values: tuple[str, ...], flag: str) -> tuple[str, ...]:
    """Validate and normalise capability names; ``ALL`` stays ``ALL``.

    A flag value may hold several names separated by commas (``--cap-add a,b``).
    """
    out: list[str] = []
    for value in values:
        for raw in value.split(","):
            if not raw.strip():
                continue
            if raw.strip().upper() == "ALL":
                out.append("ALL")
                continue
            name = normalize(raw)
            if name not in CAPABILITIES:
                # podman's words; a containers.conf key keeps its name in front
                words = f'"{name}": unknown capability'
                raise InvalidArgument(words if flag.startswith("-") else f"{flag}: {words}")
            out.append(name)
    return tuple(out)


def _ordered(names: set[str]) -> tuple[str, ...]:
    return tuple(sorted(names, key=lambda n: CAPABILITIES[n]))


def compute(
    *,
    cap_add: tuple[str, ...],
    cap_drop: tuple[str, ...],
    privileged: bool,
    non_root: bool,
    last_cap: int,
    defaults: tuple[str, ...] | None = None,
) -> CapabilitySets:
    """The sets for a process; ``last_cap`` is the highest number the kernel knows;
    ``defaults`` replaces podman's default set (containers.conf's default_capabilities)."""
    known = {n for n, number in CAPABILITIES.items() if number <= last_cap}
    add = parse_names(cap_add, "--cap-add")
    drop = parse_names(cap_drop, "--cap-drop")
    default = (
        DEFAULT_CAPABILITIES
        if defaults is None
        else parse_names(defaults, "containers.conf default_capabilities")
    )
    base = set(known) if privileged or "ALL" in default else set(default) & known
    added = set(known) if "ALL" in add else {n for n in add if n in known}
    # podman: drop ALL then add some = only those; add wins over drop otherwise.
    bounding = set(added) if "ALL" in drop else (base - set(drop)) | added
    if not non_root:
        return CapabilitySets(
            bounding=_ordered(bounding),
            effective=_ordered(bounding),
            permitted=_ordered(bounding),
        )
    user = added & bounding
    return CapabilitySets(
        bounding=_ordered(bounding),
        effective=_ordered(user),
        permitted=_ordered(user),
        inheritable=_ordered(user),
        ambient=_ordered(user),
    )


def is_non_root(user_spec: str) -> bool:
    """podman's rule: only an empty user, ``root`` or ``0`` (before ``:``) is root."""
    user = user_spec.partition(":")[0]
    return user not in ("", "root", "0")
