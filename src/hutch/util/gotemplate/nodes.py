"""The parse tree of a template (Go's text/template/parse node types)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Node:
    pos: int

    def __str__(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Node):
    text: str

    def __str__(self) -> str:
        return repr(self.text)


@dataclass(frozen=True)
class Dot(Node):
    def __str__(self) -> str:
        return "."


@dataclass(frozen=True)
class Nil(Node):
    def __str__(self) -> str:
        return "nil"


@dataclass(frozen=True)
class Bool(Node):
    value: bool

    def __str__(self) -> str:
        return "true" if self.value else "false"


@dataclass(frozen=True)
class Number(Node):
    text: str
    value: int | float

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class String(Node):
    quoted: str
    value: str

    def __str__(self) -> str:
        return self.quoted


@dataclass(frozen=True)
class Field(Node):
    ident: tuple[str, ...]

    def __str__(self) -> str:
        return "".join("." + i for i in self.ident)


@dataclass(frozen=True)
class Variable(Node):
    ident: tuple[str, ...]  # ("$x", "Field", ...)

    def __str__(self) -> str:
        return ".".join(self.ident)


@dataclass(frozen=True)
class Identifier(Node):
    ident: str

    def __str__(self) -> str:
        return self.ident


@dataclass(frozen=True)
class Chain(Node):
    node: Node
    field: tuple[str, ...]

    def __str__(self) -> str:
        inner = f"({self.node})" if isinstance(self.node, Pipe) else str(self.node)
        return inner + "".join("." + f for f in self.field)


@dataclass(frozen=True)
class Command(Node):
    args: tuple[Node, ...]

    def __str__(self) -> str:
        return " ".join(f"({a})" if isinstance(a, Pipe) else str(a) for a in self.args)


@dataclass(frozen=True)
class Pipe(Node):
    line: int
    is_assign: bool
    decl: tuple[Variable, ...]
    cmds: tuple[Command, ...]

    def __str__(self) -> str:
        s = ""
        if self.decl:
            s = ", ".join(str(v) for v in self.decl) + (" = " if self.is_assign else " := ")
        return s + " | ".join(str(c) for c in self.cmds)


@dataclass(frozen=True)
class Action(Node):
    line: int
    pipe: Pipe

    def __str__(self) -> str:
        return "{{" + str(self.pipe) + "}}"


@dataclass(frozen=True)
class ListNode(Node):
    nodes: tuple[Node, ...] = field(default=())

    def __str__(self) -> str:
        return "".join(str(n) for n in self.nodes)


@dataclass(frozen=True)
class Branch(Node):
    """if, with and range: ``keyword`` tells which."""

    keyword: str
    line: int
    pipe: Pipe
    list: ListNode
    else_list: ListNode | None

    def __str__(self) -> str:
        return "{{" + self.keyword + " " + str(self.pipe) + "}}"


@dataclass(frozen=True)
class Break(Node):
    def __str__(self) -> str:
        return "{{break}}"


@dataclass(frozen=True)
class Continue(Node):
    def __str__(self) -> str:
        return "{{continue}}"


@dataclass(frozen=True)
class TemplateCall(Node):
    line: int
    name: str
    pipe: Pipe | None

    def __str__(self) -> str:
        from hutch.util.gotemplate.gofmt import quote

        pipe = f" {self.pipe}" if self.pipe else ""
        return "{{template " + quote(self.name) + pipe + "}}"
