"""Platforms (``os/architecture[/variant]``) and choosing one from an index.

Names follow Go's GOOS/GOARCH, as the OCI image spec requires. Comparison is
always done on normalised platforms, in the spirit of containerd's
``platforms.Normalize``: ``aarch64`` is ``arm64``, an ``arm64`` without a
variant is ``arm64/v8``, an ``arm`` without a variant is ``arm/v7``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType

from hutch.api.errors import InvalidArgument, NoSuchObject

TYPE_CHECKING = False  # typing costs a cached build an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import Final


@dataclass(frozen=True)
class Platform:
    os: str
    architecture: str
    variant: str | None = None
    os_version: str | None = None
    os_features: tuple[str, ...] = ()
    features: tuple[str, ...] = ()  # Docker manifest lists' platform.features (OCI reserves it)

    def __str__(self) -> str:
        text = f"{self.os}/{self.architecture}"
        return f"{text}/{self.variant}" if self.variant else text


# uname machine names -> (GOARCH, default variant)
_MACHINE_ARCH: Final[Mapping[str, tuple[str, str | None]]] = MappingProxyType(
    {
        "x86_64": ("amd64", None),
        "amd64": ("amd64", None),
        "aarch64": ("arm64", "v8"),
        "arm64": ("arm64", "v8"),
        "armv5l": ("arm", "v5"),
        "armv5tel": ("arm", "v5"),
        "armv6l": ("arm", "v6"),
        "armv7l": ("arm", "v7"),
        # A 32-bit userland on a 64-bit CPU: arm/v8 images hardly exist, v7 runs.
        "armv8l": ("arm", "v7"),
        "i386": ("386", None),
        "i486": ("386", None),
        "i586": ("386", None),
        "i686": ("386", None),
        "ppc64le": ("ppc64le", None),
        "ppc64": ("ppc64", None),
        "s390x": ("s390x", None),
        "riscv64": ("riscv64", None),
        "mips64": ("mips64", None),
        "loongarch64": ("loong64", None),
    }
)


def normalize(p: Platform) -> Platform:
    """The canonical spelling of ``p``, so that equal platforms compare equal."""
    os_name = p.os.lower()
    if os_name == "macos":
        os_name = "darwin"
    arch = p.architecture.lower()
    variant = p.variant.lower() if p.variant else None
    if arch in ("x86_64", "x86-64", "amd64"):
        arch = "amd64"
        # v1 is the baseline every amd64 CPU meets: the same as no variant.
        if variant == "v1":
            variant = None
    elif arch in ("aarch64", "arm64"):
        arch = "arm64"
        if variant in (None, "8", "v8", "v8.0"):
            variant = "v8"
    elif arch == "armhf":
        arch, variant = "arm", "v7"
    elif arch == "armel":
        arch, variant = "arm", "v6"
    elif arch == "arm":
        if variant is None:
            variant = "v7"
        elif variant in ("5", "6", "7", "8"):
            variant = f"v{variant}"
    elif arch in ("i386", "i486", "i586", "i686", "x86"):
        arch, variant = "386", None
    return replace(p, os=os_name, architecture=arch, variant=variant)


def parse_platform(text: str) -> Platform:
    """Parse ``os/arch[/variant]`` as ``--platform`` takes it, normalised."""
    parts = text.strip().split("/")
    if len(parts) not in (2, 3) or not all(parts):
        raise InvalidArgument(f"invalid platform {text!r}: expected OS/ARCH[/VARIANT]")
    variant = parts[2] if len(parts) == 3 else None
    return normalize(Platform(os=parts[0], architecture=parts[1], variant=variant))


def host_platform(machine: str | None = None, system: str | None = None) -> Platform:
    """The platform of this host (``machine``/``system`` override uname for tests)."""
    # os.uname, what platform.machine() reads on POSIX, without that module's import
    machine = (machine or os.uname().machine).lower()
    os_name = (system or sys.platform).lower()
    if os_name.startswith("linux"):
        os_name = "linux"
    arch, variant = _MACHINE_ARCH.get(machine, (machine, None))
    return normalize(Platform(os=os_name, architecture=arch, variant=variant))


def wanted_platform(
    platform: str | None, os_name: str | None, arch: str | None, variant: str | None
) -> Platform:
    """The platform ``--platform``, ``--os``, ``--arch`` and ``--variant`` ask for, the
    host's where they say nothing: the single flags stand over ``--platform``, and
    another architecture does not keep the variant of the one it replaces."""
    base = parse_platform(platform) if platform else host_platform()
    if os_name or arch or variant:
        base = Platform(
            os=os_name or base.os,
            architecture=arch or base.architecture,
            variant=variant or (None if arch else base.variant),
        )
    return normalize(base)


def _rank(candidate: Platform | None, want: Platform) -> int | None:
    """0 for an exact match, 1 for a candidate that names no variant, else None."""
    if candidate is None:
        return None
    have = normalize(candidate)
    if (have.os, have.architecture) != (want.os, want.architecture):
        return None
    if have.variant == want.variant:
        return 0
    # Normalisation gives arm and arm64 a variant; look at what was written.
    if not candidate.variant:
        return 1
    return None


def choose_platform(candidates: Sequence[Platform | None], want: Platform) -> int:
    """The position of the candidate to run on ``want`` (an index's entries, in order).

    An exact os/architecture/variant match wins; next an entry that names no
    variant; last, when no entry declares a platform at all, the first entry
    (single-image indexes written by ``save`` tools often omit it). Entries
    are otherwise taken in index order. ``manifest.select_manifest`` applies
    it to an image index.
    """
    want = normalize(want)
    best: tuple[int, int] | None = None
    for position, candidate in enumerate(candidates):
        rank = _rank(candidate, want)
        if rank is not None and (best is None or rank < best[0]):
            best = (rank, position)
    if best is not None:
        return best[1]
    if candidates and all(c is None for c in candidates):
        return 0
    # Build attestations are listed as unknown/unknown: they are not images.
    names = [str(c) for c in candidates if c and c.os != "unknown"]
    available = ", ".join(names) or "none"
    raise NoSuchObject(f"no image in the index matches platform {want} (available: {available})")
