"""Ignore files with Docker's .dockerignore semantics."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument
from hutch.build.ignore import IgnoreMatcher, clean_path, find_ignore_file


def matcher(*lines: str) -> IgnoreMatcher:
    return IgnoreMatcher.from_lines(lines)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("", "."),
        ("a//b", "a/b"),
        ("./a/./b/", "a/b"),
        ("a/../b", "b"),
        ("/../a", "/a"),
        ("../a", "../a"),
        ("//a", "/a"),
        ("/", "/"),
    ],
)
def test_clean_path_like_go(path: str, expected: str) -> None:
    assert clean_path(path) == expected


def test_comments_blank_lines_and_bom() -> None:
    m = IgnoreMatcher.from_file_text("\ufeff# comment\n\n   \nsecret\n")
    assert [p.text for p in m.patterns] == ["secret"]
    assert m.matches("secret")
    assert not m.matches("# comment")


def test_hash_not_in_first_column_is_a_pattern() -> None:
    m = matcher(" #file")
    assert m.matches("#file")


def test_patterns_are_cleaned_and_leading_slash_dropped() -> None:
    m = matcher("/build/", "./docs//api/../out", "  spaced  ")
    assert [p.text for p in m.patterns] == ["build", "docs/out", "spaced"]
    assert m.matches("build")
    assert m.matches("docs/out/x.html")
    assert not m.matches("docs/api")
    assert m.matches("spaced")


def test_paths_given_to_matches_are_cleaned_too() -> None:
    m = matcher("a/b")
    assert m.matches("./a//b")
    assert m.matches("/a/b/")
    assert not m.matches(".")


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("*.md", "README.md", True),
        ("*.md", "docs/README.md", False),
        ("*/*.md", "docs/README.md", True),
        ("**/*.md", "README.md", True),
        ("**/*.md", "a/b/c/README.md", True),
        ("**", "anything/at/all", True),
        ("a/**/z", "a/z", True),
        ("a/**/z", "a/b/c/z", True),
        ("a/**/z", "b/a/z", False),
        ("a/**", "a/b/c", True),
        ("file?.txt", "file1.txt", True),
        ("file?.txt", "file10.txt", False),
        ("?", "/", False),
        ("[abc].txt", "b.txt", True),
        ("[abc].txt", "d.txt", False),
        ("[a-c].txt", "c.txt", True),
        ("[^a-c].txt", "d.txt", True),
        ("[^a-c].txt", "a.txt", False),
        ("x*", "x/y", True),
        ("*", "a/b", True),
        ("\\*.txt", "*.txt", True),
        ("\\*.txt", "a.txt", False),
        ("a.b", "axb", False),
        ("(x)+", "(x)+", True),
    ],
)
def test_wildcards(pattern: str, path: str, expected: bool) -> None:
    assert matcher(pattern).matches(path) is expected


def test_directory_pattern_excludes_everything_beneath() -> None:
    m = matcher("node_modules")
    assert m.matches("node_modules")
    assert m.matches("node_modules/pkg/index.js")
    assert not m.matches("src/node_modules")
    assert not m.matches("node_modules_old")


def test_exceptions_last_match_wins() -> None:
    m = matcher("*.md", "!README.md", "README*")
    assert m.matches("CHANGES.md")
    assert m.matches("README.md")  # the last pattern excludes it again
    m2 = matcher("*.md", "!README.md")
    assert not m2.matches("README.md")
    assert m2.matches("CHANGES.md")


def test_exception_inside_excluded_directory() -> None:
    m = matcher("docs", "!docs/keep.md")
    assert m.matches("docs")
    assert m.matches("docs/other.md")
    assert not m.matches("docs/keep.md")


def test_exception_re_includes_directory_contents() -> None:
    m = matcher("*", "!src", "src/*.tmp")
    assert m.matches("README")
    assert not m.matches("src")
    assert not m.matches("src/main.py")
    assert m.matches("src/x.tmp")


def test_exclude_everything_but_one() -> None:
    m = matcher("**", "!Dockerfile")
    assert not m.matches("Dockerfile")
    assert m.matches("src/Dockerfile")


def test_may_contain_included() -> None:
    m = matcher("docs", "vendor", "!docs/api/*.html", "!**/KEEP")
    assert m.may_contain_included("docs")
    assert m.may_contain_included("docs/api")
    assert m.may_contain_included("vendor")  # via **/KEEP
    no_wild = matcher("docs", "vendor", "!docs/api/*.html")
    assert no_wild.may_contain_included("docs")
    assert no_wild.may_contain_included("docs/api")
    assert not no_wild.may_contain_included("docs/guide")
    assert not no_wild.may_contain_included("vendor")
    assert not matcher("docs").may_contain_included("docs")


def test_may_contain_included_when_exception_names_a_parent() -> None:
    m = matcher("a/b", "!a")
    assert m.may_contain_included("a/b/c")


def test_has_exceptions() -> None:
    assert matcher("a", "!b").has_exceptions
    assert not matcher("a").has_exceptions


@pytest.mark.parametrize("lines", [("!",), ("[abc",), ("a\\",), ("[]",)])
def test_bad_patterns(lines: tuple[str, ...]) -> None:
    with pytest.raises(InvalidArgument, match="ignore file"):
        IgnoreMatcher.from_lines(lines)


def test_find_ignore_file_prefers_per_file_then_containerignore(tmp_path: Path) -> None:
    assert find_ignore_file(tmp_path, "Containerfile") is None
    (tmp_path / ".dockerignore").write_text("x\n")
    assert find_ignore_file(tmp_path, "Containerfile") == tmp_path / ".dockerignore"
    (tmp_path / ".containerignore").write_text("x\n")
    assert find_ignore_file(tmp_path, "Containerfile") == tmp_path / ".containerignore"
    sub = tmp_path / "docker"
    sub.mkdir()
    (sub / "app.Dockerfile.dockerignore").write_text("x\n")
    assert find_ignore_file(tmp_path, "docker/app.Dockerfile") == (
        sub / "app.Dockerfile.dockerignore"
    )
    (sub / "app.Dockerfile.containerignore").write_text("x\n")
    assert find_ignore_file(tmp_path, str(sub / "app.Dockerfile")) == (
        sub / "app.Dockerfile.containerignore"
    )


def test_find_ignore_file_ignores_directories(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").mkdir()
    assert find_ignore_file(tmp_path, "Dockerfile") is None
