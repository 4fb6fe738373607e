"""ADD of git repositories, cloned from real servers on loopback (git daemon, smart http)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from build_helpers import build, cache_hits, write_context
from git_server import commit_files, git, git_daemon, git_http
from harness import Hutch


@pytest.fixture
def repos(tmp_path: Path) -> Path:
    """``repo.git`` (bare): main with two commits, tag v1 on the first."""
    base = tmp_path / "srv"
    work = tmp_path / "work"
    work.mkdir()
    git("init", "-q", str(work))
    commit_files(work, {"README": "top v1\n", "src/app.txt": "app v1\n"}, "one")
    git("tag", "v1", cwd=work)
    commit_files(work, {"README": "top v2\n", "src/app.txt": "app v2\n"}, "two")
    base.mkdir()
    git("clone", "-q", "--bare", str(work), str(base / "repo.git"))
    return base


@pytest.fixture
def daemon_port(repos: Path) -> Iterator[int]:
    with git_daemon(repos) as port:
        yield port


@pytest.fixture
def http_port(repos: Path) -> Iterator[int]:
    with git_http(repos) as port:
        yield port


def test_add_git_daemon_tag_and_subdir(
    hutch: Hutch, base_image: str, tmp_path: Path, daemon_port: int
) -> None:
    url = f"git://127.0.0.1:{daemon_port}/repo.git"
    containerfile = f"FROM base\nADD {url}#v1:src /app/\nADD {url} /whole\n"
    context = write_context(tmp_path / "ctx", {}, containerfile=containerfile)
    first = build(hutch, context, "-t", "gitd")
    assert cache_hits(first) == 0
    script = "cat /app/app.txt /whole/README /whole/src/app.txt; ls -A /app /whole | tr '\\n' ' '"
    out = hutch("run", "--rm", "gitd", "sh", "-c", script).stdout
    assert out.startswith("app v1\ntop v2\napp v2\n")
    assert ".git" not in out  # dropped without --keep-git-dir
    assert "README" not in out.split("/whole:")[0]  # only the subdir went to /app
    assert cache_hits(build(hutch, context)) == 2


def test_add_git_over_smart_http_keeps_git_dir_on_request_and_follows_the_branch(
    hutch: Hutch, base_image: str, tmp_path: Path, http_port: int, repos: Path
) -> None:
    url = f"http://127.0.0.1:{http_port}/repo.git"
    containerfile = f"FROM base\nADD --keep-git-dir {url}#main /src/\n"
    context = write_context(tmp_path / "ctx", {}, containerfile=containerfile)
    build(hutch, context, "-t", "gith")
    out = hutch(
        "run", "--rm", "gith", "sh", "-c", "cat /src/README; test -f /src/.git/HEAD && echo kept"
    ).stdout
    assert out == "top v2\nkept\n"
    assert cache_hits(build(hutch, context)) == 1
    # a new commit on the branch: the step runs again and sees it
    work = tmp_path / "more"
    git("clone", "-q", str(repos / "repo.git"), str(work))
    commit_files(work, {"README": "top v3\n"}, "three")
    git("push", "-q", "origin", "main", cwd=work)
    again = build(hutch, context, "-t", "gith")
    assert cache_hits(again) == 0
    assert hutch("run", "--rm", "gith", "cat", "/src/README").stdout == "top v3\n"


def test_add_git_with_an_unknown_ref_fails_clearly(
    hutch: Hutch, base_image: str, tmp_path: Path, daemon_port: int
) -> None:
    url = f"git://127.0.0.1:{daemon_port}/repo.git#no-such-branch"
    context = write_context(tmp_path / "ctx", {}, containerfile=f"FROM base\nADD {url} /x/\n")
    result = build(hutch, context, check=False)
    assert result.returncode == 125
    assert "no-such-branch" in result.stderr
