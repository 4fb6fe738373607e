"""The parser of Go's text/template (after text/template/parse/parse.go).

It checks at parse time what Go checks there: functions must exist, variables
must be declared, ``{{end}}``/``{{else}}`` must close something, and the
messages are Go's (``template: NAME:LINE: function "foo" not defined``).
"""

from __future__ import annotations

import re
from collections.abc import Container

from hutch.util.gotemplate import nodes as n
from hutch.util.gotemplate.errors import TemplateError
from hutch.util.gotemplate.lex import Item, Kind, lex

_OPERAND_START = {
    Kind.BOOL,
    Kind.CHAR,
    Kind.DOT,
    Kind.FIELD,
    Kind.IDENTIFIER,
    Kind.NUMBER,
    Kind.VARIABLE,
    Kind.STRING,
    Kind.RAW_STRING,
    Kind.LPAREN,
}
_OCTAL = re.compile(r"[+-]?0[0-7]+")
_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    '"': '"',
    "'": "'",
}


class _End(n.Node):
    pass


class _Else(n.Node):
    pass


def _describe(item: Item) -> str:
    """Go's item String(): how an unexpected token is named in errors."""
    if item.kind is Kind.EOF:
        return "EOF"
    if item.kind is Kind.KEYWORD:
        return f"<{item.value}>"
    if item.kind in (Kind.LEFT, Kind.RIGHT):
        return f'"{item.value}"'
    if len(item.value) > 10:
        return f'"{item.value[:10]}"...'
    return f'"{item.value}"'


def unquote(text: str, quote: str) -> str:
    """strconv.Unquote for a "string" or 'c' (escapes are Go's)."""
    body = text[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        e = body[i + 1 : i + 2]
        if e in _ESCAPES and not (e == "'" and quote == '"') and not (e == '"' and quote == "'"):
            out.append(_ESCAPES[e])
            i += 2
        elif e in ("x", "u", "U"):
            size = {"x": 2, "u": 4, "U": 8}[e]
            digits = body[i + 2 : i + 2 + size]
            if len(digits) != size or not all(d in "0123456789abcdefABCDEF" for d in digits):
                raise ValueError("invalid syntax")
            out.append(chr(int(digits, 16)))
            i += 2 + size
        elif e and e in "01234567":
            digits = body[i + 1 : i + 4]
            if len(digits) != 3 or not all(d in "01234567" for d in digits):
                raise ValueError("invalid syntax")
            out.append(chr(int(digits, 8)))
            i += 4
        else:
            raise ValueError("invalid syntax")
    return "".join(out)


def parse_number(text: str) -> int | float:
    clean = text.replace("_", "")
    if _OCTAL.fullmatch(clean):
        return int(clean, 8)
    try:
        return int(clean, 0)
    except ValueError:
        pass
    if clean.lower().lstrip("+-").startswith("0x"):
        return float.fromhex(clean)
    return float(clean)


class Parser:
    def __init__(self, name: str, text: str, funcs: Container[str]) -> None:
        self.name = name
        self.text = text
        self.funcs = funcs
        self.items = lex(name, text)
        self.i = 0
        self.vars = ["$"]
        self.range_depth = 0
        self.defines: dict[str, n.ListNode] = {}
        self.action_line = 0

    # --- tokens
    def fail(self, msg: str, item: Item | None = None) -> TemplateError:
        line = (item or self.items[max(self.i - 1, 0)]).line
        return TemplateError(f"template: {self.name}:{line}: {msg}")

    def next(self) -> Item:
        item = self.items[self.i]
        self.i = min(self.i + 1, len(self.items) - 1)
        return item

    def backup(self, count: int = 1) -> None:
        self.i -= count

    def peek(self) -> Item:
        return self.items[self.i]

    def next_non_space(self) -> Item:
        item = self.next()
        while item.kind is Kind.SPACE:
            item = self.next()
        return item

    def peek_non_space(self) -> Item:
        item = self.next_non_space()
        self.backup()
        return item

    def expect(self, kind: Kind, context: str) -> Item:
        item = self.next_non_space()
        if item.kind is not kind:
            raise self.unexpected(item, context)
        return item

    def unexpected(self, item: Item, context: str) -> TemplateError:
        if item.kind is Kind.ERROR:
            extra = ""
            if self.action_line and self.action_line != item.line:
                extra = f" in action started at {self.name}:{self.action_line}"
                if item.value.endswith(" action"):
                    extra = extra[len(" in action") :]
            return self.fail(item.value + extra, item)
        if item.kind is Kind.EOF:
            return self.fail(f"unexpected EOF in {context}", item)
        return self.fail(f"unexpected {_describe(item)} in {context}", item)

    # --- structure
    def parse(self) -> tuple[n.ListNode, dict[str, n.ListNode]]:
        nodes: list[n.Node] = []
        while self.peek().kind is not Kind.EOF:
            if self.peek().kind is Kind.LEFT:
                left = self.next()
                nxt = self.next_non_space()
                if nxt.kind is Kind.KEYWORD and nxt.value == "define":
                    self.define()
                    continue
                self.i = self.items.index(left)
            node = self.text_or_action()
            if isinstance(node, _End | _Else):
                word = "end" if isinstance(node, _End) else "else"
                raise self.fail(f"unexpected {{{{{word}}}}}")
            nodes.append(node)
        return n.ListNode(0, tuple(nodes)), self.defines

    def define(self) -> None:
        name_item = self.next_non_space()
        if name_item.kind not in (Kind.STRING, Kind.RAW_STRING):
            raise self.unexpected(name_item, "define clause")
        self.expect(Kind.RIGHT, "define clause")
        body, end = self.item_list()
        if not isinstance(end, _End):
            raise self.fail("unexpected {{else}} in define clause")
        self.defines[self._string(name_item)] = body

    def item_list(self) -> tuple[n.ListNode, n.Node]:
        nodes: list[n.Node] = []
        start = self.peek().pos
        while self.peek_non_space().kind is not Kind.EOF:
            node = self.text_or_action()
            if isinstance(node, _End | _Else):
                return n.ListNode(start, tuple(nodes)), node
            nodes.append(node)
        raise self.fail("unexpected EOF", self.peek())

    def text_or_action(self) -> n.Node:
        item = self.next_non_space()
        if item.kind is Kind.TEXT:
            return n.Text(item.pos, item.value)
        if item.kind is Kind.LEFT:
            self.action_line = item.line
            try:
                return self.action()
            finally:
                self.action_line = 0
        raise self.unexpected(item, "input")

    def action(self) -> n.Node:
        item = self.next_non_space()
        if item.kind is Kind.KEYWORD:
            word = item.value
            if word in ("if", "with", "range"):
                return self.control(word, item)
            if word == "end":
                self.expect(Kind.RIGHT, "end")
                return _End(item.pos)
            if word == "else":
                nxt = self.peek_non_space()
                if nxt.kind is Kind.KEYWORD and nxt.value in ("if", "with"):
                    return _Else(item.pos)
                self.expect(Kind.RIGHT, "else")
                return _Else(item.pos)
            if word in ("break", "continue"):
                if not self.range_depth:
                    raise self.fail(f"{{{{{word}}}}} outside {{{{range}}}}", item)
                self.expect(Kind.RIGHT, word)
                return n.Break(item.pos) if word == "break" else n.Continue(item.pos)
            if word in ("template", "block"):
                return self.template(word, item)
            if word == "define":
                raise self.fail("unexpected <define> in command", item)
        self.backup()
        return n.Action(item.pos, item.line, self.pipeline("command", Kind.RIGHT))

    def template(self, word: str, item: Item) -> n.Node:
        context = f"{word} clause"
        name_item = self.next_non_space()
        if name_item.kind not in (Kind.STRING, Kind.RAW_STRING):
            raise self.unexpected(name_item, context)
        name = self._string(name_item)
        item = name_item
        pipe = None
        if self.next_non_space().kind is not Kind.RIGHT:
            self.backup()
            pipe = self.pipeline(context, Kind.RIGHT)
        if word == "block":
            body, end = self.item_list()
            if not isinstance(end, _End):
                raise self.fail("unexpected {{else}} in block clause")
            self.defines[name] = body
        return n.TemplateCall(item.pos, item.line, name, pipe)

    def control(self, word: str, item: Item) -> n.Branch:
        mark = len(self.vars)
        pipe = self.pipeline(word, Kind.RIGHT)
        if word == "range":
            self.range_depth += 1
        body, end = self.item_list()
        if word == "range":
            self.range_depth -= 1
        else_list = None
        if isinstance(end, _Else):
            nxt = self.peek_non_space()
            if word != "range" and nxt.kind is Kind.KEYWORD and nxt.value == word:
                # {{else if X}} is {{else}}{{if X}}...{{end}}{{end}} sharing one end.
                self.next_non_space()
                inner = self.control(word, nxt)
                else_list = n.ListNode(inner.pos, (inner,))
            else:
                else_list, end = self.item_list()
                if not isinstance(end, _End):
                    raise self.fail("expected end; found {{else}}")
        self.vars = self.vars[:mark]
        return n.Branch(item.pos, word, item.line, pipe, body, else_list)

    def pipeline(self, context: str, end: Kind) -> n.Pipe:
        start = self.peek_non_space()
        decl: list[n.Variable] = []
        is_assign = False
        while True:
            item = self.peek_non_space()
            if item.kind is not Kind.VARIABLE:
                break
            self.next_non_space()
            following = self.peek_non_space()
            if following.kind in (Kind.DECLARE, Kind.ASSIGN):
                self.next_non_space()
                is_assign = following.kind is Kind.ASSIGN
                decl.append(n.Variable(item.pos, (item.value,)))
                if not is_assign:
                    self.vars.append(item.value)
                elif item.value not in self.vars:
                    raise self.fail(f'undefined variable "{item.value}"', item)
                break
            if following.kind is Kind.COMMA:
                self.next_non_space()
                decl.append(n.Variable(item.pos, (item.value,)))
                self.vars.append(item.value)
                if context != "range" or len(decl) >= 2:
                    raise self.fail(f"too many declarations in {context}", item)
                if self.peek_non_space().kind is not Kind.VARIABLE:
                    raise self.fail("range can only initialize variables", item)
                continue
            # Not a declaration: put the variable back to be an operand.
            self.i = self.items.index(item)
            break
        cmds: list[n.Command] = []
        while True:
            item = self.next_non_space()
            if item.kind is end:
                if not cmds:
                    raise self.fail(f"missing value for {context}", item)
                for i, cmd in enumerate(cmds[1:], start=1):
                    if isinstance(cmd.args[0], n.Bool | n.Dot | n.Nil | n.Number | n.String):
                        raise self.fail(f"non executable command in pipeline stage {i + 1}", item)
                return n.Pipe(start.pos, start.line, is_assign, tuple(decl), tuple(cmds))
            if item.kind in _OPERAND_START or (item.kind is Kind.KEYWORD and item.value == "nil"):
                self.backup()
                cmds.append(self.command())
            else:
                raise self.unexpected(item, context)

    def command(self) -> n.Command:
        start = self.peek_non_space()
        args: list[n.Node] = []
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                args.append(operand)
            item = self.next()
            if item.kind is Kind.SPACE:
                continue
            if item.kind in (Kind.RIGHT, Kind.RPAREN):
                self.backup()
            elif item.kind is Kind.PIPE:
                pass
            else:
                raise self.unexpected(item, "operand")
            break
        if not args:
            raise self.fail("empty command", start)
        return n.Command(start.pos, tuple(args))

    def operand(self) -> n.Node | None:
        node = self.term()
        if node is None:
            return None
        if self.peek().kind is Kind.FIELD:
            chain_pos = self.peek().pos
            fields: list[str] = []
            while self.peek().kind is Kind.FIELD:
                fields.append(self.next().value[1:])
            if isinstance(node, n.Field):
                return n.Field(chain_pos, node.ident + tuple(fields))
            if isinstance(node, n.Variable):
                return n.Variable(chain_pos, node.ident + tuple(fields))
            if isinstance(node, n.Bool | n.String | n.Number | n.Nil | n.Dot):
                raise self.fail(f'unexpected . after term "{node}"')
            return n.Chain(chain_pos, node, tuple(fields))
        return node

    def term(self) -> n.Node | None:
        item = self.next_non_space()
        k = item.kind
        if k is Kind.IDENTIFIER:
            if item.value not in self.funcs:
                raise self.fail(f'function "{item.value}" not defined', item)
            return n.Identifier(item.pos, item.value)
        if k is Kind.DOT:
            return n.Dot(item.pos)
        if k is Kind.KEYWORD and item.value == "nil":
            return n.Nil(item.pos)
        if k is Kind.VARIABLE:
            if item.value not in self.vars:
                raise self.fail(f'undefined variable "{item.value}"', item)
            return n.Variable(item.pos, (item.value,))
        if k is Kind.FIELD:
            return n.Field(item.pos, (item.value[1:],))
        if k is Kind.BOOL:
            return n.Bool(item.pos, item.value == "true")
        if k is Kind.CHAR:
            try:
                text = unquote(item.value, "'")
            except ValueError:
                text = ""
            if len(text) != 1:
                raise self.fail(f"malformed character constant: {item.value}", item)
            return n.Number(item.pos, item.value, ord(text))
        if k is Kind.NUMBER:
            try:
                return n.Number(item.pos, item.value, parse_number(item.value))
            except ValueError:
                raise self.fail(f"illegal number syntax: {item.value!r}", item) from None
        if k is Kind.LPAREN:
            pipe = self.pipeline("parenthesized pipeline", Kind.RPAREN)
            return pipe
        if k in (Kind.STRING, Kind.RAW_STRING):
            return n.String(item.pos, item.value, self._string(item))
        self.backup()
        return None

    def _string(self, item: Item) -> str:
        if item.kind is Kind.RAW_STRING:
            return item.value[1:-1].replace("\r", "")
        try:
            return unquote(item.value, '"')
        except ValueError:
            raise self.fail("invalid syntax", item) from None


def parse(name: str, text: str, funcs: Container[str]) -> tuple[n.ListNode, dict[str, n.ListNode]]:
    return Parser(name, text, funcs).parse()
