"""Which file and line a key path of the merged model came from."""

from __future__ import annotations

from dataclasses import dataclass

from hutch.compose.errors import ComposeError, KeyPath
from hutch.compose.yamlload import Document


@dataclass(frozen=True)
class Locator:
    docs: tuple[Document, ...]

    def find(self, path: KeyPath) -> tuple[str | None, int | None]:
        """The file with the longest known prefix of ``path`` (the last such file wins)."""
        best: tuple[int, str | None, int | None] = (-1, None, None)
        for doc in self.docs:
            for end in range(len(path), -1, -1):
                line = doc.lines.get(path[:end])
                if line is not None:
                    if end >= best[0]:
                        best = (end, doc.file, line)
                    break
        return best[1], best[2]

    def error(self, message: str, path: KeyPath, hint: str | None = None) -> ComposeError:
        file, line = self.find(path)
        return ComposeError(message, file=file, line=line, path=path, hint=hint)
