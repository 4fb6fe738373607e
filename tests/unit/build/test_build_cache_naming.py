"""--cache-from/--cache-to: the repository checked and the step's tag named."""

from __future__ import annotations

import pytest

from hutch.api.errors import InvalidArgument
from hutch.build.cache import cache_reference, cache_repository, step_key
from hutch.oci.reference import parse_reference


@pytest.mark.parametrize(
    ("given", "normalised"),
    [("localhost:5000/cache", "localhost:5000/cache"),
     ("quay.io/org/app-cache", "quay.io/org/app-cache"),
     ("cache", "docker.io/library/cache"),
     ("me/cache", "docker.io/me/cache")],
)  # fmt: skip
def test_repository_normalised(given: str, normalised: str) -> None:
    assert cache_repository(given, "--cache-to") == normalised


@pytest.mark.parametrize("given", ["reg:5000/cache:v1", "reg:5000/c@sha256:" + "a" * 64])
def test_tag_or_digest_refused(given: str) -> None:
    with pytest.raises(InvalidArgument, match=r"--cache-from .*without a tag or digest"):
        cache_repository(given, "--cache-from")


def test_bad_name_refused() -> None:
    with pytest.raises(InvalidArgument):
        cache_repository("Reg/UPPER", "--cache-to")


def test_step_key_is_the_tag() -> None:
    key = step_key("a" * 64, "RUN date > /stamp", {"A": "1"})
    text = cache_reference("localhost:5000/cache", key)
    ref = parse_reference(text)  # a valid reference: the key fits a tag's rules
    assert (ref.registry, ref.repository, ref.tag) == ("localhost:5000", "cache", key)


def test_equal_steps_give_equal_tags() -> None:
    # two builds (two stores) that agree on a step's inputs agree on its tag
    one = cache_reference("r/c", step_key("p", "RUN x", {"A": "1", "B": "2"}, "src"))
    two = cache_reference("r/c", step_key("p", "RUN x", {"B": "2", "A": "1"}, "src"))
    assert one == two
    assert one != cache_reference("r/c", step_key("p", "RUN y", {"A": "1", "B": "2"}, "src"))
