"""The lexer of Go's text/template: text and the items inside ``{{ }}``.

It follows Go's ``text/template/parse/lex.go``: trim markers are ``{{- `` and
`` -}}`` (the dash must touch the delimiter and be followed, or preceded, by a
space), a comment ``/* */`` must touch its delimiters, and newlines are allowed
inside actions.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

LEFT, RIGHT = "{{", "}}"
_SPACE = " \t\r\n"
_KEYWORDS = {
    "block",
    "break",
    "continue",
    "define",
    "else",
    "end",
    "if",
    "range",
    "nil",
    "template",
    "with",
}


class Kind(enum.Enum):
    TEXT = "text"
    LEFT = "{{"
    RIGHT = "}}"
    SPACE = "space"
    FIELD = "field"
    VARIABLE = "variable"
    IDENTIFIER = "identifier"
    KEYWORD = "keyword"
    STRING = "string"
    RAW_STRING = "raw string"
    CHAR = "char constant"
    NUMBER = "number"
    BOOL = "bool"
    DOT = "."
    DECLARE = ":="
    ASSIGN = "="
    PIPE = "|"
    CHAR_OTHER = "char"
    ERROR = "error"
    LPAREN = "("
    RPAREN = ")"
    COMMA = ","
    EOF = "EOF"


@dataclass(frozen=True)
class Item:
    kind: Kind
    value: str
    pos: int  # byte offset in the template text, for error positions
    line: int


def _is_alnum(c: str) -> bool:
    return c == "_" or c.isalnum()


class _Lexer:
    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self.pos = 0
        self.items: list[Item] = []
        self.parens = 0
        self.action_start = 0

    def line_at(self, pos: int) -> int:
        return 1 + self.text.count("\n", 0, pos)

    def fail(self, msg: str, pos: int | None = None) -> _LexError:
        at = self.pos if pos is None else pos
        return _LexError(Item(Kind.ERROR, msg, at, self.line_at(at)))

    def emit(self, kind: Kind, start: int, end: int) -> None:
        self.items.append(Item(kind, self.text[start:end], start, self.line_at(start)))

    def run(self) -> list[Item]:
        try:
            return self._run()
        except _LexError as e:
            self.items.append(e.item)
            self.items.append(Item(Kind.EOF, "", len(self.text), e.item.line))
            return self.items

    def _run(self) -> list[Item]:
        text = self.text
        while True:
            i = text.find(LEFT, self.pos)
            if i < 0:
                if self.pos < len(text):
                    self.emit(Kind.TEXT, self.pos, len(text))
                self.items.append(Item(Kind.EOF, "", len(text), self.line_at(len(text))))
                return self.items
            end = i
            trim_left = text.startswith("- ", i + 2) or (
                text.startswith("-", i + 2) and i + 3 < len(text) and text[i + 3] in _SPACE
            )
            if trim_left:
                end = len(text[:i].rstrip(_SPACE))
            if end > self.pos:
                self.emit(Kind.TEXT, self.pos, end)
            self.pos = i + 2 + (2 if trim_left else 0)
            if text.startswith("/*", self.pos):
                self._comment(i)
                continue
            self.emit(Kind.LEFT, i, i + 2)
            self.action_start = i
            self.parens = 0
            self._inside()

    def _at_right(self) -> tuple[bool, bool]:
        """(at a right delimiter, with a trim marker) at self.pos."""
        text, p = self.text, self.pos
        if text.startswith(RIGHT, p):
            return True, False
        if p < len(text) and text[p] in _SPACE and text.startswith("-" + RIGHT, p + 1):
            return True, True
        return False, False

    def _comment(self, left: int) -> None:
        end = self.text.find("*/", self.pos + 2)
        if end < 0:
            raise self.fail("unclosed comment", left)
        self.pos = end + 2
        at, trim = self._at_right()
        if not at:
            raise self.fail("comment ends before closing delimiter", left)
        self.pos += 4 if trim else 2
        if trim:
            rest = self.text[self.pos :]
            self.pos += len(rest) - len(rest.lstrip(_SPACE))

    def _inside(self) -> None:
        text = self.text
        while True:
            at, trim = self._at_right()
            if at:
                if self.parens:
                    raise self.fail("unclosed left paren")
                if trim:
                    self.emit(Kind.RIGHT, self.pos + 2, self.pos + 4)
                    self.pos += 4
                    rest = text[self.pos :]
                    self.pos += len(rest) - len(rest.lstrip(_SPACE))
                else:
                    self.emit(Kind.RIGHT, self.pos, self.pos + 2)
                    self.pos += 2
                return
            if self.pos >= len(text):
                raise self.fail("unclosed action", self.action_start)
            c = text[self.pos]
            start = self.pos
            if c in _SPACE:
                while self.pos < len(text) and text[self.pos] in _SPACE:
                    if self._at_right()[0] and self._at_right()[1]:
                        break
                    self.pos += 1
                if self.pos > start:
                    self.emit(Kind.SPACE, start, self.pos)
            elif c == "=":
                self.pos += 1
                self.emit(Kind.ASSIGN, start, self.pos)
            elif c == ":":
                if not text.startswith(":=", start):
                    raise self.fail("expected :=")
                self.pos += 2
                self.emit(Kind.DECLARE, start, self.pos)
            elif c == "|":
                self.pos += 1
                self.emit(Kind.PIPE, start, self.pos)
            elif c == '"':
                self._quoted(start, '"', Kind.STRING, "unterminated quoted string")
            elif c == "`":
                end = text.find("`", start + 1)
                if end < 0:
                    raise self.fail("unterminated raw quoted string")
                self.pos = end + 1
                self.emit(Kind.RAW_STRING, start, self.pos)
            elif c == "'":
                self._quoted(start, "'", Kind.CHAR, "unterminated character constant")
            elif c == "$":
                self.pos += 1
                self._word()
                self.emit(Kind.VARIABLE, start, self.pos)
                self._check_terminator()
            elif c == ".":
                nxt = text[start + 1 : start + 2]
                if nxt.isdigit():
                    self._number(start)
                else:
                    self.pos += 1
                    self._word()
                    self.emit(Kind.FIELD if self.pos > start + 1 else Kind.DOT, start, self.pos)
                    if self.pos > start + 1:
                        self._check_terminator()
            elif c in "+-" or c.isdigit():
                self._number(start)
            elif _is_alnum(c):
                self._word()
                word = text[start : self.pos]
                kind = Kind.IDENTIFIER
                if word in _KEYWORDS:
                    kind = Kind.KEYWORD
                elif word in ("true", "false"):
                    kind = Kind.BOOL
                self.emit(kind, start, self.pos)
                self._check_terminator()
            elif c == "(":
                self.parens += 1
                self.pos += 1
                self.emit(Kind.LPAREN, start, self.pos)
            elif c == ")":
                self.parens -= 1
                self.pos += 1
                self.emit(Kind.RPAREN, start, self.pos)
                if self.parens < 0:
                    raise self.fail(f"unexpected right paren {_unicode(c)}")
            elif c == ",":
                self.pos += 1
                self.emit(Kind.COMMA, start, self.pos)
            elif c.isascii() and c.isprintable():
                self.pos += 1
                self.emit(Kind.CHAR_OTHER, start, self.pos)
            else:
                raise self.fail(f"unrecognized character in action: {_unicode(c)}")

    def _word(self) -> None:
        while self.pos < len(self.text) and _is_alnum(self.text[self.pos]):
            self.pos += 1

    def _check_terminator(self) -> None:
        if self.pos >= len(self.text):
            return
        c = self.text[self.pos]
        if c in _SPACE + ".,|:)(=" or self.text.startswith(RIGHT, self.pos):
            return
        raise self.fail(f"bad character {_unicode(c)}")

    def _quoted(self, start: int, close: str, kind: Kind, unterminated: str) -> None:
        """A "string" or 'c' constant: up to the unescaped closing quote, on one line."""
        p = start + 1
        text = self.text
        while True:
            if p >= len(text) or text[p] == "\n":
                raise self.fail(unterminated)
            if text[p] == "\\":
                p += 2
                continue
            if text[p] == close:
                break
            p += 1
        self.pos = p + 1
        self.emit(kind, start, self.pos)

    def _number(self, start: int) -> None:
        text = self.text
        p = start
        if text[p] in "+-":
            p += 1
        hexa = text[p : p + 2].lower() == "0x"
        while p < len(text):
            c = text[p]
            exponent_sign = c in "+-" and (
                text[p - 1] in "pP" or (text[p - 1] in "eE" and not hexa)
            )
            if _is_alnum(c) or c == "." or exponent_sign:
                p += 1
            else:
                break
        self.pos = p
        if not _NUMBER.fullmatch(text[start:p]):
            raise self.fail(f'bad number syntax: "{_number_prefix(text[start:p])}"')
        self.emit(Kind.NUMBER, start, p)


_NUMBER = re.compile(
    r"[+-]?(0[xX][0-9a-fA-F_]*\.?[0-9a-fA-F_]*([pP][+-]?[0-9_]+)?"
    r"|0[bB][01_]+|0[oO][0-7_]+"
    r"|[0-9_]*\.?[0-9_]*([eE][+-]?[0-9_]+)?)i?"
)


def _number_prefix(word: str) -> str:
    """What Go's scanner had read when it failed: the longest valid prefix and one more."""
    for end in range(len(word), 0, -1):
        if _NUMBER.fullmatch(word[:end]) and any(c.isdigit() for c in word[:end]):
            return word[: end + 1]
    return word[:1]


class _LexError(Exception):
    def __init__(self, item: Item) -> None:
        super().__init__(item.value)
        self.item = item


def _unicode(c: str) -> str:
    """Go's %#U of a rune: U+0029 ')'."""
    return f"U+{ord(c):04X} '{c}'"


def lex(name: str, text: str) -> list[Item]:
    return _Lexer(name, text).run()
