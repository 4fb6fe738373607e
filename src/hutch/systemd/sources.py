"""Where Quadlet files are found, and their drop-ins (podman-systemd.unit(5)).

Search paths in order of precedence: a unit name found in an earlier
directory hides the same name further down. ``QUADLET_UNIT_DIRS`` (a
colon-separated list, podman's variable) replaces them, for debugging.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# The unit types hutch-quadlet reads, by file suffix.
SUFFIXES = (".container", ".volume", ".network", ".pod", ".kube", ".image", ".build")


@dataclass(frozen=True)
class Source:
    name: str  # file name, e.g. web.container or web@.container
    path: Path
    dir: Path  # the search directory it was found in


def search_dirs(user: bool, env: Mapping[str, str], uid: int) -> list[Path]:
    override = env.get("QUADLET_UNIT_DIRS")
    if override:
        return [Path(p) for p in override.split(":") if p]
    if not user:
        return [
            Path("/run/containers/systemd"),
            Path("/etc/containers/systemd"),
            Path("/usr/share/containers/systemd"),
        ]
    dirs = []
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime):
        dirs.append(Path(runtime) / "containers" / "systemd")
    config = env.get("XDG_CONFIG_HOME")
    if config and os.path.isabs(config):
        dirs.append(Path(config) / "containers" / "systemd")
    elif env.get("HOME"):
        dirs.append(Path(env["HOME"]) / ".config" / "containers" / "systemd")
    dirs.append(Path("/etc/containers/systemd/users") / str(uid))
    dirs.append(Path("/etc/containers/systemd/users"))
    return dirs


def find_units(dirs: list[Path], recursive: bool) -> list[Source]:
    """Every unit file, the first of each name winning; sorted by name."""
    found: dict[str, Source] = {}
    for base in dirs:
        for path in _walk(base, recursive):
            if path.name not in found:
                found[path.name] = Source(path.name, path, base)
    return [found[k] for k in sorted(found)]


def _walk(base: Path, recursive: bool) -> list[Path]:
    out: list[Path] = []
    try:
        children = sorted(base.iterdir())
    except OSError:
        return out
    # /etc/containers/systemd/users/UID belongs to one user: the shared
    # users directory does not pass it on to everybody.
    for child in children:
        if child.suffix in SUFFIXES and child.is_file():
            out.append(child)
        elif recursive and child.is_dir() and not child.name.endswith(".d"):
            if base.name == "users" and child.name.isdigit():
                continue
            out += _walk(child, recursive)
    return out


def dropin_dirs(name: str) -> list[str]:
    """The drop-in directory names of a unit, from the most general to the most specific.

    ``foo-bar@x.container`` reads ``container.d``, ``foo-.container.d``,
    ``foo-bar-.container.d`` (dash prefixes), ``foo-bar@.container.d`` (the
    template), then ``foo-bar@x.container.d``.
    """
    stem, suffix = os.path.splitext(name)
    out = [f"{suffix[1:]}.d"]
    base = stem.split("@", 1)[0]
    parts = base.split("-")
    out += [f"{'-'.join(parts[:i])}-{suffix}.d" for i in range(1, len(parts))]
    if "@" in stem:
        template = base + "@"
        if template != stem:
            out.append(f"{template}{suffix}.d")
    out.append(f"{name}.d")
    return out


def dropins(name: str, dirs: list[Path]) -> list[Path]:
    """The ``.conf`` drop-ins of a unit in the order they apply.

    A file name in a more specific directory overrides the same name in a more
    general one, and a higher-precedence search directory overrides a lower
    one; the survivors apply in the alphabetical order of their names.
    """
    chosen: dict[str, Path] = {}
    for dirname in dropin_dirs(name):
        # Lower-precedence search dirs first, so the higher ones replace them.
        for base in reversed(dirs):
            for directory in _dirs_named(base, dirname):
                try:
                    files = sorted(directory.iterdir())
                except OSError:
                    continue
                for f in files:
                    if f.suffix == ".conf" and f.is_file():
                        chosen[f.name] = f
    return [chosen[k] for k in sorted(chosen)]


def _dirs_named(base: Path, dirname: str) -> list[Path]:
    # A drop-in directory sits beside the unit, in any subdirectory.
    out = []
    candidate = base / dirname
    if candidate.is_dir():
        out.append(candidate)
    try:
        subdirs = [c for c in base.iterdir() if c.is_dir() and not c.name.endswith(".d")]
    except OSError:
        return out
    for sub in sorted(subdirs):
        out += _dirs_named(sub, dirname)
    return out
