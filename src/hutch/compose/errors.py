"""Compose errors: every one names where in which file it comes from."""

from __future__ import annotations

from hutch.api.errors import InvalidArgument

KeyPath = tuple[str | int, ...]


def format_path(path: KeyPath) -> str:
    """``("services", "web", "ports", 0)`` -> ``services.web.ports[0]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


class ComposeError(InvalidArgument):
    """Bad compose input: ``FILE:LINE: KEY.PATH: what is wrong`` (exit 125)."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        path: KeyPath = (),
        hint: str | None = None,
    ) -> None:
        where = ""
        if file is not None:
            where = f"{file}:{line}: " if line is not None else f"{file}: "
        if path:
            where += f"{format_path(path)}: "
        super().__init__(where + message, hint=hint)
        self.file = file
        self.line = line
        self.path = path
