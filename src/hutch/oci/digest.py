"""Content digests (``algorithm:hex``) as the OCI image spec defines them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hutch.api.errors import InvalidArgument

_DIGEST_RE = re.compile(r"^(?P<alg>[a-z0-9]+(?:[+._-][a-z0-9]+)*):(?P<hex>[a-zA-Z0-9=_-]+)$")
_HEX_LEN = {"sha256": 64, "sha512": 128}


@dataclass(frozen=True, order=True)
class Digest:
    algorithm: str
    hex: str

    def __str__(self) -> str:
        return f"{self.algorithm}:{self.hex}"

    @property
    def short(self) -> str:
        return self.hex[:12]


def parse_digest(text: str) -> Digest:
    """Parse and validate ``sha256:<64 hex>`` (or sha512); anything else is refused."""
    match = _DIGEST_RE.match(text)
    if not match:
        raise InvalidArgument(f"invalid digest {text!r}: expected ALGORITHM:HEX")
    alg, hexpart = match["alg"], match["hex"]
    expected = _HEX_LEN.get(alg)
    if expected is None:
        raise InvalidArgument(f"invalid digest {text!r}: unsupported algorithm {alg!r}")
    if len(hexpart) != expected or not re.fullmatch(r"[0-9a-f]+", hexpart):
        raise InvalidArgument(
            f"invalid digest {text!r}: {alg} needs {expected} lowercase hex digits"
        )
    return Digest(alg, hexpart)


def sha256_of(data: bytes) -> Digest:
    from hutch.util.sha256 import hexdigest  # OpenSSL's for bulk data only (its comment)

    return Digest("sha256", hexdigest(data))
