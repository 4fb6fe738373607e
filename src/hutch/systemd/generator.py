"""The Quadlet generator: unit files in, service units out, warnings for the rest.

Pure apart from reading the source files and writing the outputs: it never
opens hutch's store, so it is fast and safe to run at boot and at every
``systemctl daemon-reload``. A unit with a problem (syntax, unknown or
unsupported key, a reference to a missing unit, an image that does not
parse) is skipped with one warning naming file and line; the others are
still generated.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from hutch.systemd import container, kube, pod, resources
from hutch.systemd.common import Context
from hutch.systemd.model import Generated, QuadletError, Result, Unit
from hutch.systemd.sources import Source, dropins
from hutch.systemd.unitfile import UnitSyntaxError, read

CONVERTERS: dict[str, Callable[[Unit, Context], Generated]] = {
    ".container": container.convert,
    ".volume": resources.volume,
    ".network": resources.network,
    ".image": resources.image,
    ".build": resources.build,
    ".pod": pod.convert,
    ".kube": kube.convert,
}


def load(sources: Iterable[Source], dirs: list[Path]) -> tuple[list[Unit], list[str]]:
    """Each source parsed with its drop-ins merged; a file that does not parse is a warning."""
    units, warnings = [], []
    for source in sources:
        try:
            file = read(source.path)
            for dropin in dropins(source.name, dirs):
                file = file.merged(read(dropin))
        except UnitSyntaxError as exc:
            warnings.append(f"{exc}: skipping {source.name}")
            continue
        except (OSError, UnicodeError) as exc:
            warnings.append(f"{source.path}: cannot read: {exc}: skipping {source.name}")
            continue
        units.append(Unit(source.name, source.path, file))
    return units, warnings


def generate(units: list[Unit], *, binary: str, user: bool) -> Result:
    ctx = Context({u.name: u for u in units}, binary, user)
    made, warnings = [], []
    for unit in units:
        try:
            made.append(CONVERTERS[unit.suffix](unit, ctx))
        except QuadletError as exc:
            warnings.append(f"{exc}: skipping {unit.name}")
    return Result(tuple(made), tuple(warnings))


def write(result: Result, out: Path) -> list[Path]:
    """Write the services and their [Install] links into a generator's output dir."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for g in result.units:
        path = out / g.service
        tmp = out / f".{g.service}.tmp"
        tmp.write_text(g.text)
        os.replace(tmp, path)
        written.append(path)
        for link, target in g.links:
            where = out / link
            where.parent.mkdir(parents=True, exist_ok=True)
            if where.is_symlink() or where.exists():
                where.unlink()
            where.symlink_to(target)
    return written


def find_binary(argv0: str, env: dict[str, str]) -> str:
    """The hutch the services run: $HUTCH_BINARY, else beside this script, else on PATH.

    Resolved once at generation time and written as an absolute path: a
    generator and the services run with systemd's minimal PATH, which rarely
    holds a pip --user or venv install.
    """
    explicit = env.get("HUTCH_BINARY")
    if explicit:
        return explicit
    here = Path(argv0)
    if here.is_symlink() or here.exists():
        beside = here.resolve().parent / "hutch"
        if beside.exists():
            return str(beside)
    for directory in env.get("PATH", "").split(os.pathsep):
        candidate = Path(directory) / "hutch"
        if directory and os.access(candidate, os.X_OK):
            return str(candidate)
    return "/usr/bin/hutch"
