"""Identifiers: 64-hex ids, short forms, and container names."""

from __future__ import annotations

import os
import re
from collections.abc import Container

_NAME_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")

_ADJECTIVES = (
    "brave",
    "calm",
    "eager",
    "fancy",
    "gentle",
    "happy",
    "jolly",
    "keen",
    "lucid",
    "merry",
    "nimble",
    "proud",
    "quiet",
    "swift",
    "tidy",
    "witty",
)
_NOUNS = (
    "badger",
    "beaver",
    "ferret",
    "hare",
    "hedgehog",
    "marten",
    "mole",
    "otter",
    "rabbit",
    "shrew",
    "stoat",
    "vole",
    "weasel",
    "wren",
    "finch",
    "lark",
)


# os.urandom, not secrets: secrets imports hmac and with it OpenSSL's _hashlib, which
# `run` and `create` loaded for these two functions alone (about 5 ms of each start).


def new_id() -> str:
    """A random 64-hex-digit id, as podman gives containers."""
    return os.urandom(32).hex()


def short_id(full: str) -> str:
    """The 12-character form shown in tables."""
    return full.removeprefix("sha256:")[:12]


def random_name() -> str:
    """A readable name for a container the user did not name."""
    return f"{_ADJECTIVES[_below(len(_ADJECTIVES))]}_{_NOUNS[_below(len(_NOUNS))]}{_below(1000)}"


def _below(n: int) -> int:
    """A uniform random integer in [0, n) from the kernel's random bytes."""
    limit = (1 << 32) - (1 << 32) % n  # drop the remainder's values: no modulo bias
    while True:
        value = int.from_bytes(os.urandom(4), "big")
        if value < limit:
            return value % n


# podman's words for a name that breaks the grammar (its error's own text)
NAME_RULE = "names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*"


def valid_name(name: str) -> bool:
    """Whether ``name`` follows Docker's container-name grammar."""
    return bool(_NAME_RE.match(name))


_CLONE = "-clone"
_GO_INT = re.compile(r"[+-]?[0-9]+")


def clone_name(name: str, taken: Container[str]) -> str:
    """podman's name for a clone of ``name`` (container and pod clone): NAME-clone,
    or, when that is taken or NAME is itself a clone's name (web-clone, web-clone3),
    the first NAME-cloneN not ``taken``, N counting on from the number NAME has."""
    stem = name + _CLONE if name + _CLONE in taken else name
    if _CLONE not in stem:
        return name + _CLONE
    end = stem.index(_CLONE) + len(_CLONE)
    number = 0
    if _GO_INT.fullmatch(stem[end:]):  # Go's strconv.Atoi, as podman reads it
        number, stem = int(stem[end:]), stem[:end]
    number += 1
    while f"{stem}{number}" in taken:
        number += 1
    return f"{stem}{number}"
