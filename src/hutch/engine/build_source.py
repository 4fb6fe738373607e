"""Where a build's context comes from: a directory, a tar, standard input, a URL, git.

As podman (buildah) reads the CONTEXT argument: ``-`` is standard input, a
tar archive (gzip or not) that becomes the context, or else a Containerfile
with an empty context; an ``http(s)`` URL is fetched the same way; a URL
with the ``git://`` scheme or a path ending in ``.git``, and
``github.com/OWNER/REPO``, is cloned (``#REF:SUBDIR`` picks a branch, tag or
commit and a directory in it). A local file is a tar archive (the API
service's upload). Everything fetched lands in a scratch directory the
caller removes.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hutch.api.errors import HutchError, InvalidArgument

TYPE_CHECKING = False  # typing costs a cached build an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import BinaryIO

# buildah writes a Containerfile that came alone under this name
_LONE_FILE = "Dockerfile"
_TIMEOUT = 60
_TAR_MAGIC_AT = 257


@dataclass(frozen=True)
class PreparedContext:
    directory: Path
    local: bool  # the user's own directory (not unpacked or fetched by hutch)


def is_context_git(text: str) -> bool:
    """podman's rule: a git:// prefix or a .git suffix (and github.com/ as buildah)."""
    if text.startswith(("git://", "github.com/")):
        return True
    if text.startswith(("http://", "https://")):
        path = urllib.parse.urlsplit(text.partition("#")[0]).path
        return path.rstrip("/").endswith(".git")
    return False


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://")) or is_context_git(text)


def prepare_context(
    context: str, scratch: Callable[[], Path], stdin: BinaryIO, what: str = "build context"
) -> PreparedContext:
    """The context directory ``context`` names (fetched or unpacked into ``scratch()``)."""
    if context == "-":
        return PreparedContext(_from_stream(stdin, scratch(), what), False)
    if is_context_git(context):
        return PreparedContext(_from_git(context, scratch(), what), False)
    if context.startswith(("http://", "https://")):
        return PreparedContext(_from_url(context, scratch(), what), False)
    path = Path(context)
    if path.is_dir():
        return PreparedContext(path.resolve(), True)
    # podman's words; a tar archive (the API service's upload) is hutch's own addition
    refusal = f'context must be a directory: "{os.path.abspath(context)}"'
    if not path.is_file():
        raise InvalidArgument(refusal)
    directory = scratch() / "context"
    directory.mkdir()
    with path.open("rb") as archive:
        if not _is_archive(archive):
            raise InvalidArgument(f"{refusal} (or a tar archive)")
        _extract(archive, directory)
    return PreparedContext(directory, False)


def _from_stream(src: BinaryIO, work: Path, what: str) -> Path:
    """A tar (the context) or a Containerfile (an empty context besides it)."""
    saved = work / "input"
    with saved.open("wb") as out:
        import shutil  # here: its import loads bz2 and lzma, which a local context never needs

        shutil.copyfileobj(src, out, 1 << 20)
    return _context_of_file(saved, work, what)


def _context_of_file(saved: Path, work: Path, what: str) -> Path:
    directory = work / "context"
    directory.mkdir()
    with saved.open("rb") as data:
        if _is_archive(data):
            _extract(data, directory)
            saved.unlink()
            return directory
    if saved.stat().st_size == 0:
        raise InvalidArgument(
            f"{what}: the input is empty (expected a tar archive or a Containerfile)"
        )
    saved.rename(directory / _LONE_FILE)
    return directory


def _from_url(url: str, work: Path, what: str) -> Path:
    import urllib.request

    saved = work / "download"
    try:
        with urllib.request.urlopen(url, timeout=_TIMEOUT) as response, saved.open("wb") as out:
            import shutil

            shutil.copyfileobj(response, out, 1 << 20)
    except OSError as exc:
        raise HutchError(f"prepping temporary context directory: {what} {url}: {exc}") from None
    return _context_of_file(saved, work, what)


def _from_git(text: str, work: Path, what: str) -> Path:
    from hutch.build.gitsource import clone, parse_git_url

    if text.startswith("github.com/"):
        text = f"https://{text}"
    source = parse_git_url(text, what)
    return clone(source, work / "git", keep_git_dir=False, what=what).tree


def _is_archive(data: BinaryIO) -> bool:
    """Whether ``data`` is a tar archive, compressed (gzip, zstd) or not; rewound after."""
    from hutch.store.compression import sniff

    try:
        with sniff(data) as (_compression, stream):
            head = stream.read(_TAR_MAGIC_AT + 5)
    except (OSError, EOFError, HutchError):
        head = b""
    data.seek(0)
    return head[_TAR_MAGIC_AT : _TAR_MAGIC_AT + 5] == b"ustar"


def _extract(data: BinaryIO, directory: Path) -> None:
    from hutch.store.tarextract import extract_layer

    # An entry that would land outside the context is refused (UnsafeArchive).
    extract_layer(data, directory, whiteouts="apply", chown="ignore")
