"""Which fields of its data a template reads: what a caller need not compute.

``fields_read`` names the top-level fields a parsed template reads of its dot
(``{{.State.Status}}`` reads ``State``), or None when it may read the whole value:
a bare dot where the data's own dot is (``{{json .}}``), the root variable ``$``,
a call of another template. A ``with`` or ``range`` body reads fields of its own
dot, which are the value the pipeline chose (counted there), so only its ``$``
matters; their ``else`` runs with the outer dot. ``inspect -f`` builds a container's
whole report only for a template that needs it (cli/inspect.py).
"""

from __future__ import annotations

from hutch.util.gotemplate import nodes as n

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from hutch.util.gotemplate.template import Template


class _Whole(Exception):
    """The template may read any field: no set answers."""


def fields_read(template: Template) -> frozenset[str] | None:
    """The top-level fields ``template`` reads of its data, or None for any."""
    if template.defines:  # a defined template runs on whatever it is handed
        return None
    found: set[str] = set()
    try:
        _walk(template.root, found, True)
    except _Whole:
        return None
    return frozenset(found)


def _walk(node: n.Node | None, found: set[str], outer: bool) -> None:
    """Add what ``node`` reads of the data to ``found``; ``outer``: its dot is the
    data's (not a with or range body's)."""
    if isinstance(node, n.ListNode):
        for item in node.nodes:
            _walk(item, found, outer)
    elif isinstance(node, n.Action):
        _walk(node.pipe, found, outer)
    elif isinstance(node, n.Pipe):
        for command in node.cmds:
            _walk(command, found, outer)
    elif isinstance(node, n.Command):
        for arg in node.args:
            _walk(arg, found, outer)
    elif isinstance(node, n.Branch):
        _walk(node.pipe, found, outer)
        _walk(node.list, found, outer and node.keyword == "if")
        _walk(node.else_list, found, outer)
    elif isinstance(node, n.Field):
        if outer:
            found.add(node.ident[0])
    elif isinstance(node, n.Chain):  # (pipeline).Field: the pipeline's reads
        _walk(node.node, found, outer)
    elif isinstance(node, n.Dot):
        if outer:
            raise _Whole
    elif isinstance(node, n.Variable):
        if node.ident[0] == "$":  # the root: whatever the caller executes it on
            raise _Whole
    elif isinstance(node, n.TemplateCall):
        raise _Whole
    # text, literals, function names, break and continue read nothing
