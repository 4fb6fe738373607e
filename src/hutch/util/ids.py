"""Identifiers: 64-hex ids, short forms, and container names."""

from __future__ import annotations

import re
import secrets

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


def new_id() -> str:
    """A random 64-hex-digit id, as podman gives containers."""
    return secrets.token_hex(32)


def short_id(full: str) -> str:
    """The 12-character form shown in tables."""
    return full.removeprefix("sha256:")[:12]


def random_name() -> str:
    """A readable name for a container the user did not name."""
    return f"{secrets.choice(_ADJECTIVES)}_{secrets.choice(_NOUNS)}{secrets.randbelow(1000)}"


def valid_name(name: str) -> bool:
    """Whether ``name`` follows Docker's container-name grammar."""
    return bool(_NAME_RE.match(name))
