"""Run the Quadlet generator over files written into a temporary directory."""

from __future__ import annotations

from pathlib import Path

from hutch.systemd.generator import generate, load
from hutch.systemd.model import Result
from hutch.systemd.sources import find_units
from hutch.systemd.unitfile import parse, split_words

HUTCH = "/opt/hutch/bin/hutch"


def run(tmp_path: Path, files: dict[str, str], user: bool = True) -> Result:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    dirs = [tmp_path]
    units, warnings = load(find_units(dirs, recursive=True), dirs)
    result = generate(units, binary=HUTCH, user=user)
    return Result(result.units, (*warnings, *result.warnings))


def service(result: Result, name: str) -> str:
    for g in result.units:
        if g.service == name:
            return g.text
    raise AssertionError(f"{name} not generated; warnings: {result.warnings}")


def values(text: str, section: str, key: str) -> list[str]:
    return parse(text, "generated").values(section, key)


def exec_start(text: str) -> list[str]:
    (line,) = values(text, "Service", "ExecStart")
    return split_words(line)


# What every generated ``hutch run`` starts with (name default, supervision flags).
RUN_PREFIX = [
    HUTCH,
    "run",
    "--name=systemd-%N",
    "--replace",
    "--rm",
    "--cgroups=split",
    "--sdnotify=conmon",
]


def run_argv(tmp_path: Path, container: str, others: dict[str, str] | None = None) -> list[str]:
    """The ExecStart of web.container with the given [Container] body."""
    result = run(tmp_path, {"web.container": f"[Container]\n{container}\n", **(others or {})})
    assert result.warnings == ()
    return exec_start(service(result, "web.service"))
