"""YAML text -> plain Python data, remembering the line of every node.

PyYAML composes the node graph (anchors and aliases resolved, each node with
its start mark); we construct the values ourselves so that each key path gets
its line, merge keys (``<<``) are applied with their precedence, duplicate keys
are refused, and compose's ``!reset`` / ``!override`` tags survive as markers
for the merge. Scalars are resolved the YAML 1.2 way, as compose does (Go's
yaml.v3): ``80:80`` and ``yes`` stay strings, ``0o17`` and ``017`` are octal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hutch.compose.errors import ComposeError, KeyPath

if TYPE_CHECKING:
    import yaml


@dataclass(frozen=True)
class Reset:
    """``!reset``: the key is removed from what earlier files said."""


@dataclass(frozen=True)
class Override:
    """``!override``: the value replaces, instead of merging with, earlier files."""

    value: Any


@dataclass(frozen=True)
class Document:
    """One loaded file: its data and the line of each key path."""

    file: str  # as shown in messages
    data: dict[str, Any]
    lines: Mapping[KeyPath, int]

    def line_of(self, path: KeyPath) -> int | None:
        """The line of ``path``, or of its nearest ancestor the file has."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None

    def error(self, message: str, path: KeyPath) -> ComposeError:
        return ComposeError(message, file=self.file, line=self.line_of(path), path=path)


_MERGE = "tag:yaml.org,2002:merge"
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_LEADING_ZERO = re.compile(r"^[-+]?0[0-7]+$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")


def _loader_class() -> type[yaml.SafeLoader]:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    # YAML 1.2 core schema resolution instead of PyYAML's YAML 1.1.
    Loader.yaml_implicit_resolvers = {}
    for tag, pattern, first in (
        ("tag:yaml.org,2002:bool", _BOOL, "tTfF"),
        ("tag:yaml.org,2002:int", _INT, "-+0123456789"),
        ("tag:yaml.org,2002:float", _FLOAT, "-+0123456789."),
        ("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""]),
        (_MERGE, re.compile(r"^<<$"), "<"),
    ):
        Loader.add_implicit_resolver(tag, pattern, list(first))

    def construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
        text = str(loader.construct_scalar(node))
        if _LEADING_ZERO.match(text):
            # yaml.v3 parses with Go's base 0: ``mode: 0440`` is octal there too
            return int(text, 8)
        return int(text, 0) if text[:2] in ("0o", "0x") else int(text, 10)

    Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
    return Loader


def load_text(text: str, file: str) -> Document:
    """Parse one compose file; a syntax error names its file and line."""
    import yaml

    loader = _loader_class()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ComposeError("empty compose file", file=file)
        lines: dict[KeyPath, int] = {}
        data = _Builder(loader, file, lines).build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        raise ComposeError(f"invalid YAML: {what}", file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise ComposeError(f"invalid YAML: {exc}", file=file) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ComposeError("top-level object must be a mapping", file=file, line=1)
    return Document(file, data, lines)


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, file: str, lines: dict[KeyPath, int]) -> None:
        self.loader = loader
        self.file = file
        self.lines = lines

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        import yaml

        self.lines.setdefault(path, node.start_mark.line + 1)
        if node.tag == "!reset":
            return Reset()
        if node.tag == "!override":
            node = _retagged(node)
            return Override(self.build(node, path))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag.startswith("!"):
            raise ComposeError(
                f"unknown YAML tag {node.tag}", file=self.file, line=node.start_mark.line + 1
            )
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        import yaml

        explicit: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                sources = (
                    value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                )
                # Earlier sources of one ``<<`` win over later ones (YAML merge spec).
                for source in reversed(sources):
                    if not isinstance(source, yaml.MappingNode):
                        raise ComposeError(
                            "a merge key (<<) takes a mapping or a list of mappings",
                            file=self.file,
                            line=source.start_mark.line + 1,
                        )
                    merged.update(self._mapping(source, path))
                continue
            key = self._key(key_node)
            if key in explicit:
                raise ComposeError(
                    f"duplicate key {key!r}",
                    file=self.file,
                    line=key_node.start_mark.line + 1,
                    path=path,
                )
            key_path = (*path, key)
            self.lines[key_path] = key_node.start_mark.line + 1
            explicit[key] = self.build(value_node, key_path)
        return {**merged, **explicit}

    def _key(self, node: yaml.Node) -> str:
        import yaml

        if not isinstance(node, yaml.ScalarNode):
            raise ComposeError(
                "a mapping key must be a scalar", file=self.file, line=node.start_mark.line + 1
            )
        value = self.loader.construct_object(node)
        if isinstance(value, bool):
            return "true" if value else "false"
        return "" if value is None else str(value)


def _retagged(node: yaml.Node) -> yaml.Node:
    """The node ``!override`` wraps, with the tag its kind implies."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        return yaml.MappingNode("tag:yaml.org,2002:map", node.value, node.start_mark, node.end_mark)
    if isinstance(node, yaml.SequenceNode):
        return yaml.SequenceNode(
            "tag:yaml.org,2002:seq", node.value, node.start_mark, node.end_mark
        )
    return yaml.ScalarNode("tag:yaml.org,2002:str", node.value, node.start_mark, node.end_mark)
