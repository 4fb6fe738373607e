"""pod ps's default table without the template engine: the same text as podman's
template ``table {{.Id}}\\t{{.Name}}...`` gives through it (issue 16: a default
listing loads no template code)."""

from __future__ import annotations

import itertools
import time

import pytest

from hutch.api.pod_list import PodMember, PodSummary
from hutch.cli import pod_ls, templating
from hutch.cli.pod_render import HEADERS, UNHEADED, row

NOW = time.time()
MEMBERS = (PodMember("b" * 64, "web-infra", "running"), PodMember("c" * 64, "app", "running"))
PODS = [
    PodSummary("a" * 64, "web", "Running", NOW - 5, "b" * 64, (("k", "v"),), MEMBERS),
    PodSummary("d" * 64, "a-much-longer-pod-name", "Created", NOW - 7200, "", (), ()),
]


def _through_template(rows: list[dict[str, object]], columns: list[str], heading: bool) -> str:
    fmt = "table " + "\\t".join(f"{{{{.{c}}}}}" for c in columns)
    return templating.render_template(
        fmt, rows, HEADERS, name="ps", type_name="pods.ListPodReporter", heading=heading,
        unheaded=UNHEADED,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("ns", "ids", "names", "status", "heading", "count"),
    [(*flags, heading, count)
     for flags in itertools.product((False, True), repeat=4)
     for heading in (True, False) for count in (0, 1, 2)],
)  # fmt: skip
def test_the_default_table_is_the_template_s(
    ns: bool, ids: bool, names: bool, status: bool, heading: bool, count: int
) -> None:
    columns = pod_ls.default_columns(ns=ns, ctr_ids=ids, ctr_names=names, ctr_status=status)
    rows = [row(p, no_trunc=False) for p in PODS[:count]]
    want = _through_template(rows, columns, heading)
    assert pod_ls.default_table(rows, columns, heading=heading) == want
    assert want.count("\n") == count + heading  # it could differ: a line per row
