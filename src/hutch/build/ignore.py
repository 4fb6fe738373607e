"""``.containerignore`` / ``.dockerignore`` files, with Docker's matching rules.

One pattern per line; a line starting with ``#`` is a comment. Patterns are
cleaned like Go's ``path.Clean`` and a leading ``/`` is dropped, so that every
pattern is relative to the build context. ``*``, ``?`` and ``[...]`` match
within one path segment, ``**`` matches any number of segments, and ``\\``
escapes the next character. A pattern that matches a directory matches
everything beneath it. ``!pattern`` is an exception; the last pattern that
matches a path decides.

A walker that meets an excluded directory asks :meth:`IgnoreMatcher.may_contain_included`
whether it must still descend, because an exception may re-include
something beneath it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hutch.api.errors import InvalidArgument

__all__ = ["IgnoreMatcher", "clean_path", "find_ignore_file"]


def clean_path(path: str) -> str:
    """Go's ``path.Clean``: one slash between segments, no ``.``, ``..`` resolved lexically."""
    if not path:
        return "."
    cleaned = posixpath.normpath(path)
    # normpath keeps a leading "//" (POSIX allows it to mean something); Go does not.
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    return cleaned


@dataclass(frozen=True)
class _Pattern:
    text: str
    exception: bool
    regex: re.Pattern[str]
    segments: tuple[str, ...]

    def matches_or_parent(self, path: str, parents: tuple[str, ...]) -> bool:
        if self.regex.fullmatch(path):
            return True
        return any(self.regex.fullmatch(parent) for parent in parents)


@dataclass(frozen=True)
class IgnoreMatcher:
    patterns: tuple[_Pattern, ...]

    @classmethod
    def from_file_text(cls, text: str) -> IgnoreMatcher:
        return cls.from_lines(text.removeprefix("\ufeff").splitlines())

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> IgnoreMatcher:
        patterns = []
        for raw in lines:
            if raw.startswith("#"):
                continue  # only a '#' in the first column starts a comment, as in Docker
            line = raw.strip()
            if not line:
                continue
            exception = line.startswith("!")
            if exception:
                line = line[1:].strip()
                if not line:
                    raise InvalidArgument('ignore file: illegal exception pattern "!"')
            patterns.append(_compile(_clean_pattern(line), exception))
        return cls(tuple(patterns))

    @property
    def has_exceptions(self) -> bool:
        return any(pattern.exception for pattern in self.patterns)

    def matches(self, relpath: str) -> bool:
        """True if ``relpath`` (relative to the context, ``/``-separated) is excluded."""
        path = _clean_relative(relpath)
        if path == ".":
            return False
        parts = path.split("/")
        parents = tuple("/".join(parts[:i]) for i in range(1, len(parts)))
        excluded = False
        for pattern in self.patterns:
            # A pattern can only change the verdict if it points the other way.
            if pattern.exception != excluded:
                continue
            if pattern.matches_or_parent(path, parents):
                excluded = not pattern.exception
        return excluded

    def may_contain_included(self, dirpath: str) -> bool:
        """Whether an exception could re-include something at or below ``dirpath``.

        Conservative: True may send a walker into a directory that holds
        nothing included, but False is only said when no exception can match.
        """
        path = _clean_relative(dirpath)
        segments = () if path == "." else tuple(path.split("/"))
        return any(
            pattern.exception and _could_match_below(pattern.segments, segments)
            for pattern in self.patterns
        )


def find_ignore_file(context_dir: Path, containerfile_name: str) -> Path | None:
    """The ignore file for a build, or None.

    ``<Containerfile>.containerignore`` or ``<Containerfile>.dockerignore``
    next to the Containerfile wins (as BuildKit does for Dockerfiles); then
    ``.containerignore`` and ``.dockerignore`` at the top of the context.
    """
    containerfile = Path(containerfile_name)
    if not containerfile.is_absolute():
        containerfile = context_dir / containerfile
    candidates = [
        containerfile.with_name(containerfile.name + ".containerignore"),
        containerfile.with_name(containerfile.name + ".dockerignore"),
        context_dir / ".containerignore",
        context_dir / ".dockerignore",
    ]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None


def _clean_pattern(pattern: str) -> str:
    cleaned = clean_path(pattern)
    if len(cleaned) > 1 and cleaned.startswith("/"):
        cleaned = cleaned[1:]
    return cleaned


def _clean_relative(path: str) -> str:
    cleaned = clean_path(path).lstrip("/")
    return cleaned or "."


def _compile(text: str, exception: bool) -> _Pattern:
    try:
        regex = re.compile(_translate(text))
        segments = tuple(text.split("/"))
        for segment in segments:
            re.compile(_translate(segment))
    except (ValueError, re.error) as exc:
        raise InvalidArgument(f"ignore file: bad pattern {text!r}: {exc}") from None
    return _Pattern(text=text, exception=exception, regex=regex, segments=segments)


def _translate(pattern: str) -> str:
    """A pattern as an anchored regular expression (used with fullmatch)."""
    out: list[str] = []
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i):
                out.append("(?:.*/)?")  # "**/" may also match no directory at all
                i += 1
            else:
                out.append(".*")
            continue
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            end = _class_end(pattern, i)
            out.append(_translate_class(pattern[i + 1 : end]))
            i = end
        elif ch == "\\":
            if i + 1 >= n:
                raise ValueError("trailing backslash")
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def _class_end(pattern: str, start: int) -> int:
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
            continue
        if pattern[i] == "]" and i > start + 1:
            return i
        i += 1
    raise ValueError("unterminated character class")


def _translate_class(body: str) -> str:
    negate = body.startswith("^")
    if negate:
        body = body[1:]
    if not body:
        raise ValueError("empty character class")
    chars: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            i += 1
            chars.append(re.escape(body[i]))
        elif ch == "-" and chars and i + 1 < len(body):
            chars.append("-")
        else:
            chars.append(re.escape(ch))
        i += 1
    # A class never matches the separator, as in Go's filepath.Match.
    return f"[^/{''.join(chars)}]" if negate else f"(?!/)[{''.join(chars)}]"


def _could_match_below(pattern: tuple[str, ...], directory: tuple[str, ...]) -> bool:
    for index, segment in enumerate(pattern):
        if index == len(directory) or "**" in segment:
            return True  # the rest of the pattern may match beneath the directory
        if not re.fullmatch(_translate(segment), directory[index]):
            return False
    # The whole pattern matched the directory or one of its parents.
    return True
