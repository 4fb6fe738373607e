"""A report column's header as podman derives it from the field's name."""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from collections.abc import Mapping


def header_of(field: str, headers: Mapping[str, str] | None = None) -> str:
    """A column header as podman derives it: ``CreatedAt`` -> ``CREATED AT``."""
    if headers and field in headers:
        return headers[field]
    words: list[str] = []
    for i, c in enumerate(field):
        nxt = field[i + 1] if i + 1 < len(field) else ""
        prev = field[i - 1] if i else ""
        if i and c.isupper() and (prev.islower() or (nxt.islower() and prev.isupper())):
            words.append(" ")
        words.append(c)
    return "".join(words).upper()
