from __future__ import annotations

import pytest

from hutch.api.errors import InvalidArgument
from hutch.api.image_filters import apply_filters as apply_with
from hutch.api.images import ImageSummary
from hutch.cli.image_filters import sort_rows
from hutch.util.durations import parse_time
from hutch.util.gotemplate import GoTime

A = ImageSummary("a" * 64, ("localhost/base:latest",), "d", 100.0, 10, 0, (("team", "x"),))
B = ImageSummary("b" * 64, ("quay.io/ns/app:1", "quay.io/ns/app:2"), "d", 200.0, 30)
C = ImageSummary("c" * 64, (), "d", 300.0, 20, 0, (("team", "y"),))
ALL = [C, B, A]


def apply_filters(images: list[ImageSummary], specs: list[str]) -> list[ImageSummary]:
    return apply_with(images, specs, parse_time=parse_time)


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


def test_until_readonly_containers_and_label_not() -> None:
    used = ImageSummary("d" * 64, ("localhost/used:1",), "d", 50.0, 5, 2)
    images = [*ALL, used]
    assert ids(apply_filters(images, ["until=250"])) == ["b", "a", "d"]
    assert ids(apply_filters(images, ["readonly=false"])) == ["c", "b", "a", "d"]
    assert ids(apply_filters(images, ["readonly=true"])) == []
    assert ids(apply_filters(images, ["containers=true"])) == ["d"]
    assert ids(apply_filters(images, ["containers=false"])) == ["c", "b", "a"]
    assert ids(apply_filters(images, ["label!=team"])) == ["b", "d"]
    assert ids(apply_filters(images, ["label!=team=x"])) == ["c", "b", "d"]
    assert ids(apply_filters(images, ["dangling=T"])) == ["c"]  # Go's ParseBool
    listed = ImageSummary("e" * 64, ("localhost/ml:latest",), "d", 60.0, 1, manifest_list=True)
    assert ids(apply_filters([*images, listed], ["manifest=true"])) == ["e"]
    assert ids(apply_filters([*images, listed], ["manifest=false"])) == ["c", "b", "a", "d"]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            "dangling=maybe",
            'non-boolean value "dangling" for maybe filter: '
            'strconv.ParseBool: parsing "maybe": invalid syntax',
        ),
        (
            "before=ghost",
            'could not find local image for filter filter "before"="ghost": ghost: image not known',
        ),
        ("until=soon", 'failed to parse value as time or duration: "soon"'),
        ("containers=maybe", 'unsupported value "maybe" for containers filter'),
        ("colour=red", 'unsupported image filter "colour"'),
        (
            "reference",
            'invalid image filter "reference": must be in the format '
            '"filter=value or filter!=value"',
        ),
    ],
)
def test_podman_words_for_bad_filters(spec: str, message: str) -> None:
    """podman 4.3.1's words (its filter code is the same in current podman)."""
    with pytest.raises(InvalidArgument) as caught:
        apply_filters(ALL, [spec])
    assert str(caught.value) == message


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
    assert [r["Id"] for r in sort_rows(rows, "size")] == ["b", "a"]  # podman: smallest first
    with pytest.raises(InvalidArgument, match=r'^"colour" is not a valid field for sorting\. '):
        sort_rows(rows, "colour")


def test_sort_repository_then_tag() -> None:
    rows = [
        {"Id": i, "Repository": repo, "Tag": tag}
        for i, repo, tag in (("1", "b", "2"), ("2", "a", "9"), ("3", "b", "1"), ("4", "a", "10"))
    ]
    assert [r["Id"] for r in sort_rows(rows, "repository")] == ["4", "2", "3", "1"]


def test_intermediate_and_dangling_as_podman_tells_them_apart() -> None:
    """podman: an untagged image with images built on it is intermediate, an untagged
    one without is dangling; a tagged one is neither."""
    step = ImageSummary("s" * 64, (), "d", 50.0, 1, intermediate=True, parent=True)
    base = ImageSummary("p" * 64, ("localhost/p:latest",), "d", 40.0, 1, parent=True)
    images = [*ALL, step, base]
    assert ids(apply_filters(images, ["intermediate=true"])) == ["s"]
    assert ids(apply_filters(images, ["intermediate=false"])) == ["c", "b", "a", "p"]
    assert ids(apply_filters(images, ["dangling=true"])) == ["c"]
    assert ids(apply_filters(images, ["dangling=false"])) == ["b", "a", "s", "p"]


def test_digest_filter_matches_the_manifest_digest() -> None:
    d = ImageSummary("d" * 64, ("localhost/d:latest",), "sha256:" + "1" * 64, 1.0, 1)
    assert ids(apply_filters([*ALL, d], ["digest=sha256:" + "1" * 64])) == ["d"]
    assert ids(apply_filters([*ALL, d], ["digest=sha256:" + "2" * 64])) == []
    with pytest.raises(InvalidArgument, match=r'^invalid value "1234" for digest filter$'):
        apply_filters(ALL, ["digest=1234"])


@pytest.mark.parametrize("key", ["dangling", "intermediate", "readonly", "manifest", "containers"])
def test_a_boolean_filter_twice_with_different_values_is_refused(key: str) -> None:
    """podman 4.3.1's words; ``images`` without -a adds intermediate=false itself, so
    intermediate=true needs -a there."""
    with pytest.raises(InvalidArgument) as caught:
        apply_filters(ALL, [f"{key}=true", f"{key}=false"])
    assert str(caught.value) == (
        f'specifying "{key}" filter more than once with different values is not supported'
    )
    assert apply_filters(ALL, [f"{key}=true", f"{key}=true"]) is not None
