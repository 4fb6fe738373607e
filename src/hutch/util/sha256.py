"""SHA-256 of the small things hutch hashes (cache keys, configs, manifests) without
OpenSSL.

hashlib's sha256 is OpenSSL's, and loading it costs about 12 M instructions (2 to
3 ms) that a command hashing a few hundred bytes never earns back: a cached build
hashed its step keys and its config with it. The interpreter's own module (``_sha256``,
``_sha2`` from Python 3.12) gives the same digest; OpenSSL's stays for bulk data
(``BULK`` bytes or more: a big file of a COPY, a blob), where it is the faster.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from collections.abc import Callable
    from hashlib import _Hash

BULK = 1 << 20  # from this many bytes on, OpenSSL's sha256 is worth its loading


def sha256(data: bytes = b"") -> _Hash:
    """A sha256 object that has hashed ``data`` (more may follow with ``update``):
    OpenSSL's for ``BULK`` bytes or more, else the interpreter's own."""
    if len(data) >= BULK:
        return bulk_sha256(data)
    return _builtin()(data)


def bulk_sha256(data: bytes = b"") -> _Hash:
    """OpenSSL's sha256, for a caller about to hash a lot (a big file)."""
    import hashlib

    return hashlib.sha256(data)


def hexdigest(data: bytes) -> str:
    return sha256(data).hexdigest()


def _builtin() -> Callable[[bytes], _Hash]:
    for name in ("_sha2", "_sha256"):  # Python 3.12 on: _sha2
        try:
            module = __import__(name)
        except ImportError:
            continue
        found: Callable[[bytes], _Hash] = module.sha256
        return found
    import hashlib  # pragma: no cover - an interpreter built without them

    return hashlib.sha256  # pragma: no cover
