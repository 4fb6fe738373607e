"""Differential: a ``table`` format's header row, through hutch and Debian's podman
4.3.1. podman renders it with the rows' own (ranged) template over a map of its
report's field names: a name that is no field heads with ``<no value>`` (then the
rows fail), an error in the header row has the rows' column, and some commands put
"failed to write report column headers" before it."""

from __future__ import annotations

import re

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


# Fields podman 4.3.1's header map lacks (or names otherwise): the header line alone
# is compared, the rows hold each store's own ids and times
HEADER_LINES = [
    ("images", "--format", "table {{.CreatedAt}}"),
    ("images", "--format", "table {{.Id}}\t{{.ID}}"),
    ("pod", "ps", "--format", "table {{.Id}}\t{{.ID}}\t{{.InfraId}}\t{{.InfraID}}"),
    ("pod", "ps", "--format", "table {{.Networks}}\t{{.Name}}"),
    ("pod", "ps"),
]


def test_header_lines_of_fields_podmans_map_lacks(
    hutch: Hutch, base_image: str, podman: Run
) -> None:
    for tool in (hutch, podman):
        assert tool("pod", "create", "--name", "header-p").returncode == 0
    try:
        for args in HEADER_LINES:
            ours, theirs = hutch(*args, check=False), podman(*args)
            assert (ours.returncode, theirs.returncode) == (0, 0), (args, ours.stderr)
            # the columns' words (their widths follow each store's rows)
            heads = [re.split(r"\s{2,}", r.stdout.splitlines()[0].strip()) for r in (ours, theirs)]
            assert heads[0] == heads[1], args
    finally:
        podman("pod", "rm", "-f", "header-p")
