"""The generator's values: loaded units, the services made from them, problems."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from hutch.systemd.unitfile import UnitFile

# The section of each unit type, by suffix.
SECTIONS = {
    ".container": "Container",
    ".volume": "Volume",
    ".network": "Network",
    ".pod": "Pod",
    ".kube": "Kube",
    ".image": "Image",
    ".build": "Build",
}
# The suffix a unit type's service name carries (foo.volume -> foo-volume.service).
SERVICE_SUFFIX = {
    ".container": "",
    ".volume": "-volume",
    ".network": "-network",
    ".pod": "-pod",
    ".kube": "",
    ".image": "-image",
    ".build": "-build",
}


class QuadletError(Exception):
    """A unit that cannot be generated; ``where`` is file:line (or the file)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


@dataclass(frozen=True)
class Unit:
    """One Quadlet file with its drop-ins merged."""

    name: str  # web.container, sleep@.container, sleep@10.container
    path: Path
    file: UnitFile

    @property
    def suffix(self) -> str:
        return os.path.splitext(self.name)[1]

    @property
    def stem(self) -> str:
        return os.path.splitext(self.name)[0]

    @property
    def section(self) -> str:
        return SECTIONS[self.suffix]

    @property
    def is_template(self) -> bool:
        return "@" in self.stem

    def service_name(self) -> str:
        custom = self.file.last(self.section, "ServiceName")
        base, at, instance = self.stem.partition("@")
        if custom:
            base = custom.removesuffix(".service")
        else:
            base += SERVICE_SUFFIX[self.suffix]
        return f"{base}{at}{instance}.service"

    def resolve_path(self, value: str) -> str:
        """A path relative to the unit file's directory (one starting with % is a specifier)."""
        if os.path.isabs(value) or value.startswith("%"):
            return value
        return os.path.normpath(self.path.parent / value)


@dataclass(frozen=True)
class Generated:
    """One service unit to write, and the [Install] links that enable it."""

    source: str  # the Quadlet file it comes from
    service: str  # web.service
    text: str
    links: tuple[tuple[str, str], ...] = ()  # (link path in the output dir, target)


@dataclass(frozen=True)
class Result:
    units: tuple[Generated, ...] = ()
    warnings: tuple[str, ...] = field(default=())
