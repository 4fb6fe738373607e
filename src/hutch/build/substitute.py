"""Variable substitution in Containerfile words, as Docker's shell-word lexer does it.

The parser never substitutes: the builder calls :func:`substitute` (one word,
spaces kept) or :func:`expand_words` (split into words, as for EXPOSE) step by
step with the ARG and ENV values in force at that step. Quotes are removed the
way a shell would, but nothing but variables is expanded: no command
substitution, no globbing, no arithmetic.

:func:`split_raw` is the other half: it splits an argument list into words
without touching quotes or escapes, which is how ENV, LABEL and ARG find their
``key=value`` words before anything is substituted.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from hutch.api.errors import InvalidArgument

__all__ = ["check_word", "expand_words", "split_raw", "substitute"]


def substitute(
    word: str,
    env: Mapping[str, str],
    *,
    filename: str = "Containerfile",
    line: int = 0,
    escape: str = "\\",
) -> str:
    """Expand variables in ``word`` and remove its quotes, keeping spaces as they are."""
    lexer = _Lexer(word, env, escape, f"{filename}:{line}", check_only=False)
    return lexer.process_word()


def expand_words(
    text: str,
    env: Mapping[str, str],
    *,
    filename: str = "Containerfile",
    line: int = 0,
    escape: str = "\\",
) -> tuple[str, ...]:
    """Split ``text`` into shell words, expanding variables and removing quotes.

    Unquoted expansions are split on whitespace, quoted ones are not, and an
    empty quoted string is a word of its own, as in a shell.
    """
    lexer = _Lexer(text, env, escape, f"{filename}:{line}", check_only=False)
    return lexer.process_words()


def check_word(word: str, *, filename: str, line: int, escape: str = "\\") -> None:
    """Raise InvalidArgument if ``word`` could never be substituted (bad quoting, bad ``${}``).

    Used by the parser so that such mistakes are reported before any build
    step runs; ``${VAR:?msg}`` is not evaluated here since no value is known.
    """
    _Lexer(word, {}, escape, f"{filename}:{line}", check_only=True).process_word()


def split_raw(text: str, escape: str = "\\") -> tuple[str, ...]:
    """Split on whitespace outside quotes, keeping quotes and escapes in the words."""
    words: list[str] = []
    current: list[str] = []
    in_word = False
    quote = ""
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
            elif ch == escape and quote != "'" and i + 1 < n:
                current.append(ch)
                i += 1
                ch = text[i]
            current.append(ch)
        elif ch.isspace():
            if in_word:
                words.append("".join(current))
                current = []
                in_word = False
        else:
            in_word = True
            if ch in "'\"":
                quote = ch
            elif ch == escape:
                if i + 1 == n:
                    # A lone escape at the end of the line is dropped, as Docker does.
                    i += 1
                    continue
                current.append(ch)
                i += 1
                ch = text[i]
            current.append(ch)
        i += 1
    if in_word:
        words.append("".join(current))
    return tuple(words)


_NAME_START = re.compile(r"[A-Za-z_]")
_NAME_CHAR = re.compile(r"[A-Za-z0-9_]")


@dataclass
class _Words:
    """Accumulates words: unquoted blanks split, quoted text never does."""

    words: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    in_word: bool = False

    def blank(self) -> None:
        if self.in_word:
            self.words.append("".join(self.current))
            self.current = []
            self.in_word = False

    def add_raw(self, text: str) -> None:
        self.current.append(text)
        self.in_word = True

    def add_split(self, text: str) -> None:
        for ch in text:
            if ch.isspace():
                self.blank()
            else:
                self.add_raw(ch)

    def finish(self) -> tuple[str, ...]:
        self.blank()
        return tuple(self.words)


class _Lexer:
    def __init__(
        self, text: str, env: Mapping[str, str], escape: str, where: str, *, check_only: bool
    ) -> None:
        self.text = text
        self.pos = 0
        self.env = env
        self.escape = escape
        self.where = where
        self.check_only = check_only

    def error(self, message: str) -> InvalidArgument:
        return InvalidArgument(f"{self.where}: {message}")

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def next(self) -> str:
        ch = self.peek()
        self.pos += 1
        return ch

    def process_word(self) -> str:
        words = _Words()
        result, _ = self.process(words, stop="")
        return result

    def process_words(self) -> tuple[str, ...]:
        words = _Words()
        self.process(words, stop="")
        return words.finish()

    def process(self, words: _Words, stop: str) -> tuple[str, bool]:
        """Process up to ``stop`` (consumed) or the end; return the text and if stop was seen."""
        out: list[str] = []
        while self.pos < len(self.text):
            ch = self.peek()
            if stop and ch == stop:
                self.pos += 1
                return "".join(out), True
            if ch == "'":
                text = self.single_quoted()
                words.add_raw(text)
            elif ch == '"':
                text = self.double_quoted()
                words.add_raw(text)
            elif ch == "$":
                text = self.dollar()
                words.add_split(text)
            elif ch == self.escape:
                self.pos += 1
                if self.pos >= len(self.text):
                    break  # a trailing escape is dropped
                text = self.next()
                words.add_raw(text)
            else:
                self.pos += 1
                text = ch
                if ch.isspace():
                    words.blank()
                else:
                    words.add_raw(ch)
            out.append(text)
        return "".join(out), False

    def single_quoted(self) -> str:
        self.pos += 1
        end = self.text.find("'", self.pos)
        if end < 0:
            raise self.error("unexpected end of statement while looking for matching single-quote")
        text = self.text[self.pos : end]
        self.pos = end + 1
        return text

    def double_quoted(self) -> str:
        self.pos += 1
        out: list[str] = []
        while True:
            if self.pos >= len(self.text):
                raise self.error(
                    "unexpected end of statement while looking for matching double-quote"
                )
            ch = self.next()
            if ch == '"':
                return "".join(out)
            if ch == "$":
                self.pos -= 1
                out.append(self.dollar())
            elif ch == self.escape:
                nxt = self.peek()
                if nxt in ('"', "$", self.escape) and nxt:
                    out.append(self.next())
                elif nxt:
                    out.append(ch)
            else:
                out.append(ch)

    def dollar(self) -> str:
        self.pos += 1  # the '$'
        ch = self.peek()
        if ch == "{":
            self.pos += 1
            return self.braced()
        if ch and _NAME_START.match(ch):
            return self.lookup(self.name())
        if ch.isdigit():
            self.pos += 1
            return self.lookup(ch)  # positional parameters are never set
        return "$"

    def name(self) -> str:
        start = self.pos
        while self.pos < len(self.text) and _NAME_CHAR.match(self.text[self.pos]):
            self.pos += 1
        return self.text[start : self.pos]

    def lookup(self, name: str) -> str:
        return self.env.get(name, "")

    def braced(self) -> str:
        ch = self.peek()
        if ch and (_NAME_START.match(ch) or ch.isdigit()):
            name = self.name() if not ch.isdigit() else self.next()
        else:
            raise self.error("bad substitution: '${' must be followed by a variable name")
        op = self.next()
        if op == "}":
            return self.lookup(name)
        if op == "":
            raise self.error(f"missing '}}' after '${{{name}'")
        colon = False
        if op == ":":
            colon = True
            op = self.next()
            if op not in ("-", "+", "?"):
                raise self.error(f"unsupported modifier ':{op}' in '${{{name}...}}'")
        elif op in ("#", "%"):
            if self.peek() == op:
                self.pos += 1
                op += op
        elif op not in ("-", "+", "?"):
            raise self.error(f"unsupported modifier '{op}' in '${{{name}...}}'")
        word, closed = self.process(_Words(), stop="}")
        if not closed:
            raise self.error(f"missing '}}' after '${{{name}'")
        return self.apply(name, op, colon, word)

    def apply(self, name: str, op: str, colon: bool, word: str) -> str:
        is_set = name in self.env
        value = self.env.get(name, "")
        present = is_set and (value != "" or not colon)
        if op == "-":
            return value if present else word
        if op == "+":
            return word if present else ""
        if op == "?":
            if present or self.check_only:
                return value
            if word:
                raise self.error(f"{name}: {word}")
            qualifier = "empty or unset" if colon else "unset"
            raise self.error(f"{name}: is not allowed to be {qualifier}")
        return _remove_pattern(value, op, word)


def _remove_pattern(value: str, op: str, pattern: str) -> str:
    """``${v#p}`` ``${v##p}`` ``${v%p}`` ``${v%%p}``: strip a shell pattern from one end."""
    regex = re.compile(fnmatch.translate(pattern))
    cuts = range(len(value) + 1)
    if op in ("#", "##"):
        order = cuts if op == "#" else reversed(cuts)
        for i in order:
            if regex.match(value[:i]):
                return value[i:]
        return value
    order = reversed(cuts) if op == "%" else cuts
    for i in order:
        if regex.match(value[i:]):
            return value[:i]
    return value
