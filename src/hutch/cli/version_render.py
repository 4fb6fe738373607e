"""``hutch version``: podman's report (a Client, no Server) in podman's three forms."""

from __future__ import annotations

from hutch.api.errors import InvalidArgument
from hutch.cli import info_shape, render, templating
from hutch.util import gotemplate
from hutch.util.gotemplate import gojson

# podman's table: "Client: Podman Engine" and the Client's fields; a Server block
# only when podman talks to a remote service, which hutch never does
_TABLE = (
    "{{with .Client}}Client:\\thutch Engine\\nVersion:\\t{{.Version}}\\n"
    "API Version:\\t{{.APIVersion}}\\nGo Version:\\t{{.GoVersion}}\\n"
    "{{if .GitCommit}}Git Commit:\\t{{.GitCommit}}\\n{{end}}"
    "Built:\\t{{.BuiltTime}}\\nOS/Arch:\\t{{.OsArch}}{{end}}"
)


def text(fmt: str | None, number: str) -> str:
    """The text ``version`` prints for ``--format`` FMT (None: the table)."""
    data = info_shape.client_server(number)
    if fmt is None:  # through podman's tabwriter: the values in one column
        return gotemplate.align(templating.render_one(_TABLE, data, name="version"))
    if render.is_json(fmt):
        return gojson.dumps(data) + "\n"  # podman's: one line, not indented
    try:
        return templating.render_one(fmt, data, name="version")
    except InvalidArgument:
        # podman's fallback for templates of older versions: .Server.X read as
        # the Client's .X (its Server is nil here)
        return templating.render_one(fmt.replace(".Server.", "."), data["Client"], name="version")
