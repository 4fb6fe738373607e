"""A build cache entry of a compose file or the Docker API (api/build_cache.py):
a reference or ``type=registry,ref=`` -> the registry cache's repository; other
backends and tagged references -> ignored with the reason; malformed -> ValueError."""

from __future__ import annotations

import pytest

from hutch.api.build_cache import CacheSource, cache_source


@pytest.mark.parametrize(
    ("text", "repository"),
    [
        ("127.0.0.1:5000/team/cache", "127.0.0.1:5000/team/cache"),
        ("type=registry,ref=reg.io/app/cache", "reg.io/app/cache"),
        ("localhost:5000/c", "localhost:5000/c"),  # a port is no tag
        # the repository's syntax is checked by the build when it starts (build --cache-from)
        ("type=registry,ref=Up/c", "Up/c"),
        # BuildKit's export settings change nothing: hutch pushes every step
        ("type=registry,ref=reg.io/c,mode=max,oci-mediatypes=true", "reg.io/c"),
        (" type = registry , ref = reg.io/c ", "reg.io/c"),
    ],
)
def test_registry_repositories_are_used(text: str, repository: str) -> None:
    assert cache_source(text) == CacheSource(text, repository)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("type=local,src=/tmp/cache", "type=local is BuildKit's cache directory format"),
        ("type=gha", "type=gha is GitHub Actions' cache service"),
        ("type=inline", "type=inline is BuildKit's cache records inside the built image"),
        ("type=s3,region=x,bucket=y", "type=s3 is an S3 bucket"),
        ("type=azblob,name=x", "type=azblob is Azure Blob Storage"),
        ("type=custom,x=1", "hutch knows no cache type 'custom'"),
        # one image (Docker's classic cache image, BuildKit's cache manifest), not a repository
        ("reg.io/app:buildcache", "reg.io/app:buildcache names one image"),
        ("type=registry,ref=reg.io/app:cache,mode=max", "reg.io/app:cache names one image"),
        (f"reg.io/app@sha256:{'a' * 64}", "names one image"),
    ],
)
def test_what_hutch_cannot_use_is_ignored_with_the_reason(text: str, reason: str) -> None:
    entry = cache_source(text)
    assert entry.repository is None
    assert reason in entry.ignored


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "an empty cache entry"),
        ("  ", "an empty cache entry"),
        ("type=registry", "type=registry needs ref=REPOSITORY"),
        ("type=registry,ref=", "type=registry needs ref=REPOSITORY"),
        ("ref=reg.io/c", "give type=TYPE"),
        ("type=registry,ref=reg.io/c,bogus", "expected KEY=VALUE, found 'bogus'"),
        ("type=registry,ref=reg.io/c,ignore-error=true", "no registry cache attribute"),
    ],
)
def test_malformed_entries_are_refused(text: str, error: str) -> None:
    with pytest.raises(ValueError, match=error.replace("(", r"\(")):
        cache_source(text)
