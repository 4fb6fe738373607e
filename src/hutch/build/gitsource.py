"""ADD of a git repository (and a git build context): recognise the URL, clone it
with the host's ``git``.

A source is a git repository when it uses the ``git://`` or ``ssh://``
scheme, the scp-like ``git@host:path`` form, or is an http(s) URL whose
path ends in ``.git``. ``#REF:SUBDIR`` picks a branch, tag or commit and a
directory inside the repository, as in Docker. The clone is shallow (one
commit) where the server allows it (not over git's dumb http transport);
``.git`` is dropped unless ``--keep-git-dir`` is given. The step's cache key
is the commit the ref resolved to, so an unchanged branch is a hit and a moved
one a miss.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from hutch.api.errors import HostNotReady, HutchError, InvalidArgument
from hutch.build.sources import clean_source
from hutch.runtime.paths_in_root import resolve_in_root

TYPE_CHECKING = False  # a build that clones nothing loads no subprocess (issue 16)
if TYPE_CHECKING:
    import subprocess

_COMMIT = re.compile(r"[0-9a-fA-F]{7,64}")
_TIMEOUT = 600


@dataclass(frozen=True)
class GitSource:
    url: str  # without the fragment
    ref: str | None
    subdir: str  # relative to the repository's top, "" for all of it


@dataclass(frozen=True)
class Checkout:
    tree: Path  # what ADD copies: the work tree, or its subdir
    commit: str
    name: str  # the repository's base name (its history text)


def is_git_url(text: str) -> bool:
    if text.startswith(("git://", "ssh://", "git@")):
        return True
    if text.startswith(("http://", "https://")):
        path = urllib.parse.urlsplit(text.partition("#")[0]).path
        return path.rstrip("/").endswith(".git")
    return False


def parse_git_url(text: str, what: str = "ADD") -> GitSource:
    url, _, fragment = text.partition("#")
    ref, _, subdir = fragment.partition(":")
    if not url:
        raise InvalidArgument(f"{what} {text}: no repository URL")
    try:
        rel = clean_source(subdir) if subdir else ""
    except InvalidArgument:
        raise InvalidArgument(f"{what} {text}: the subdirectory leaves the repository") from None
    return GitSource(url, ref or None, rel)


def clone(source: GitSource, work: Path, *, keep_git_dir: bool, what: str = "ADD") -> Checkout:
    """Check ``source`` out into the new directory ``work``; ``what`` begins the
    error messages (ADD, or the build context)."""
    import shutil

    if shutil.which("git") is None:
        raise HostNotReady(
            f"{what} of a git repository needs git on the host (apt-get install git)"
        )

    def git(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return _git(source, what, *args, check=check)

    work.mkdir()
    git("init", "-q", str(work))
    git("-C", str(work), "remote", "add", "origin", source.url)
    wanted = source.ref or "HEAD"
    shallow = git(
        "-C",
        str(work),
        "fetch",
        "-q",
        "--depth=1",
        "--no-tags",
        "origin",
        wanted,
        check=False,
    )
    # The dumb http transport (a repository served as plain files) cannot fetch
    # shallow: the ref is fetched whole then.
    fetched = shallow
    if shallow.returncode != 0:
        fetched = git("-C", str(work), "fetch", "-q", "--no-tags", "origin", wanted, check=False)
    if fetched.returncode == 0:
        git("-C", str(work), "checkout", "-q", "FETCH_HEAD")
    elif source.ref is not None and _COMMIT.fullmatch(source.ref):
        # A commit the server will not hand out on its own: fetch the branches, then pick it.
        git("-C", str(work), "fetch", "-q", "--tags", "origin")
        git("-C", str(work), "checkout", "-q", source.ref)
    else:
        raise HutchError(f"{what} {_shown(source)}: {_last_line(fetched.stderr)}")
    if (work / ".gitmodules").exists():
        git(
            "-C",
            str(work),
            "submodule",
            "update",
            "-q",
            "--init",
            "--recursive",
            "--depth=1",
        )
    commit = git("-C", str(work), "rev-parse", "HEAD").stdout.strip()
    if not keep_git_dir:
        shutil.rmtree(work / ".git")
    tree = Path(resolve_in_root(str(work), source.subdir)) if source.subdir else work
    if not tree.is_dir():
        raise InvalidArgument(
            f"{what} {_shown(source)}: no directory {source.subdir} in the repository"
        )
    name = os.path.basename(urllib.parse.urlsplit(source.url).path.rstrip("/"))
    return Checkout(tree, commit, name.removesuffix(".git") or "repository")


def _git(
    source: GitSource, what: str, *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    import subprocess

    env = dict(os.environ)
    # Never wait for a password on a terminal the build does not own.
    env.update(GIT_TERMINAL_PROMPT="0", GIT_ASKPASS="true", GIT_SSH_COMMAND=_ssh_command(env))
    try:
        result = subprocess.run(
            ["git", "-c", "advice.detachedHead=false", *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=env,
            timeout=_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise HutchError(f"{what} {_shown(source)}: git timed out") from None
    if check and result.returncode != 0:
        raise HutchError(f"{what} {_shown(source)}: {_last_line(result.stderr)}")
    return result


def _ssh_command(env: dict[str, str]) -> str:
    base = env.get("GIT_SSH_COMMAND", "ssh")
    return f"{base} -o BatchMode=yes"


def _shown(source: GitSource) -> str:
    """The URL without any password it may carry."""
    parts = urllib.parse.urlsplit(source.url)
    if parts.password is None:
        return source.url
    netloc = parts.netloc.rsplit("@", 1)[1]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{parts.username}:***@{netloc}"))


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].removeprefix("fatal: ") if lines else "git failed"
