"""Loaded projects kept between commands, so that ``compose ps`` reads no YAML.

Reading a project (YAML, interpolation, the schema, normalisation, checks) took
about 8 ms of each ``hutch compose ps`` and needs modules that take longer to
import than ``hutch ps`` takes to run. A project that loaded is kept in
``$XDG_CACHE_HOME/hutch/compose-model``, one file per working directory and
options, and used again while everything it was made from is unchanged:

- the options (files, ``-p``, ``--project-directory``, ``--env-file``,
  profiles, services) and the working directory: the file's name and its key;
- the whole process environment, by its SHA-256 (its values are not stored
  beyond what the interpolated model holds: they may be secrets), since
  interpolation, ``COMPOSE_*`` and bare ``environment`` keys read it (a shell
  gives a program the same environment each time it starts it, ``$_`` included);
- every path the load read or looked for, found or not (the compose files and
  their includes and extends, the directories discovery walked, ``.env`` and
  the env and label files), each by its device, inode, size, mtime and ctime,
  taken before the file is read: an edit after that changes one of them;
- hutch's version and the compose package's own files, so a changed loader
  never answers from what an older one made.

An entry is a file only the user can read (0600), written whole and renamed
into place, so a command running beside another reads an entry or none;
anything unreadable is a miss. A project read back has no locator: only verbs
whose errors do not point into the file (``ps``, ``top``, ``images``, ``port``)
use it. Standard library only, and no hashlib (it loads OpenSSL: ~10 ms).

Pruning. ``compose down`` that leaves the project no container forgets its
entries (``forget``). A store (a miss: the load it follows took far longer)
prunes the folder at most once per ``PRUNE_EVERY``, judged by one stat of a
stamp file, so a hit (``compose ps`` of an unchanged project) never pays for it:
gone are the entries that can never answer again (a file they were made from
is changed or gone: its ctime never goes back), those older than ``MAX_AGE``,
torn temporaries, and beyond ``MAX_ENTRIES`` the oldest.
"""

from __future__ import annotations

import marshal
import os
import time
from pathlib import Path

TYPE_CHECKING = False  # typing costs an import on the fast path; mypy reads the name alike
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from hutch.api.compose import ComposeProjectOptions
    from hutch.compose.model import Project

# what an entry holds; a change of its layout changes this
_FORMAT = 1
_MARSHAL_VERSION = 2  # no back-references: the same data, the same bytes
Signature = tuple[int, int, int, int, int] | None

# An entry is cheap to make again (one load, ~10 ms) and small (a few KB): a
# fortnight keeps the projects in use and lets go of one worked on once.
MAX_AGE = 14 * 24 * 3600
# Far more projects than a user has in use at once; the folder stays a few hundred KB
# and ``forget`` (which reads every entry) stays quick.
MAX_ENTRIES = 64
PRUNE_EVERY = 3600  # seconds between two prunes of a store
STAMP = ".pruned"  # its mtime: when the folder was last pruned
TEMPORARY_AGE = 600  # a ``.NAME.PID`` this old is a writer's that died, not one writing


def signature(path: str) -> Signature:
    """What says a path changed: device, inode, size, mtime and ctime (None: absent)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class Probes:
    """The paths a load read or looked for, each with its signature when it was first seen."""

    def __init__(self) -> None:
        self.seen: dict[str, Signature] = {}

    def note(self, path: str) -> None:
        """Call before reading or testing ``path``."""
        if path not in self.seen:
            self.seen[path] = signature(path)


def _sha256(data: bytes) -> str:
    for name in ("_sha2", "_sha256"):  # the interpreter's own (Python 3.12 on: _sha2)
        try:
            module: Any = __import__(name)
        except ImportError:
            continue
        return str(module.sha256(data).hexdigest())
    import hashlib  # pragma: no cover - a build without them

    return hashlib.sha256(data).hexdigest()  # pragma: no cover


def _code() -> list[tuple[str, Signature]]:
    """The compose package's files: a changed loader is another key."""
    folder = Path(__file__).parent
    with os.scandir(folder) as entries:
        names = sorted(e.name for e in entries if e.name.endswith((".py", ".json")))
    return [(name, signature(str(folder / name))) for name in names]


def _keys(options: ComposeProjectOptions) -> tuple[str, str] | None:
    """The entry's file name (options, working directory) and its full key; None: none."""
    from hutch import __version__

    if "-" in options.files:  # standard input: nothing to compare with next time
        return None
    where = (
        options.cwd,
        options.files,
        options.project_name,
        options.project_directory,
        options.env_files,
        options.profiles,
        options.services,
        options.interpolate,
    )
    name = _sha256(marshal.dumps(where, _MARSHAL_VERSION))
    environ = sorted(options.environ.items())
    extra = (_FORMAT, __version__, _code(), environ)
    return name, _sha256(marshal.dumps((where, extra), _MARSHAL_VERSION))


def lookup(folder: Path, options: ComposeProjectOptions) -> Project | None:
    """The project kept for ``options`` if nothing it came from changed, else None."""
    keys = _keys(options)
    if keys is None:
        return None
    try:
        data = marshal.loads((folder / keys[0]).read_bytes())
        key, seen, fields = data
        if key != keys[1] or not isinstance(seen, tuple):
            return None
        for path, sig in seen:
            if signature(path) != sig:
                return None
        return _project(fields, options.environ)
    except (OSError, ValueError, EOFError, TypeError, KeyError, IndexError):
        return None  # missing, torn or of another layout: load it


def store(folder: Path, options: ComposeProjectOptions, project: Project, probes: Probes) -> None:
    """Keep ``project`` (best effort: a cache that cannot be written is no error)."""
    keys = _keys(options)
    if keys is None:
        return
    shell = options.environ
    # the environment's names in order, and the values of those not from the shell
    # (the shell's are the key's, by digest: never stored)
    order = list(project.environment)
    own = {k: v for k, v in project.environment.items() if k not in shell}
    fields: Any = (
        project.name,
        project.working_dir,
        project.config_files,
        project.model,
        project.all_profiles,
        project.disabled,
        order,
        own,
        project.warnings,
    )
    try:
        data = marshal.dumps((keys[1], tuple(probes.seen.items()), fields), _MARSHAL_VERSION)
    except ValueError:  # a value marshal cannot write (a YAML date): not kept
        return
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = folder / f".{keys[0]}.{os.getpid()}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(temporary, folder / keys[0])
    except OSError:
        return
    if _due(folder):
        prune(folder)


def _due(folder: Path) -> bool:
    """Whether the last prune is older than PRUNE_EVERY (and note this one if so)."""
    stamp = folder / STAMP
    try:
        if time.time() - stamp.stat().st_mtime < PRUNE_EVERY:
            return False
    except OSError:
        pass  # never pruned
    try:
        stamp.touch()
    except OSError:
        return False  # a folder we cannot write to: nothing to prune either
    return True


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as found:
            return [e for e in found if e.name != STAMP and e.is_file(follow_symlinks=False)]
    except OSError:
        return []


def _read(path: str) -> tuple[Any, Any, Any] | None:
    """An entry's key, paths and fields, or None if it is torn or of another layout."""
    try:
        with open(path, "rb") as stream:
            key, seen, fields = marshal.loads(stream.read())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(seen, tuple) or not isinstance(fields, tuple) or not fields:
        return None
    return key, seen, fields


def _dead(seen: tuple[tuple[str, Signature], ...]) -> bool:
    """Whether an entry can never answer again: a file it was made from changed or went.
    (A path it found absent may come and go again: that alone does not end it.)"""
    try:
        return any(sig is not None and signature(path) != sig for path, sig in seen)
    except (TypeError, ValueError):
        return True


def _remove(path: str) -> bool:
    try:
        os.unlink(path)
    except OSError:
        return False
    return True


def prune(folder: Path, now: float | None = None) -> int:
    """Remove the entries that cannot answer, the old ones and the surplus; how many."""
    now = time.time() if now is None else now
    removed = 0
    kept: list[tuple[float, str]] = []
    for entry in _entries(folder):
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue  # removed meanwhile
        if entry.name.startswith("."):  # a temporary being written, or left by a crash
            if age > TEMPORARY_AGE and _remove(entry.path):
                removed += 1
            continue
        data = None if age > MAX_AGE else _read(entry.path)
        if data is None or _dead(data[1]):
            removed += _remove(entry.path)
        else:
            kept.append((now - age, entry.path))
    kept.sort(reverse=True)  # newest first
    for _, path in kept[MAX_ENTRIES:]:
        removed += _remove(path)
    return removed


def forget(folder: Path, project_name: str) -> int:
    """Remove the entries of the project named ``project_name`` (after its ``down``)."""
    removed = 0
    for entry in _entries(folder):
        if entry.name.startswith("."):
            continue
        data = _read(entry.path)
        if data is not None and data[2][0] == project_name:
            removed += _remove(entry.path)
    return removed


def _project(fields: Any, shell: Mapping[str, str]) -> Project:
    from hutch.compose.model import Project

    name, working_dir, files, model, profiles, disabled, order, own, warnings = fields
    # the shell is the one of the key: each name takes its value where it came from
    environment = {k: own[k] if k in own else shell[k] for k in order}
    return Project(
        name=name,
        working_dir=working_dir,
        config_files=files,
        model=model,
        all_profiles=profiles,
        disabled=disabled,
        environment=environment,
        warnings=warnings,
    )
