"""Which ADD sources are git repositories, and what their fragment means."""

from __future__ import annotations

import pytest

from hutch.api.errors import InvalidArgument
from hutch.build.gitsource import GitSource, is_git_url, parse_git_url


@pytest.mark.parametrize(
    "text",
    [
        "git://example.org/repo.git",
        "git@github.com:owner/repo.git#main",
        "ssh://git@example.org/repo",
        "https://example.org/owner/repo.git#v1.2:docs",
        "http://127.0.0.1:8080/repo.git/",
    ],
)
def test_git_urls(text: str) -> None:
    assert is_git_url(text)


@pytest.mark.parametrize(
    "text", ["https://example.org/file.tar.gz", "https://example.org/x.git.tar", "repo.git"]
)
def test_not_git_urls(text: str) -> None:
    assert not is_git_url(text)


def test_fragment_names_ref_and_subdir() -> None:
    assert parse_git_url("https://h/r.git#v1:a/b/") == GitSource("https://h/r.git", "v1", "a/b")
    assert parse_git_url("git@h:o/r.git") == GitSource("git@h:o/r.git", None, "")
    assert parse_git_url("git://h/r.git#:sub") == GitSource("git://h/r.git", None, "sub")


def test_subdir_may_not_leave_the_repository() -> None:
    with pytest.raises(InvalidArgument, match="leaves the repository"):
        parse_git_url("git://h/r.git#main:../etc")
