"""search over registries' catalogs: which registries, the term, --limit, --list-tags."""

from __future__ import annotations

from typing import Any, cast

import pytest

from hutch.api.errors import HutchError
from hutch.api.images import RegistryAccess, SearchOptions, SearchResult
from hutch.engine.distribution import Distribution
from hutch.registry.errors import ManifestUnknown, RegistryError
from hutch.registry.registries_conf import RegistriesConf

CATALOGS = {
    "a.io": [f"app{i}" for i in range(30)] + ["tools/x"],
    "b.io:5000": ["app", "other"],
}


class FakeClient:
    """The two calls search makes, answered from CATALOGS (a fake for the logic only)."""

    def __init__(self, registry: str) -> None:
        self.registry = registry

    def catalog(self) -> list[str]:
        if self.registry not in CATALOGS:
            raise RegistryError("TLS connection failed", hint="use --tls-verify=false")
        return CATALOGS[self.registry]

    def list_tags(self, repository: str) -> list[str]:
        if repository != "app":
            raise ManifestUnknown(f"{self.registry}/{repository}: repository unknown")
        return ["2", "1", "latest"]


def distribution(search: tuple[str, ...]) -> Distribution:
    dist = Distribution(cast(Any, None), env={})
    dist._conf = RegistriesConf(search=search)

    def client(registry: str, access: RegistryAccess, insecure: bool = False) -> Any:
        return FakeClient(registry)

    dist.client = client  # type: ignore[method-assign]
    return dist


def names(results: list[SearchResult]) -> list[str]:
    return [r.name for r in results]


def test_limit_is_per_registry_with_podmans_defaults() -> None:
    dist = distribution(("a.io", "b.io:5000"))
    found = dist.search(SearchOptions("app", limit=0))  # 0: 25 from each
    assert len(found) == 26 and found[-1] == SearchResult("b.io:5000/app", "b.io:5000")
    assert names(dist.search(SearchOptions("app", limit=1))) == ["a.io/app0", "b.io:5000/app"]
    assert dist.search(SearchOptions("app", limit=-1)) == []


def test_a_registry_in_the_term_is_the_only_one_searched() -> None:
    dist = distribution(("a.io",))
    assert names(dist.search(SearchOptions("b.io:5000/"))) == ["b.io:5000/app", "b.io:5000/other"]
    assert names(dist.search(SearchOptions("a.io/tools"))) == ["a.io/tools/x"]
    assert distribution(()).search(SearchOptions("app")) == []  # no search registries


def test_one_registry_answering_is_enough_and_all_failing_is_an_error() -> None:
    dist = distribution(("down.io", "b.io:5000"))
    assert names(dist.search(SearchOptions("other"))) == ["b.io:5000/other"]
    with pytest.raises(HutchError) as failed:
        distribution(("down.io",)).search(SearchOptions("x"))
    assert str(failed.value) == (
        '1 error occurred:\n\t* couldn\'t search registry "down.io": TLS connection failed\n\n'
    )
    assert failed.value.hint == "use --tls-verify=false"
    with pytest.raises(HutchError, match="Docker Hub's search API is not supported"):
        distribution(("docker.io",)).search(SearchOptions("x"))


def test_list_tags() -> None:
    dist = distribution(())
    found = dist.search(SearchOptions("b.io:5000/app:1", limit=2, list_tags=True))
    assert found == [SearchResult("b.io:5000/app", "b.io:5000", tag=t) for t in ("2", "1")]
    with pytest.raises(
        HutchError, match=r"^1 error occurred:\n\t\* getting repository tags: b\.io"
    ):
        dist.search(SearchOptions("b.io:5000/nope", list_tags=True))
