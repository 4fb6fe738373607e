"""Where a build's context comes from: a directory, a tar (gzip or not), stdin (a tar or
a lone Containerfile), an http URL, a git repository; and the named --build-context ones."""

from __future__ import annotations

import gzip
import http.server
import io
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hutch.api.errors import HutchError, InvalidArgument
from hutch.build.contexts import NamedContext
from hutch.engine.build import _fetch_contexts, _named_contexts
from hutch.engine.build_source import _from_git, is_context_git, prepare_context
from unit.httpserve import serving


def _scratch(tmp_path: Path) -> Callable[[], Path]:
    def make() -> Path:
        return Path(tempfile.mkdtemp(prefix="scratch", dir=tmp_path))

    return make


def _tar(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


CONTEXT = {"Containerfile": b"FROM scratch\nCOPY a /a\n", "a": b"A"}


@pytest.mark.parametrize(
    ("text", "git"),
    [
        ("git://h/r", True),
        ("https://h/o/r.git", True),
        ("https://h/o/r.git#main:sub", True),
        ("http://h/o/r.git/", True),
        ("github.com/o/r", True),
        ("https://h/ctx.tar.gz", False),
        ("https://h/Containerfile", False),
        ("./r.git", False),
    ],
)
def test_which_urls_are_git(text: str, git: bool) -> None:
    assert is_context_git(text) is git


def test_a_directory_is_used_in_place(tmp_path: Path) -> None:
    prepared = prepare_context(str(tmp_path), _scratch(tmp_path), io.BytesIO())
    assert prepared.directory == tmp_path.resolve() and prepared.local


@pytest.mark.parametrize("compress", [False, True])
def test_stdin_with_a_tar_is_the_context(tmp_path: Path, compress: bool) -> None:
    data = _tar(CONTEXT)
    stdin = io.BytesIO(gzip.compress(data) if compress else data)
    prepared = prepare_context("-", _scratch(tmp_path), stdin)
    assert not prepared.local
    assert (prepared.directory / "a").read_bytes() == b"A"
    assert (prepared.directory / "Containerfile").is_file()


def test_stdin_with_a_containerfile_is_an_empty_context_beside_it(tmp_path: Path) -> None:
    prepared = prepare_context("-", _scratch(tmp_path), io.BytesIO(b"FROM scratch\n"))
    assert [p.name for p in prepared.directory.iterdir()] == ["Dockerfile"]
    assert (prepared.directory / "Dockerfile").read_text() == "FROM scratch\n"


def test_empty_stdin_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match="the input is empty"):
        prepare_context("-", _scratch(tmp_path), io.BytesIO())


def test_a_local_tar_file_is_unpacked_and_other_files_refused(tmp_path: Path) -> None:
    archive = tmp_path / "ctx.tar"
    archive.write_bytes(_tar(CONTEXT))
    prepared = prepare_context(str(archive), _scratch(tmp_path), io.BytesIO())
    assert (prepared.directory / "a").read_bytes() == b"A"
    (tmp_path / "notes.txt").write_text("just text\n")
    with pytest.raises(InvalidArgument, match=r"context must be a directory: .*or a tar archive"):
        prepare_context(str(tmp_path / "notes.txt"), _scratch(tmp_path), io.BytesIO())
    with pytest.raises(InvalidArgument, match='context must be a directory: "/'):
        prepare_context(str(tmp_path / "missing"), _scratch(tmp_path), io.BytesIO())


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A directory served over http on the loopback (a real server, its own thread)."""
    root = tmp_path / "www"
    root.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            pass

    with serving(Handler) as port:
        yield f"http://127.0.0.1:{port}", root


def test_an_http_url_of_a_tar_or_a_containerfile(tmp_path: Path, served: tuple[str, Path]) -> None:
    base, root = served
    (root / "ctx.tar.gz").write_bytes(gzip.compress(_tar(CONTEXT)))
    (root / "Containerfile").write_text("FROM scratch\n")
    prepared = prepare_context(f"{base}/ctx.tar.gz", _scratch(tmp_path), io.BytesIO())
    assert (prepared.directory / "a").read_bytes() == b"A"
    lone = prepare_context(f"{base}/Containerfile", _scratch(tmp_path), io.BytesIO())
    assert (lone.directory / "Dockerfile").read_text() == "FROM scratch\n"
    with pytest.raises(HutchError, match="prepping temporary context directory"):
        prepare_context(f"{base}/missing.tar", _scratch(tmp_path), io.BytesIO())


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_git_repository_with_a_ref_and_a_subdirectory(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    (work / "sub" / "Containerfile").write_text("FROM scratch\n")

    def git(*args: str, cwd: Path = work) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=cwd,
            check=True,
            capture_output=True,
        )

    git("init", "-q", "-b", "main")
    git("add", ".")
    git("commit", "-q", "-m", "one")
    git("tag", "v1")
    git("clone", "-q", "--bare", str(work), str(repo), cwd=tmp_path)
    tree = _from_git(f"file://{repo}#v1:sub", _scratch(tmp_path)(), "build context")
    assert (tree / "Containerfile").read_text() == "FROM scratch\n"
    with pytest.raises(InvalidArgument, match=r"build context .*no directory nope"):
        _from_git(f"file://{repo}#main:nope", _scratch(tmp_path)(), "build context")


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_git_repository_over_dumb_http_is_fetched_whole(
    tmp_path: Path, served: tuple[str, Path]
) -> None:
    """A repository served as plain files takes no shallow fetch: the ref comes whole."""
    base, root = served
    work = tmp_path / "work"
    work.mkdir()
    (work / "Containerfile").write_text("FROM scratch\n")
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-q", "-m", "one"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=work,
            check=True,
            capture_output=True,
        )
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(root / "r.git")], check=True)
    subprocess.run(["git", "update-server-info"], cwd=root / "r.git", check=True)
    prepared = prepare_context(f"{base}/r.git#main", _scratch(tmp_path), io.BytesIO())
    assert (prepared.directory / "Containerfile").read_text() == "FROM scratch\n"


def test_named_contexts_are_checked_and_fetched(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    named = _named_contexts((f"src={tmp_path / 'src'}", "img=docker-image://alpine"))
    fetched = _fetch_contexts(named, _scratch(tmp_path))
    assert fetched == {
        "src": NamedContext("dir", str((tmp_path / "src").resolve())),
        "img": NamedContext("image", "alpine"),
    }
    with pytest.raises(InvalidArgument, match=r"--build-context x: .*no such directory"):
        _named_contexts((f"x={tmp_path / 'missing'}",))
