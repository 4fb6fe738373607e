"""The evaluator of a parsed template (after Go's text/template/exec.go).

Output is collected and returned whole: an error part-way prints nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

from hutch.util.gotemplate import gofmt
from hutch.util.gotemplate import nodes as n
from hutch.util.gotemplate.errors import TemplateError
from hutch.util.gotemplate.funcs import Func, FuncError
from hutch.util.gotemplate.values import MISSING, Addressed, Struct, go_type, is_true

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import Any

_MAX_DEPTH = 100_000


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class State:
    def __init__(
        self,
        name: str,
        text: str,
        funcs: Mapping[str, Func],
        defines: Mapping[str, n.ListNode],
    ) -> None:
        self.name = name
        self.text = text
        self.funcs = funcs
        self.defines = defines
        self.out: list[str] = []
        self.vars: list[tuple[str, Any]] = []
        self.node: n.Node | None = None
        self.depth = 0

    # --- errors
    def at(self, node: n.Node) -> None:
        self.node = node

    def fail(self, msg: str) -> TemplateError:
        if self.node is None:
            return TemplateError(f"template: {self.name}: {msg}")
        pos = self.node.pos
        line = 1 + self.text.count("\n", 0, pos)
        nl = self.text.rfind("\n", 0, pos)
        col = pos if nl < 0 else pos - nl - 1
        where = str(self.node)
        return TemplateError(
            f'template: {self.name}:{line}:{col}: executing "{self.name}" at <{where}>: {msg}'
        )

    # --- variables
    def push(self, name: str, value: Any) -> None:
        self.vars.append((name, value))

    def set_var(self, name: str, value: Any) -> None:
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                self.vars[i] = (name, value)
                return
        raise self.fail(f"undefined variable: {name}")

    def var(self, name: str) -> Any:
        for vname, value in reversed(self.vars):
            if vname == name:
                return value
        raise self.fail(f"undefined variable: {name}")

    # --- walking
    def walk(self, dot: Any, node: n.Node) -> None:
        self.at(node)
        if isinstance(node, n.Text):
            self.out.append(node.text)
        elif isinstance(node, n.Action):
            value = self.eval_pipeline(dot, node.pipe)
            if not node.pipe.decl:
                self.print_value(node, value)
        elif isinstance(node, n.ListNode):
            for child in node.nodes:
                self.walk(dot, child)
        elif isinstance(node, n.Branch):
            if node.keyword == "range":
                self.walk_range(dot, node)
            else:
                self.walk_if_or_with(dot, node)
        elif isinstance(node, n.Break):
            raise _Break
        elif isinstance(node, n.Continue):
            raise _Continue
        elif isinstance(node, n.TemplateCall):
            self.walk_template(dot, node)
        else:
            raise self.fail(f"unknown node: {node}")

    def walk_if_or_with(self, dot: Any, node: n.Branch) -> None:
        mark = len(self.vars)
        value = self.eval_pipeline(dot, node.pipe)
        try:
            if is_true(value):
                self.walk(value if node.keyword == "with" else dot, node.list)
            elif node.else_list is not None:
                self.walk(dot, node.else_list)
        finally:
            del self.vars[mark:]

    def walk_range(self, dot: Any, node: n.Branch) -> None:
        mark = len(self.vars)
        value = self.eval_pipeline(dot, node.pipe)
        decl = node.pipe.decl
        if isinstance(value, Struct) or not isinstance(value, list | tuple | Mapping):
            if value is None or value is MISSING:
                items: list[tuple[Any, Any]] = []
            else:
                raise self.fail(f"range can't iterate over {gofmt.value(value)}")
        elif isinstance(value, Mapping):
            keys = list(value)
            with contextlib.suppress(TypeError):  # unorderable keys keep their order
                keys.sort()
            items = [(k, value[k]) for k in keys]
        else:
            items = list(enumerate(value))
        try:
            for index, elem in items:
                if decl:
                    if node.pipe.is_assign:
                        self.set_var(decl[0].ident[0], index if len(decl) > 1 else elem)
                        if len(decl) > 1:
                            self.set_var(decl[1].ident[0], elem)
                    else:
                        self.vars[mark] = (decl[0].ident[0], index if len(decl) > 1 else elem)
                        if len(decl) > 1:
                            self.vars[mark + 1] = (decl[1].ident[0], elem)
                inner = len(self.vars)
                try:
                    self.walk(elem, node.list)
                except _Continue:
                    pass
                except _Break:
                    break
                finally:
                    del self.vars[inner:]
            else:
                if not items and node.else_list is not None:
                    self.walk(dot, node.else_list)
        finally:
            del self.vars[mark:]

    def walk_template(self, dot: Any, node: n.TemplateCall) -> None:
        body = self.defines.get(node.name)
        if body is None:
            raise self.fail(f'template "{node.name}" not defined')
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise self.fail("exceeded maximum template depth (100000)")
        new_dot = self.eval_pipeline(dot, node.pipe) if node.pipe else None
        saved = self.vars
        self.vars = [("$", new_dot)]
        try:
            self.walk(new_dot, body)
        finally:
            self.vars = saved
            self.depth -= 1

    def print_value(self, node: n.Node, value: Any) -> None:
        self.at(node)
        if callable(value) and not isinstance(value, type):
            raise self.fail(f"can't print {node} of type func")
        if isinstance(value, Addressed):
            value = value.text  # its String, through the address text/template takes
        self.out.append(gofmt.value(value))

    # --- evaluation
    def eval_pipeline(self, dot: Any, pipe: n.Pipe) -> Any:
        self.at(pipe)
        value: Any = MISSING
        for cmd in pipe.cmds:
            value = self.eval_command(dot, cmd, value)
        for var in pipe.decl:
            if pipe.is_assign:
                self.set_var(var.ident[0], value)
            else:
                self.push(var.ident[0], value)
        return value

    def eval_command(self, dot: Any, cmd: n.Command, final: Any) -> Any:
        first = cmd.args[0]
        if isinstance(first, n.Field):
            return self.eval_field_node(dot, first, cmd.args, final)
        if isinstance(first, n.Chain):
            return self.eval_chain(dot, first, cmd.args, final)
        if isinstance(first, n.Identifier):
            return self.eval_function(dot, first, cmd, cmd.args, final)
        if isinstance(first, n.Pipe):
            self.not_a_function(cmd.args, final)
            return self.eval_pipeline(dot, first)
        if isinstance(first, n.Variable):
            return self.eval_variable(dot, first, cmd.args, final)
        self.at(first)
        self.not_a_function(cmd.args, final)
        if isinstance(first, n.Bool):
            return first.value
        if isinstance(first, n.Dot):
            return dot
        if isinstance(first, n.Nil):
            raise self.fail("nil is not a command")
        if isinstance(first, n.Number):
            return first.value
        if isinstance(first, n.String):
            return first.value
        raise self.fail(f"can't evaluate command {first}")

    def not_a_function(self, args: tuple[n.Node, ...], final: Any) -> None:
        if len(args) > 1 or final is not MISSING:
            raise self.fail(f"can't give argument to non-function {args[0]}")

    def eval_field_node(
        self, dot: Any, field: n.Field, args: tuple[n.Node, ...], final: Any
    ) -> Any:
        self.at(field)
        return self.eval_field_chain(dot, dot, field.ident, args, final)

    def eval_chain(self, dot: Any, chain: n.Chain, args: tuple[n.Node, ...], final: Any) -> Any:
        if len(args) > 1:
            raise self.fail(f"can't give argument to non-function {chain.node}")
        pipe = chain.node
        if isinstance(pipe, n.Pipe):
            receiver = self.eval_pipeline(dot, pipe)
        else:
            receiver = self.eval_arg(dot, "any", pipe)
        return self.eval_field_chain(dot, receiver, chain.field, args, final)

    def eval_variable(self, dot: Any, var: n.Variable, args: tuple[n.Node, ...], final: Any) -> Any:
        self.at(var)
        value = self.var(var.ident[0])
        if len(var.ident) == 1:
            self.not_a_function(args, final)
            return value
        return self.eval_field_chain(dot, value, var.ident[1:], args, final)

    def eval_field_chain(
        self,
        dot: Any,
        receiver: Any,
        idents: tuple[str, ...],
        args: tuple[n.Node, ...],
        final: Any,
    ) -> Any:
        for ident in idents[:-1]:
            receiver = self.eval_field(dot, ident, (), MISSING, receiver)
        return self.eval_field(dot, idents[-1], args, final, receiver)

    def eval_field(
        self, dot: Any, name: str, args: tuple[n.Node, ...], final: Any, receiver: Any
    ) -> Any:
        if receiver is MISSING:
            return MISSING
        if receiver is None:
            raise self.fail(f"nil pointer evaluating interface {{}}.{name}")
        has_args = len(args) > 1 or final is not MISSING
        if isinstance(receiver, Struct):
            if name in receiver:
                value = receiver[name]
                if callable(value):
                    values = [self.eval_arg(dot, "any", a) for a in args[1:]]
                    if final is not MISSING:
                        values.append(final)
                    want = _arity(value)
                    if want is not None and want != len(values):
                        raise self.fail(
                            f"wrong number of args for {name}: want {want} got {len(values)}"
                        )
                    try:
                        return value(*values)
                    except FuncError as e:
                        raise self.fail(f"error calling {name}: {e}") from None
                    except TypeError:
                        raise self.fail(f"wrong number of args for {name}") from None
                if has_args:
                    raise self.fail(f"{name} has arguments but cannot be invoked as function")
                return value
        elif isinstance(receiver, Mapping):
            if has_args:
                raise self.fail(f"{name} is not a method but has arguments")
            return receiver.get(name, MISSING)
        raise self.fail(f"can't evaluate field {name} in type {go_type(receiver)}")

    def eval_function(
        self,
        dot: Any,
        ident: n.Identifier,
        cmd: n.Node,
        args: tuple[n.Node, ...],
        final: Any,
    ) -> Any:
        self.at(ident)
        name = ident.ident
        func = self.funcs[name]
        if name in ("and", "or"):
            return self.eval_and_or(dot, name, args, final)
        count = len(args) - 1 + (final is not MISSING)
        fixed = len(func.params)
        if func.variadic is not None:
            if count < fixed:
                raise self.fail(
                    f"wrong number of args for {name}: want at least {fixed} got {count}"
                )
        elif count != fixed:
            raise self.fail(f"wrong number of args for {name}: want {fixed} got {count}")
        values = []
        for i, arg in enumerate(args[1:]):
            typ = func.params[i] if i < fixed else func.variadic or "any"
            values.append(self.eval_arg(dot, typ, arg))
        if final is not MISSING:
            i = len(args) - 1
            typ = func.params[i] if i < fixed else func.variadic or "any"
            values.append(self.validate(typ, final))
        try:
            return func.fn(*values)
        except FuncError as e:
            self.at(cmd)
            raise self.fail(f"error calling {name}: {e}") from None

    def eval_and_or(self, dot: Any, name: str, args: tuple[n.Node, ...], final: Any) -> Any:
        count = len(args) - 1 + (final is not MISSING)
        if count < 1:
            raise self.fail(f"wrong number of args for {name}: want at least 1 got 0")
        value: Any = MISSING
        operands: list[Any] = list(args[1:])
        if final is not MISSING:
            operands.append(final)
        for i, op in enumerate(operands):
            value = self.eval_arg(dot, "any", op) if i < len(args) - 1 else op
            if is_true(value) == (name == "or"):
                return value
        return value

    def eval_arg(self, dot: Any, typ: str, node: n.Node) -> Any:
        self.at(node)
        if isinstance(node, n.Dot):
            return self.validate(typ, dot)
        if isinstance(node, n.Nil):
            if typ in ("any", "[]string"):
                return None
            raise self.fail(f"cannot assign nil to {typ}")
        if isinstance(node, n.Field):
            return self.validate(typ, self.eval_field_node(dot, node, (node,), MISSING))
        if isinstance(node, n.Variable):
            return self.validate(typ, self.eval_variable(dot, node, (node,), MISSING))
        if isinstance(node, n.Pipe):
            return self.validate(typ, self.eval_pipeline(dot, node))
        if isinstance(node, n.Identifier):
            return self.validate(typ, self.eval_function(dot, node, node, (node,), MISSING))
        if isinstance(node, n.Chain):
            return self.validate(typ, self.eval_chain(dot, node, (node,), MISSING))
        if typ == "any":
            if isinstance(node, n.Bool | n.Number | n.String):
                return node.value
        elif typ == "string":
            if isinstance(node, n.String):
                return node.value
            raise self.fail(f"expected string; found {node}")
        elif typ == "int":
            if isinstance(node, n.Number) and isinstance(node.value, int):
                return node.value
            raise self.fail(f"expected integer; found {node}")
        elif typ == "bool":
            if isinstance(node, n.Bool):
                return node.value
            raise self.fail(f"expected bool; found {node}")
        raise self.fail(f"can't handle {node} for arg of type {_go_param(typ)}")

    def validate(self, typ: str, value: Any) -> Any:
        if typ == "any":
            return None if value is MISSING else value
        if value is MISSING or value is None:
            if typ == "[]string":
                return []
            raise self.fail(f"invalid value; expected {_go_param(typ)}")
        ok = {
            "string": isinstance(value, str),
            "int": isinstance(value, int) and not isinstance(value, bool),
            "bool": isinstance(value, bool),
            "[]string": isinstance(value, list | tuple) and all(isinstance(v, str) for v in value),
        }[typ]
        if not ok:
            raise self.fail(
                f"wrong type for value; expected {_go_param(typ)}; got {go_type(value)}"
            )
        return value


def _go_param(typ: str) -> str:
    return "interface {}" if typ == "any" else typ


def _arity(method: Any) -> int | None:
    """How many arguments a method takes (None: any number), for Go's message."""
    import inspect  # here: an error's message only (with ast and dis, ~3 ms of a start)

    try:
        params = inspect.signature(method).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
        return None
    return len(params)
