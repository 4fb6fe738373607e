"""A disk cache for the code that ``dataclasses`` compiles at every start.

On CPython 3.11 the ``@dataclass`` decorator writes the source of
``__init__``, ``__repr__``, ``__eq__``, ``__setattr__``... for each class
and compiles it with ``exec``: about a millisecond per frozen class. A
``hutch run`` defines over a hundred of them, so a tenth of a second of
every command went into compiling the same text again. Python caches the
bytecode of modules in ``__pycache__`` but not this generated code; here
we do the same for it: the compiled code objects are kept by their exact
source text, in one ``marshal`` file per interpreter version under the
user's cache directory.

Keyed by the full source, a cached entry is exactly what ``exec`` of that
text would have produced, so the classes behave the same. The hook
replaces ``dataclasses._create_fn``, a private helper, and is installed
only on the interpreter versions whose helper it reproduces (3.11): on any
other version nothing changes. A missing, unreadable or corrupt cache file
only costs the compile, never a failure.
"""

from __future__ import annotations

import marshal
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from types import CodeType
from typing import Any

from hutch.util.atomic import write_atomic

# Versions whose dataclasses._create_fn this module reproduces line for line.
SUPPORTED = ((3, 11),)
_LIMIT = 4096  # entries; past it the file starts over (old classes pile up)


class CodeCache:
    """Compiled code by source text, loaded from and saved to one file."""

    def __init__(self, path: str) -> None:
        self.path = path
        # Marshalled code by source text: unmarshalled only when asked for,
        # since a process uses a few hundred of the file's entries.
        self.codes: dict[str, bytes] = {}
        self.added = 0
        self.hits = 0
        self.closed = False
        self.loaded = False

    def load(self) -> None:
        self.loaded = True
        try:
            with open(self.path, "rb") as f:
                data = marshal.load(f)
        except (OSError, EOFError, ValueError, TypeError):
            return
        if isinstance(data, dict):
            self.codes = data

    def compile(self, text: str) -> CodeType:
        if not self.loaded:
            self.load()  # at the first dataclass: ``hutch --help`` may never need it
        blob = self.codes.get(text)
        if isinstance(blob, bytes):
            try:
                code = marshal.loads(blob)
            except (EOFError, ValueError, TypeError):
                code = None
            if isinstance(code, CodeType):
                self.hits += 1
                return code
        code = compile(text, "<string>", "exec")
        if not self.closed:
            self.codes[text] = marshal.dumps(code)
            self.added += 1
        return code

    def close(self) -> None:
        """Save, then free the entries: for a long-lived process whose imports are done."""
        self.save()
        self.codes = {}
        self.closed = True

    def save(self) -> None:
        """Write the file if this process compiled anything new (atomically)."""
        if not self.added or self.closed:
            return
        codes = self.codes if len(self.codes) <= _LIMIT else {}
        try:
            os.makedirs(os.path.dirname(self.path), mode=0o700, exist_ok=True)
            write_atomic(Path(self.path), marshal.dumps(codes), mode=0o600)
        except OSError:
            return
        self.added = 0


PROFILE_ENV = "HUTCH_CODE_CACHE_PROFILE"


def default_path(environ: Mapping[str, str] | None = None, release: str = "") -> str | None:
    """``$XDG_CACHE_HOME/hutch/dataclass-code-<version>[-<profile>].bin``, or None.

    A process started with ``HUTCH_CODE_CACHE_PROFILE=monitor`` gets a file of
    its own: the monitor loads only the few entries it uses, not the CLI's.
    """
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):  # unset, or relative: ignored, as config/paths.py does
        base = ""
    if not base:
        home = env.get("HOME") or ""
        if not home:
            return None
        base = os.path.join(home, ".cache")
    version = "-".join(str(part) for part in sys.version_info[:3])
    # The release too: an upgrade starts a fresh file instead of piling new
    # classes onto the old ones' entries.
    tag = f"{sys.implementation.name}-{version}" + (f"-{release}" if release else "")
    profile = env.get(PROFILE_ENV, "")
    suffix = f"-{profile}" if profile.isalnum() else ""
    return os.path.join(base, "hutch", f"dataclass-code-{tag}{suffix}.bin")


def make_create_fn(cache: CodeCache) -> Callable[..., Any]:
    """A ``dataclasses._create_fn`` (3.11) that compiles through ``cache``."""
    import dataclasses

    missing = dataclasses.MISSING

    def _create_fn(  # same signature and text as the standard library's
        name: str,
        args: list[str],
        body: list[str],
        *,
        globals: dict[str, Any] | None = None,
        locals: dict[str, Any] | None = None,
        return_type: Any = missing,
    ) -> Any:
        if locals is None:
            locals = {}
        return_annotation = ""
        if return_type is not missing:
            locals["_return_type"] = return_type
            return_annotation = "->_return_type"
        joined = ",".join(args)
        lines = "\n".join(f"  {b}" for b in body)
        txt = f" def {name}({joined}){return_annotation}:\n{lines}"
        local_vars = ", ".join(locals.keys())
        txt = f"def __create_fn__({local_vars}):\n{txt}\n return {name}"
        ns: dict[str, Any] = {}
        exec(cache.compile(txt), globals, ns)
        return ns["__create_fn__"](**locals)

    return _create_fn


def install(path: str | None = None, release: str = "") -> CodeCache | None:
    """Route dataclass code through a cache at ``path``; None where unsupported."""
    if sys.version_info[:2] not in SUPPORTED or os.environ.get("HUTCH_NO_CODE_CACHE"):
        return None
    path = path or default_path(release=release)
    if path is None:
        return None
    import atexit
    import dataclasses

    if not callable(getattr(dataclasses, "_create_fn", None)):
        return None
    cache = CodeCache(path)
    dataclasses._create_fn = make_create_fn(cache)  # type: ignore[attr-defined]
    atexit.register(cache.save)
    return cache
