"""``hutch quadlet install|list|print|rm``: the user's Quadlet files (as ``podman quadlet``).

Files are installed into the first writable user directory of the search
path (``$XDG_CONFIG_HOME/containers/systemd``); listing reads every search
directory and names the service each file becomes; ``systemctl --user
daemon-reload`` runs afterwards unless asked not to.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from hutch.systemd.model import Unit
from hutch.systemd.sources import SUFFIXES, find_units, search_dirs
from hutch.systemd.unitfile import UnitFile


class QuadletFileError(Exception):
    """A request about Quadlet files that cannot be done (one line for the user)."""


@dataclass(frozen=True)
class Installed:
    name: str  # web.container
    unit: str  # web.service
    path: str
    status: str  # systemd's ActiveState, or "" when unknown


def user_dir(env: Mapping[str, str]) -> Path:
    config = env.get("XDG_CONFIG_HOME")
    if config and os.path.isabs(config):
        return Path(config) / "containers" / "systemd"
    return Path(env.get("HOME", "~")).expanduser() / ".config" / "containers" / "systemd"


def install(paths: list[str], env: Mapping[str, str], replace: bool) -> list[Path]:
    """Copy Quadlet files (or the Quadlet files of directories) into the user dir.

    Every source is checked before anything is copied, so a refused request
    installs nothing.
    """
    target = user_dir(env)
    plan: list[tuple[Path, Path]] = []
    for raw in paths:
        source = Path(raw)
        if source.is_dir():
            files = sorted(p for p in source.iterdir() if p.suffix in SUFFIXES and p.is_file())
            if not files:
                raise QuadletFileError(f"{raw}: no Quadlet files in this directory")
        elif source.is_file():
            if source.suffix not in SUFFIXES:
                raise QuadletFileError(
                    f"{raw}: not a Quadlet file (expected {', '.join(SUFFIXES)})"
                )
            files = [source]
        else:
            raise QuadletFileError(f"{raw}: no such file or directory")
        for f in files:
            dest = target / f.name
            if dest.exists() and not replace:
                raise QuadletFileError(
                    f"a Quadlet file {f.name} is already installed: use --replace"
                )
            plan.append((f, dest))
    target.mkdir(parents=True, exist_ok=True)
    for source, dest in plan:
        shutil.copyfile(source, dest)
    return [dest for _, dest in plan]


def installed(env: Mapping[str, str], uid: int, with_status: bool) -> list[Installed]:
    dirs = search_dirs(True, env, uid)
    out = []
    for source in find_units(dirs, recursive=True):
        unit = Unit(source.name, source.path, _service_file(source.path))
        service = unit.service_name()
        out.append(
            Installed(
                source.name, service, str(source.path), _status(service) if with_status else ""
            )
        )
    return out


def _service_file(path: Path) -> UnitFile:
    # Only ServiceName= matters for the name; a file that does not parse
    # keeps the default name (the generator warns about it).
    from hutch.systemd.unitfile import UnitSyntaxError, read

    try:
        return read(path)
    except (UnitSyntaxError, OSError, UnicodeError):
        return UnitFile(str(path))


def find(name: str, env: Mapping[str, str], uid: int) -> Installed:
    for item in installed(env, uid, with_status=False):
        if name in (item.name, item.unit, item.unit.removesuffix(".service")):
            return item
    raise QuadletFileError(f"no such Quadlet file: {name}")


def remove(names: list[str], env: Mapping[str, str], uid: int, ignore: bool) -> list[str]:
    """Remove installed files by name; all are found before any is removed."""
    found: list[Installed] = []
    for name in names:
        try:
            found.append(find(name, env, uid))
        except QuadletFileError:
            if not ignore:
                raise
    for item in found:
        Path(item.path).unlink(missing_ok=True)
    return [item.name for item in found]


def reload_systemd() -> str | None:
    """``systemctl --user daemon-reload``; the problem as text when it fails."""
    try:
        proc = subprocess.run(
            ["systemctl", "--user", "daemon-reload"], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    return proc.stderr.strip() or f"exit status {proc.returncode}" if proc.returncode else None


def _status(service: str) -> str:
    try:
        proc = subprocess.run(
            ["systemctl", "--user", "show", "-p", "ActiveState", "--value", service],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return proc.stdout.strip() or "unknown"
