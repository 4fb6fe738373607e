"""Kubernetes YAML errors: each names the document and the field path (exit 125)."""

from __future__ import annotations

from hutch.api.errors import InvalidArgument

KeyPath = tuple[str | int, ...]


def format_path(path: KeyPath) -> str:
    """``("spec", "containers", 0, "ports")`` -> ``spec.containers[0].ports``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


class FieldError(ValueError):
    """A field of one object is wrong; the parser adds the file and document."""

    def __init__(self, path: KeyPath, message: str) -> None:
        super().__init__(f"{format_path(path)}: {message}" if path else message)
        self.path = path
        self.message = message


class KubeError(InvalidArgument):
    """``FILE document N: PATH: what is wrong`` (documents count from 1)."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        document: int | None = None,
        path: KeyPath = (),
        hint: str | None = None,
    ) -> None:
        where = ""
        if source is not None:
            where = source + (f" document {document}" if document is not None else "") + ": "
        elif document is not None:
            where = f"document {document}: "
        if path:
            where += f"{format_path(path)}: "
        super().__init__(where + message, hint=hint)
        self.source = source
        self.document = document
        self.path = path
