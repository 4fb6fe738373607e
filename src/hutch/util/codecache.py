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

Installing the hook costs nothing when no dataclass is defined: importing
``dataclasses`` pulls in ``inspect``, ``re`` and ``ast`` (about 20 ms), which
``hutch --version``, ``--help`` and the start-up fast path never need. So
``install`` patches the module when it is imported (util/onimport.py).
"""

from __future__ import annotations

import marshal
import os
import sys
from types import CodeType, ModuleType

# Not ``typing.TYPE_CHECKING``: importing ``typing`` costs every command ~5 ms,
# and mypy takes any constant of that name the same way.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

_LIMIT = 4096  # entries; past it only the entries this process used are kept
# The file: MAGIC, the index's length (4 bytes, little-endian), the index
# (marshal: key -> offset << 32 | length in the entries), then the entries,
# each ``marshal.dumps((source text, code))``.
_MAGIC = b"HCC3"
_LENGTH_BYTES = 4


def _key(data: bytes) -> int:
    """A 64-bit key of the source text (two checksums); the text itself is compared
    at each hit, so two texts with the same key only cost a compile."""
    import zlib  # here: ``hutch --version`` defines no dataclass and never needs it

    return (zlib.crc32(data) << 32) | zlib.adler32(data)


class CodeCache:
    """Compiled code by source text, loaded from and saved to one file.

    The file is mapped (``_mapped``), and only its small index is unmarshalled:
    the CLI's file holds every class of every command (about 3,000 entries,
    4 MB), of which one command uses a few hundred. Unmarshalling the old
    format (one dict of text -> code) took 12 ms of each start, hashing the
    1.3 MB of keys included; the index and the entries a command uses take 2
    (reading the file whole was 1 of those; mapped it is about 0.1).
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._index: dict[int, int] = {}
        self._entries: memoryview = memoryview(b"")
        self._new: dict[int, bytes] = {}  # entries compiled by this process
        self._used: set[int] = set()
        self.added = 0
        self.hits = 0
        self.closed = False
        self.loaded = False

    def load(self) -> None:
        self.loaded = True
        try:
            raw = _mapped(self.path)
            if raw[: len(_MAGIC)] != _MAGIC:
                return
            size = int.from_bytes(raw[len(_MAGIC) : len(_MAGIC) + _LENGTH_BYTES], "little")
            start = len(_MAGIC) + _LENGTH_BYTES
            index = marshal.loads(raw[start : start + size])
        except (OSError, EOFError, ValueError, TypeError):
            return
        if isinstance(index, dict):
            self._index = index
            self._entries = raw[start + size :]

    def _entry(self, key: int) -> bytes | memoryview | None:
        found = self._new.get(key)
        if found is not None:
            return found
        where = self._index.get(key)
        if not isinstance(where, int):
            return None
        offset, length = where >> 32, where & 0xFFFFFFFF
        return self._entries[offset : offset + length]

    def compile(self, text: str) -> CodeType:
        if not self.loaded:
            self.load()  # at the first dataclass: ``hutch --help`` may never need it
        key = _key(text.encode("utf-8", "surrogatepass"))
        entry = self._entry(key)
        if entry is not None:
            try:
                stored, code = marshal.loads(entry)
            except (EOFError, ValueError, TypeError):
                stored, code = None, None
            if stored == text and isinstance(code, CodeType):
                self.hits += 1
                self._used.add(key)
                return code
        # dont_inherit: this module's ``from __future__ import annotations``
        # must not turn the generated annotations into strings.
        code = compile(text, "<string>", "exec", dont_inherit=True)
        if not self.closed:
            self._new[key] = marshal.dumps((text, code))
            self._used.add(key)
            self.added += 1
        return code

    def texts(self) -> set[str]:
        """Every source text the cache holds (tests; the file's and this process's)."""
        if not self.loaded and not self.closed:
            self.load()
        found = set()
        for key in {*self._index, *self._new}:
            entry = self._entry(key)
            if entry is not None:
                found.add(marshal.loads(entry)[0])
        return found

    def release(self) -> None:
        """Save, then unmap the file until the next class needs it: for a long-lived
        process between its bursts of imports (the API service when no request is in
        progress). The pages a command touched stay resident while mapped and count
        in the process's memory (about 2 MB of the service's, idle); a later class
        maps the file again (its index, 1 to 2 ms, only when a new module loads).

        A thread that is compiling meanwhile sees an empty index or entries: it
        compiles the text itself, as for any entry the file does not hold."""
        if not self.loaded or self.closed:
            return
        self.save()
        if not self.added:  # saved: the file holds them now
            self._new = {}
        self._index, self._entries = {}, memoryview(b"")
        self.loaded = False

    def close(self) -> None:
        """Save, then free the entries: for a long-lived process whose imports are done."""
        self.save()
        self._index, self._entries, self._new, self._used = {}, memoryview(b""), {}, set()
        self.closed = True

    def save(self) -> None:
        """Write the file if this process compiled anything new (atomically)."""
        if not self.added or self.closed:
            return
        # a snapshot (one C-level copy): a thread of the API service may add entries
        keys = [*self._index, *(k for k in list(self._new) if k not in self._index)]
        if len(keys) > _LIMIT:
            keys = [k for k in keys if k in self._used]
        index: dict[int, int] = {}
        parts: list[bytes] = []
        offset = 0
        for key in keys:
            entry = self._entry(key)
            if entry is None:
                continue
            data = bytes(entry)
            index[key] = (offset << 32) | len(data)
            parts.append(data)
            offset += len(data)
        head = marshal.dumps(index)
        from pathlib import Path

        from hutch.util.atomic import write_atomic

        try:
            os.makedirs(os.path.dirname(self.path), mode=0o700, exist_ok=True)
            size = len(head).to_bytes(_LENGTH_BYTES, "little")
            content = b"".join((_MAGIC, size, head, *parts))
            # no fsync: a file a crash leaves short or empty only costs the compiles
            # (load and compile check every part), and the API service saves while
            # it serves (``release``)
            write_atomic(Path(self.path), content, mode=0o600, durable=False)
        except OSError:
            return
        self.added = 0


def _mapped(path: str) -> memoryview:
    """The file's bytes, mapped rather than read: a command uses a few hundred of its
    entries, and reading the whole file (2 to 4 MB) cost about 1 ms of each start.
    The file is only ever replaced (save renames a new one over it), never written
    in place, so the mapping stays whole while this process reads it."""
    import mmap

    with open(path, "rb") as f:
        return memoryview(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))


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

    from hutch.util.onimport import when_imported

    cache = CodeCache(path)
    hook = make_exec(cache)
    # dataclasses imports inspect (with ast, dis and tokenize: about 4 ms of every
    # command) for one name on 3.10 and 3.11, ``signature``, which _QuickSignature
    # answers itself: while it loads, it gets a stand-in, which imports inspect at the
    # first name read from it (3.12's get_annotations).
    when_imported(
        "dataclasses",
        lambda dataclasses: _patch(dataclasses, hook),
        {"inspect": lambda: _InspectOnUse("inspect")},
    )
    atexit.register(cache.save)
    return cache


def _patch(dataclasses: ModuleType, hook: Callable[..., None]) -> None:
    # A global of the module shadows the builtin for the module's own calls.
    dataclasses.exec = hook  # type: ignore[attr-defined]
    # and the methods are compiled (through the hook) only when first used
    from hutch.util import deferred_methods

    deferred_methods.install(dataclasses)
    inspect = getattr(dataclasses, "inspect", None)
    if inspect is not None and not isinstance(inspect, _QuickSignature):
        dataclasses.inspect = _QuickSignature(inspect, dataclasses)  # type: ignore[attr-defined]


class _QuickSignature:
    """``inspect`` as ``dataclasses`` sees it, with a cheaper ``signature``.

    For a class without a docstring, ``dataclasses`` (3.10 to 3.13) writes one
    from ``inspect.signature(cls)``: "Point(x: 'int', y: 'int' = 2)". That is
    its one use of ``signature``, and it costs about 0.05 ms a class, some 7 to
    12 ms of every command (``hutch create`` defines 230 dataclasses). Here the
    text is made from the fields the class already has: "Point(x, y=2)". Every
    other name (``get_annotations`` on 3.12+) is the real module's.
    """

    def __init__(self, inspect: ModuleType, dataclasses: ModuleType) -> None:
        self._inspect = inspect
        # its markers: a field without a default, and a real field (not a ClassVar)
        self._missing = getattr(dataclasses, "MISSING", None)
        self._field = getattr(dataclasses, "_FIELD", None)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inspect, name)

    def signature(self, cls: Any) -> str:
        fields = getattr(cls, "__dataclass_fields__", None)
        if not isinstance(fields, dict):
            return str(self._inspect.signature(cls))
        words = []
        for name, f in fields.items():
            if not getattr(f, "init", False) or getattr(f, "_field_type", None) is not self._field:
                continue
            default = getattr(f, "default", self._missing)
            if default is self._missing:
                words.append(name)
                continue
            try:
                words.append(f"{name}={default!r}")
            except Exception:  # a repr that fails must not fail the class
                words.append(name)
        return f"({', '.join(words)})"


class _InspectOnUse(ModuleType):
    """``inspect`` as ``dataclasses`` imports it: the real module, at the first name read."""

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get("inspect") is self:  # read while dataclasses still loads
            del sys.modules["inspect"]
        import inspect

        return getattr(inspect, name)
