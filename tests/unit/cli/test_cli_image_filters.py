from __future__ import annotations

import pytest

from hutch.api.errors import InvalidArgument
from hutch.api.image_filters import apply_filters
from hutch.api.images import ImageSummary
from hutch.cli.image_filters import sort_rows
from hutch.util.gotemplate import GoTime

A = ImageSummary("a" * 64, ("localhost/base:latest",), "d", 100.0, 10, 0, (("team", "x"),))
B = ImageSummary("b" * 64, ("quay.io/ns/app:1", "quay.io/ns/app:2"), "d", 200.0, 30)
C = ImageSummary("c" * 64, (), "d", 300.0, 20, 0, (("team", "y"),))
ALL = [C, B, A]


def ids(images: list[ImageSummary]) -> list[str]:
    return [i.id[0] for i in images]


def test_reference_globs_full_and_short_names() -> None:
    assert ids(apply_filters(ALL, ["reference=base"])) == ["a"]
    assert ids(apply_filters(ALL, ["reference=quay.io/*"])) == ["b"]
    assert ids(apply_filters(ALL, ["reference=app:2"])) == ["b"]
    assert ids(apply_filters(ALL, ["reference=*:latest"])) == ["a"]


def test_label_dangling_before_since() -> None:
    assert ids(apply_filters(ALL, ["label=team"])) == ["c", "a"]
    assert ids(apply_filters(ALL, ["label=team=y"])) == ["c"]
    assert ids(apply_filters(ALL, ["dangling=true"])) == ["c"]
    assert ids(apply_filters(ALL, ["dangling=false"])) == ["b", "a"]
    assert ids(apply_filters(ALL, ["before=app:1"])) == ["a"]
    assert ids(apply_filters(ALL, ["since=base"])) == ["c", "b"]


def test_same_key_ors_different_keys_and() -> None:
    assert ids(apply_filters(ALL, ["reference=base", "reference=app"])) == ["b", "a"]
    assert ids(apply_filters(ALL, ["label=team", "dangling=false"])) == ["a"]


@pytest.mark.parametrize("spec", ["nokey", "colour=red", "dangling=maybe", "before=ghost"])
def test_bad_filters(spec: str) -> None:
    with pytest.raises(InvalidArgument):
        apply_filters(ALL, [spec])


def test_sort() -> None:
    rows = [
        {"CreatedAt": GoTime.from_timestamp(1), "VirtualSize": 5, "Id": "b", "Repository": "z"}
        | {"Tag": "1"},
        {"CreatedAt": GoTime.from_timestamp(3), "VirtualSize": 9, "Id": "a", "Repository": "y"}
        | {"Tag": "2"},
    ]
    assert [r["Id"] for r in sort_rows(rows, "created")] == ["a", "b"]
    assert [r["Id"] for r in sort_rows(rows, "id")] == ["a", "b"]
    assert [r["Id"] for r in sort_rows(rows, "repository")] == ["a", "b"]
    assert [r["Id"] for r in sort_rows(rows, "size")] == ["a", "b"]
    with pytest.raises(InvalidArgument):
        sort_rows(rows, "colour")


def test_sort_repository_then_tag() -> None:
    rows = [
        {"Id": i, "Repository": repo, "Tag": tag}
        for i, repo, tag in (("1", "b", "2"), ("2", "a", "9"), ("3", "b", "1"), ("4", "a", "10"))
    ]
    assert [r["Id"] for r in sort_rows(rows, "repository")] == ["4", "2", "3", "1"]
