"""The parse tree of a template (Go's text/template/parse node types).

Plain classes with slots, not dataclasses: defining these eighteen as dataclasses
was about a twentieth of ``inspect -f``'s start (issue 16), and nothing needs what
a dataclass adds: the parser builds the nodes, the evaluator and ``reads.py`` read
them (no comparison, copy or walk over fields).
"""

from __future__ import annotations


class Node:
    __slots__ = ("pos",)

    def __init__(self, pos: int) -> None:
        self.pos = pos

    def __str__(self) -> str:
        raise NotImplementedError


class Text(Node):
    __slots__ = ("text",)

    def __init__(self, pos: int, text: str) -> None:
        self.pos, self.text = pos, text

    def __str__(self) -> str:
        return repr(self.text)


class Dot(Node):
    __slots__ = ()

    def __str__(self) -> str:
        return "."


class Nil(Node):
    __slots__ = ()

    def __str__(self) -> str:
        return "nil"


class Bool(Node):
    __slots__ = ("value",)

    def __init__(self, pos: int, value: bool) -> None:
        self.pos, self.value = pos, value

    def __str__(self) -> str:
        return "true" if self.value else "false"


class Number(Node):
    __slots__ = ("text", "value")

    def __init__(self, pos: int, text: str, value: int | float) -> None:
        self.pos, self.text, self.value = pos, text, value

    def __str__(self) -> str:
        return self.text


class String(Node):
    __slots__ = ("quoted", "value")

    def __init__(self, pos: int, quoted: str, value: str) -> None:
        self.pos, self.quoted, self.value = pos, quoted, value

    def __str__(self) -> str:
        return self.quoted


class Field(Node):
    __slots__ = ("ident",)

    def __init__(self, pos: int, ident: tuple[str, ...]) -> None:
        self.pos, self.ident = pos, ident

    def __str__(self) -> str:
        return "".join("." + i for i in self.ident)


class Variable(Node):
    __slots__ = ("ident",)

    def __init__(self, pos: int, ident: tuple[str, ...]) -> None:
        self.pos, self.ident = pos, ident  # ("$x", "Field", ...)

    def __str__(self) -> str:
        return ".".join(self.ident)


class Identifier(Node):
    __slots__ = ("ident",)

    def __init__(self, pos: int, ident: str) -> None:
        self.pos, self.ident = pos, ident

    def __str__(self) -> str:
        return self.ident


class Chain(Node):
    __slots__ = ("field", "node")

    def __init__(self, pos: int, node: Node, field: tuple[str, ...]) -> None:
        self.pos, self.node, self.field = pos, node, field

    def __str__(self) -> str:
        inner = f"({self.node})" if isinstance(self.node, Pipe) else str(self.node)
        return inner + "".join("." + f for f in self.field)


class Command(Node):
    __slots__ = ("args",)

    def __init__(self, pos: int, args: tuple[Node, ...]) -> None:
        self.pos, self.args = pos, args

    def __str__(self) -> str:
        return " ".join(f"({a})" if isinstance(a, Pipe) else str(a) for a in self.args)


class Pipe(Node):
    __slots__ = ("cmds", "decl", "is_assign", "line")

    def __init__(
        self,
        pos: int,
        line: int,
        is_assign: bool,
        decl: tuple[Variable, ...],
        cmds: tuple[Command, ...],
    ) -> None:
        self.pos, self.line, self.is_assign, self.decl, self.cmds = pos, line, is_assign, decl, cmds

    def __str__(self) -> str:
        s = ""
        if self.decl:
            s = ", ".join(str(v) for v in self.decl) + (" = " if self.is_assign else " := ")
        return s + " | ".join(str(c) for c in self.cmds)


class Action(Node):
    __slots__ = ("line", "pipe")

    def __init__(self, pos: int, line: int, pipe: Pipe) -> None:
        self.pos, self.line, self.pipe = pos, line, pipe

    def __str__(self) -> str:
        return "{{" + str(self.pipe) + "}}"


class ListNode(Node):
    __slots__ = ("nodes",)

    def __init__(self, pos: int, nodes: tuple[Node, ...] = ()) -> None:
        self.pos, self.nodes = pos, nodes

    def __str__(self) -> str:
        return "".join(str(n) for n in self.nodes)


class Branch(Node):
    """if, with and range: ``keyword`` tells which."""

    __slots__ = ("else_list", "keyword", "line", "list", "pipe")

    def __init__(
        self,
        pos: int,
        keyword: str,
        line: int,
        pipe: Pipe,
        list: ListNode,  # Go's field name
        else_list: ListNode | None,
    ) -> None:
        self.pos, self.keyword, self.line, self.pipe = pos, keyword, line, pipe
        self.list, self.else_list = list, else_list

    def __str__(self) -> str:
        return "{{" + self.keyword + " " + str(self.pipe) + "}}"


class Break(Node):
    __slots__ = ()

    def __str__(self) -> str:
        return "{{break}}"


class Continue(Node):
    __slots__ = ()

    def __str__(self) -> str:
        return "{{continue}}"


class TemplateCall(Node):
    __slots__ = ("line", "name", "pipe")

    def __init__(self, pos: int, line: int, name: str, pipe: Pipe | None) -> None:
        self.pos, self.line, self.name, self.pipe = pos, line, name, pipe

    def __str__(self) -> str:
        from hutch.util.gotemplate.gofmt import quote

        pipe = f" {self.pipe}" if self.pipe else ""
        return "{{template " + quote(self.name) + pipe + "}}"
