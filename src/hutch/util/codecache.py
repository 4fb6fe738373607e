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
text would have produced (compiled without inheriting this module's
``__future__`` flags, as ``exec`` in ``dataclasses`` does), so the classes
behave the same. The one private fact used: ``dataclasses`` compiles its
generated text by calling ``exec`` through a global name lookup (3.10 to 3.12
once per method in ``_create_fn``, 3.13 once per class in ``_FuncBuilder``).
The hook is a module global ``exec`` in ``dataclasses`` that shadows the
builtin; should a version stop calling ``exec`` that way, the hook is simply
never called and every class is compiled as before (only slower). The unit
test checks on each interpreter that the hook is called. A missing,
unreadable or corrupt cache file only costs the compile, never a failure.
Measured (bench, 3.11): importing the engine and the CLI takes 0.11 s with
the cache and 0.15 s without.
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
        # dont_inherit: this module's ``from __future__ import annotations``
        # must not turn the generated annotations into strings.
        code = compile(text, "<string>", "exec", dont_inherit=True)
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


def make_exec(cache: CodeCache) -> Callable[..., None]:
    """An ``exec`` for ``dataclasses`` that compiles source text through ``cache``."""

    def cached_exec(
        source: str | CodeType,
        globals: dict[str, Any] | None = None,
        locals: Mapping[str, object] | None = None,
    ) -> None:
        code = cache.compile(source) if isinstance(source, str) else source
        exec(code, globals, locals)

    return cached_exec


def install(path: str | None = None, release: str = "") -> CodeCache | None:
    """Route dataclass code through a cache at ``path``; None when switched off."""
    if os.environ.get("HUTCH_NO_CODE_CACHE"):
        return None
    path = path or default_path(release=release)
    if path is None:
        return None
    import atexit
    import dataclasses

    cache = CodeCache(path)
    # A global of the module shadows the builtin for the module's own calls.
    dataclasses.exec = make_exec(cache)  # type: ignore[attr-defined]
    atexit.register(cache.save)
    return cache
