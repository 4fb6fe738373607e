"""Differential: a ``table`` format's header row, through hutch and Debian's podman
4.3.1. podman renders it with the rows' own (ranged) template over a map of its
report's field names: a name that is no field heads with ``<no value>`` (then the
rows fail), an error in the header row has the rows' column, and some commands put
"failed to write report column headers" before it."""

from __future__ import annotations

from harness import Hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture

CASES = [
    ("ps", "-a", "--format", "table {{.Foo}}"),
    ("images", "--format", "table {{.Foo}}"),
    ("ps", "-a", "--format", "table {{.ID}} {{.State.Foo}}"),
    ("ps", "-a", "--format", "table {{.Labels.a}}"),
    ("images", "--format", "table {{.Size.x}}"),
    ("volume", "ls", "--format", "table {{.Labels.x}}"),
    ("network", "ls", "--format", "table {{.Options.x}}"),
    ("history", "--format", "table {{.Size.x}}", "base"),
]


def test_a_table_header_as_podman_writes_it(hutch: Hutch, base_image: str, podman: Run) -> None:
    """Each list with a row (a container, a volume): the same exit, stdout and stderr."""
    for tool in (hutch, podman):
        assert (
            tool("create", "--name", "header-c", "--label", "a=b", "base", "true").returncode == 0
        )
        assert tool("volume", "create", "header-v").returncode == 0
    try:
        for args in CASES:
            code, _out, err = both(hutch, podman, *args)
            assert code == 125 and err.startswith("Error: "), (args, err)
    finally:
        podman("rm", "-f", "header-c")
        podman("volume", "rm", "header-v")
