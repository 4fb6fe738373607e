"""podman's containers.conf(5), read in podman's order for the user, merged key by key.

The chain (containers-config(5), lowest first): for each of /usr/share/containers
and /etc/containers, ``containers.conf``, ``containers.conf.d/*.conf``, then
``containers.rootless.conf.d/*.conf`` and its ``$UID/*.conf`` (``rootful`` for
root); then ``$XDG_CONFIG_HOME/containers/containers.conf`` and its ``.d``.
``CONTAINERS_CONF`` replaces that whole chain with one file. ``--module`` files
and ``CONTAINERS_CONF_OVERRIDE`` come after; config/settings.py places them
against hutch.toml.

Start-up time is a feature (issue 16): Debian's podman installs a 24 kB
/usr/share/containers/containers.conf with a few live keys, and importing the
TOML reader costs more than the rest of ``hutch ps``. So the chain's merged
tables are kept in a small ``marshal`` file under the runtime dir, keyed by each
file's (and each ``.d`` directory's) identity and mtime: a command reads it with
a few ``stat`` calls, and parses only after a file changed. A file with only
comments is never parsed at all.
"""

from __future__ import annotations

import marshal
import os
from dataclasses import dataclass
from pathlib import Path

from hutch.api.errors import InvalidArgument

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
if TYPE_CHECKING:
    from typing import Any

NAME = "containers.conf"
SYSTEM_DIRS = (Path("/usr/share/containers"), Path("/etc/containers"))
MODULES = "containers.conf.modules"
CACHE_NAME = "containers-conf.cache"
_CACHE_VERSION = 1


@dataclass(frozen=True)
class Sources:
    """Where the chain is read from: the system dirs, the user's config home
    (``$XDG_CONFIG_HOME``, ``~/.config``), the uid (rootless or rootful dirs) and
    the environment (``CONTAINERS_CONF``, ``CONTAINERS_CONF_OVERRIDE``)."""

    config_home: Path
    uid: int
    conf: str = ""  # CONTAINERS_CONF
    override: str = ""  # CONTAINERS_CONF_OVERRIDE
    system_dirs: tuple[Path, ...] = SYSTEM_DIRS

    @classmethod
    def from_environ(cls) -> Sources:
        uid = os.getuid()
        if uid == 0 and os.environ.get("HUTCH_ROOTLESS_UID", "").isdigit():
            uid = int(os.environ["HUTCH_ROOTLESS_UID"])  # under hutch unshare
        # config/xdg.py's rule, written with strings: pathlib's joins were a third of
        # the cost of reading the cached chain
        xdg = os.environ.get("XDG_CONFIG_HOME", "")
        home = xdg if os.path.isabs(xdg) else os.path.expanduser("~/.config")
        return cls(
            config_home=Path(f"{home}/containers"),
            uid=uid,
            conf=os.environ.get("CONTAINERS_CONF", ""),
            override=os.environ.get("CONTAINERS_CONF_OVERRIDE", ""),
        )


def chain(sources: Sources) -> tuple[list[Path], list[str]]:
    """The files of the chain that exist, in order, and the ``.d`` directories looked
    at (whose mtime says when a file came or went). Strings inside, as every command
    runs this: a Path only for each file found."""
    if sources.conf:
        if not os.path.isfile(sources.conf):
            raise InvalidArgument(f"CONTAINERS_CONF file: {sources.conf}: no such file")
        return [Path(sources.conf)], []
    kind = "rootful" if sources.uid == 0 else "rootless"
    files: list[str] = []
    dirs: list[str] = []
    for base in map(str, sources.system_dirs):
        if os.path.isfile(f"{base}/{NAME}"):
            files.append(f"{base}/{NAME}")
        _drop_ins(f"{base}/{NAME}.d", files, dirs)
        _drop_ins(f"{base}/containers.{kind}.conf.d", files, dirs)
        if sources.uid:
            _drop_ins(f"{base}/containers.{kind}.conf.d/{sources.uid}", files, dirs)
    home = str(sources.config_home)
    if os.path.isfile(f"{home}/{NAME}"):
        files.append(f"{home}/{NAME}")
    _drop_ins(f"{home}/{NAME}.d", files, dirs)
    return [Path(f) for f in files], dirs


def _drop_ins(directory: str, files: list[str], dirs: list[str]) -> None:
    """``*.conf`` of ``directory`` in byte order (Go's sort.Strings)."""
    try:
        names = sorted(os.listdir(directory))
    except (FileNotFoundError, NotADirectoryError):
        return
    dirs.append(directory)
    for name in names:
        if name.endswith(".conf") and os.path.isfile(f"{directory}/{name}"):
            files.append(f"{directory}/{name}")


def module_dirs(sources: Sources) -> tuple[Path, ...]:
    """Where ``--module NAME`` is looked for, the user's first: theirs override the
    system's (containers.conf(5), MODULES); the user's only for a rootless user."""
    system = tuple(reversed([d / MODULES for d in sources.system_dirs]))
    return ((sources.config_home / MODULES,) if sources.uid else ()) + system


def resolve_module(name: str, sources: Sources) -> Path:
    """An absolute path as it is; a relative one in the module directories."""
    if os.path.isabs(name):
        if not os.path.isfile(name):
            raise InvalidArgument(f'could not resolve module "{name}": no such file')
        return Path(name)
    dirs = module_dirs(sources)
    for directory in dirs:
        if (directory / name).is_file():
            return directory / name
    where = ", ".join(str(d) for d in dirs)
    raise InvalidArgument(f'could not resolve module "{name}": not found in {where}')


def has_keys(data: bytes) -> bool:
    """Whether a file holds anything but blank lines and comments: one that does not
    sets nothing, and is not parsed (nor the TOML reader imported for it)."""
    for line in data.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith(b"#"):
            return True
    return False


def parse(path: Path) -> dict[str, Any]:
    """One file's tables; an unreadable file or bad TOML is an error naming the file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidArgument(f"{path}: {exc.strerror}") from exc
    if not has_keys(data):
        return {}
    from hutch.config import toml

    try:
        return toml.loads(data.decode("utf-8", "replace"))
    except toml.TOMLDecodeError as exc:
        raise InvalidArgument(f"decode configuration {path}: {exc}") from exc


def merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """``top`` over ``base`` key by key, tables recursively; an array replaces the one
    before unless its last item is ``{append=true}`` (containers.conf(5), APPENDING
    TO STRING ARRAYS)."""
    out = dict(base)
    for key, value in top.items():
        before = out.get(key)
        if isinstance(value, dict) and isinstance(before, dict):
            out[key] = merge(before, value)
        elif isinstance(value, list) and value and isinstance(value[-1], dict):
            items = value[:-1]
            append = value[-1].get("append") is True and isinstance(before, list)
            out[key] = [*before, *items] if append and isinstance(before, list) else items
        else:
            out[key] = value
    return out


def merge_files(paths: list[Path]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for path in paths:
        merged = merge(merged, parse(path))
    return merged


def _identity(paths: list[Path] | list[str]) -> list[tuple[str, int, int, int]]:
    out = []
    for path in paths:
        st = os.stat(path)
        out.append((str(path), st.st_ino, st.st_size, st.st_mtime_ns))
    return out


def load_chain(sources: Sources, cache_dir: Path | None) -> dict[str, Any]:
    """The chain's merged tables, from the cache when no file in it changed.

    The cache lives in ``cache_dir`` (the runtime dir, made here when missing, as
    hutch makes it); a failed write costs a parse next time, never an error.
    """
    files, dirs = chain(sources)
    if not files:
        return {}
    try:
        key = (_CACHE_VERSION, _identity(files), _identity(dirs))
    except OSError:  # a file went away since: read what is there now
        return merge_files(files)
    cache = cache_dir / CACHE_NAME if cache_dir is not None else None
    if cache is not None:
        try:
            stored_key, stored = marshal.loads(cache.read_bytes())
            if stored_key == key and isinstance(stored, dict):
                return stored
        except (OSError, ValueError, EOFError, TypeError):
            pass
    merged = merge_files(files)
    if cache is not None:
        _store(cache, key, merged)
    return merged


def _store(cache: Path, key: Any, merged: dict[str, Any]) -> None:
    try:
        blob = marshal.dumps((key, merged))
    except ValueError:  # a TOML date or time: not worth a cache
        return
    tmp = cache.with_name(f".{cache.name}.{os.getpid()}")
    try:
        if not cache.parent.is_dir():
            # the first command of a boot (ps before any run): the runtime dir, as
            # hutch makes it, so that the next command finds the cache
            from hutch.config.paths import ensure_private_dir

            ensure_private_dir(cache.parent)
        tmp.write_bytes(blob)
        os.replace(tmp, cache)
    except OSError:
        tmp.unlink(missing_ok=True)
