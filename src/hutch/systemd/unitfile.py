"""systemd's unit-file syntax: sections, assignments, continuation lines, words.

Pure text in, typed values out. The rules are systemd's (systemd.syntax(7)):
lines starting with ``#`` or ``;`` are comments; a line ending in a
backslash continues on the next one (the backslash becomes a space, comment
lines in between are dropped); ``[Section]`` opens a section; ``Key=Value``
is an assignment, both sides stripped. Values are kept raw: only the keys
that take command lines or lists split them into words (``split_words``),
with systemd's quoting and C escapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class UnitSyntaxError(ValueError):
    """A line that is not systemd syntax; ``str()`` names file and line."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line


@dataclass(frozen=True)
class Entry:
    section: str
    key: str
    value: str
    path: str  # the file it came from (a drop-in keeps its own path)
    line: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class UnitFile:
    """One unit file with its drop-ins merged, in file order."""

    path: str
    entries: tuple[Entry, ...] = ()
    sections: tuple[str, ...] = field(default=())  # in order of first appearance

    def has_section(self, section: str) -> bool:
        return section in self.sections

    def in_section(self, section: str) -> list[Entry]:
        return [e for e in self.entries if e.section == section]

    def values(self, section: str, key: str) -> list[str]:
        """Every value of a list key; an empty assignment resets the list (systemd)."""
        out: list[str] = []
        for e in self.entries:
            if e.section == section and e.key == key:
                if e.value == "":
                    out = []
                else:
                    out.append(e.value)
        return out

    def last(self, section: str, key: str) -> str | None:
        """The value of a single-valued key: the last assignment wins."""
        found = None
        for e in self.entries:
            if e.section == section and e.key == key:
                found = e.value
        return found

    def merged(self, other: UnitFile) -> UnitFile:
        """This file with a drop-in's entries after its own."""
        sections = list(self.sections)
        sections += [s for s in other.sections if s not in sections]
        return UnitFile(self.path, self.entries + other.entries, tuple(sections))

    def without(self, section: str) -> UnitFile:
        return UnitFile(
            self.path,
            tuple(e for e in self.entries if e.section != section),
            tuple(s for s in self.sections if s != section),
        )


def parse(text: str, path: str) -> UnitFile:
    """Parse unit-file text; raises UnitSyntaxError naming the file and line."""
    entries: list[Entry] = []
    sections: list[str] = []
    section: str | None = None
    pending = ""  # a continued assignment so far
    pending_line = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if pending:
            if stripped.startswith(("#", ";")):
                continue  # a comment inside a continuation is dropped
            if stripped.endswith("\\"):
                pending += " " + stripped[:-1]
                continue
            stripped, pending = pending + " " + stripped, ""
            line = pending_line
        else:
            if not stripped or stripped.startswith(("#", ";")):
                continue
            line = number
            if stripped.startswith("[") and stripped.endswith("]"):
                section = stripped[1:-1]
                if not section or any(c in section for c in "[]"):
                    raise UnitSyntaxError(path, number, f"invalid section header {stripped!r}")
                if section not in sections:
                    sections.append(section)
                continue
            if stripped.endswith("\\"):
                pending, pending_line = stripped[:-1], number
                continue
        entries.append(_assignment(stripped, section, path, line))
    if pending:
        entries.append(_assignment(pending, section, path, pending_line))
    return UnitFile(path, tuple(entries), tuple(sections))


def _assignment(text: str, section: str | None, path: str, line: int) -> Entry:
    if "=" not in text:
        raise UnitSyntaxError(path, line, f"missing '=' in {text.strip()!r}")
    if section is None:
        raise UnitSyntaxError(path, line, "assignment outside of a section")
    key, value = text.split("=", 1)
    key = key.strip()
    if not key or any(c.isspace() for c in key):
        raise UnitSyntaxError(path, line, f"invalid key {key!r}")
    return Entry(section, key, value.strip(), path, line)


def read(path: Path) -> UnitFile:
    """Read and parse one file (OSError and UnicodeError pass to the caller)."""
    return parse(path.read_text(encoding="utf-8"), str(path))


# --- words: systemd's quoting and escapes ------------------------------------

_SIMPLE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "s": " ",
    "\\": "\\",
    '"': '"',
    "'": "'",
}


def split_words(value: str) -> list[str]:
    """Split a value into words as systemd does for command lines.

    Whitespace separates words; single or double quotes group (a quote opens
    only at the start of a word); backslash escapes are C's (``\\n``,
    ``\\xNN``, ``\\NNN``, ``\\uXXXX``, ``\\UXXXXXXXX``) plus ``\\s``. Raises
    ValueError for an unbalanced quote or a bad escape.
    """
    words: list[str] = []
    i, n = 0, len(value)
    while True:
        while i < n and value[i].isspace():
            i += 1
        if i >= n:
            return words
        word: list[str] = []
        quote = ""
        if value[i] in "\"'":
            quote = value[i]
            i += 1
        while True:
            if i >= n:
                if quote:
                    raise ValueError(f"unbalanced quote in {value!r}")
                break
            c = value[i]
            if quote and c == quote:
                i += 1
                if i < n and not value[i].isspace():
                    raise ValueError(f"a quote must end its word in {value!r}")
                break
            if not quote and c.isspace():
                break
            if c == "\\":
                text, i = _escape(value, i + 1)
                word.append(text)
                continue
            word.append(c)
            i += 1
        words.append("".join(word))


def _escape(value: str, i: int) -> tuple[str, int]:
    if i >= len(value):
        raise ValueError(f"a trailing backslash in {value!r}")
    c = value[i]
    if c in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[c], i + 1
    if c.isspace():
        return c, i + 1  # an escaped separator (Exec lines take "a\\ b" as one word)
    widths = {"x": 2, "u": 4, "U": 8}
    if c in widths:
        digits = value[i + 1 : i + 1 + widths[c]]
        if len(digits) != widths[c] or not _is_hex(digits):
            raise ValueError(f"invalid escape \\{c}{digits} in {value!r}")
        return chr(int(digits, 16)), i + 1 + widths[c]
    if c in "01234567":
        digits = value[i : i + 3]
        if len(digits) != 3 or any(d not in "01234567" for d in digits):
            raise ValueError(f"invalid octal escape in {value!r}")
        return chr(int(digits, 8)), i + 3
    raise ValueError(f"invalid escape \\{c} in {value!r}")


def _is_hex(text: str) -> bool:
    return all(ch in "0123456789abcdefABCDEF" for ch in text)


# Characters a word may hold without quoting on an Exec line. ``%`` and
# ``$`` stay as they are, so specifiers (``%N``, ``%i``) and the unit's
# environment (``$VAR``) work in the generated command, as in Quadlet.
_PLAIN = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,@%+$^~[]{}!?*#"
)


def quote_word(word: str) -> str:
    """One word for an Exec line: as is when plain, else double-quoted and escaped."""
    if word and all(c in _PLAIN for c in word) and not word.startswith(("#", ";")):
        return word
    out = ['"']
    for c in word:
        if c in '\\"':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\x{ord(c):02x}")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def join_words(words: list[str]) -> str:
    return " ".join(quote_word(w) for w in words)
