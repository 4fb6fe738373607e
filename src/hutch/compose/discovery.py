"""Which files, which project directory, which environment, which project name.

Pure functions of the options, the working directory and the environment
they are given (never ``os.environ`` or ``os.getcwd`` themselves).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from hutch.compose.dotenv import read_env_file
from hutch.compose.errors import ComposeError
from hutch.compose.load import STDIN

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hutch.compose.modelcache import Probes

BASE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
_VALID_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def find_files(
    files: tuple[str, ...], cwd: str, environ: Mapping[str, str], probes: Probes | None = None
) -> tuple[list[str], list[str]]:
    """The compose files (absolute, or ``-``) and warnings about the choice (``probes``:
    what was looked for is noted there)."""

    def is_file(path: Path) -> bool:
        if probes is not None:
            probes.note(str(path))
        return path.is_file()

    if files:
        return [f if f == STDIN else os.path.normpath(os.path.join(cwd, f)) for f in files], []
    if environ.get("COMPOSE_FILE"):
        separator = environ.get("COMPOSE_PATH_SEPARATOR") or os.pathsep
        named = [f for f in environ["COMPOSE_FILE"].split(separator) if f]
        return [os.path.normpath(os.path.join(cwd, f)) for f in named], []
    directory = Path(cwd)
    for folder in (directory, *directory.parents):
        present = [name for name in BASE_NAMES if is_file(folder / name)]
        if not present:
            continue
        warnings = []
        if len(present) > 1:
            warnings.append(
                f"found multiple config files with supported names: "
                f"{', '.join(str(folder / n) for n in present)}; using {folder / present[0]}"
            )
        chosen = [str(folder / present[0])]
        stem = present[0].rsplit(".", 1)[0]
        for suffix in ("yaml", "yml"):
            override = folder / f"{stem}.override.{suffix}"
            if is_file(override):
                chosen.append(str(override))
                break
        return chosen, warnings
    raise ComposeError(
        "no configuration file provided: not found",
        hint=f"looked for {', '.join(BASE_NAMES)} in {cwd} and its parents; use -f FILE",
    )


def project_directory(option: str | None, files: list[str], cwd: str) -> str:
    if option:
        return os.path.normpath(os.path.join(cwd, option))
    if files and files[0] != STDIN:
        return os.path.dirname(files[0])
    return cwd


def environment(
    env_files: tuple[str, ...],
    project_dir: str,
    cwd: str,
    shell: Mapping[str, str],
    probes: Probes | None = None,
) -> dict[str, str]:
    """What interpolation sees: the env files (``.env`` by default), the shell over them."""
    paths = [os.path.normpath(os.path.join(cwd, f)) for f in env_files]
    if not env_files:
        default = os.path.join(project_dir, ".env")
        if probes is not None:
            probes.note(default)
        paths = [default] if os.path.isfile(default) else []
    result: dict[str, str] = {}
    for path in paths:
        if probes is not None:
            probes.note(path)
        result.update(read_env_file(path, shell) or {})
    result.update(shell)
    return result


def project_name(
    option: str | None, environ: Mapping[str, str], declared: object, project_dir: str
) -> str:
    """``-p``, then ``COMPOSE_PROJECT_NAME``, then ``name:``, else the directory's name."""
    for source, value in (
        ("-p", option),
        ("COMPOSE_PROJECT_NAME", environ.get("COMPOSE_PROJECT_NAME")),
        ("name", declared),
    ):
        if value:
            text = str(value)
            if not _VALID_NAME.match(text):
                raise ComposeError(
                    f"invalid project name {text!r} (from {source})",
                    hint="a project name has only lowercase letters, digits, '-' and '_', "
                    "and starts with a letter or digit",
                )
            return text
    normalised = re.sub(r"[^a-z0-9_-]", "", os.path.basename(project_dir).lower())
    normalised = normalised.lstrip("_-")
    if not normalised:
        raise ComposeError(
            f"cannot derive a project name from the directory {project_dir!r}",
            hint="set one with -p NAME or a top-level 'name:'",
        )
    return normalised
