"""``build -o/--output``: the final stage's file system exported besides the image.

podman (buildah) and BuildKit accept ``type=local,dest=DIR``,
``type=tar,dest=FILE``, a bare ``DIR`` (local) and ``-`` (a tar on standard
output, as ``type=tar,dest=-``). The tar is written from the merged root of
the final image's layers; a local export unpacks that tar into the directory.
Rootless, the files there belong to the user who ran the build (as buildah
does: the image's owners would be sub-ids the user cannot remove).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from hutch.api.build import BuildOutput
from hutch.api.errors import InvalidArgument

TYPE_CHECKING = False  # typing costs a cached build an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import BinaryIO


def check_output(output: BuildOutput) -> None:
    """What can be refused before the build runs."""
    if output.to_stdout and os.isatty(sys.stdout.fileno()):
        raise InvalidArgument(
            "--output -: refusing to write a tar archive to a terminal "
            "(redirect standard output, or give type=tar,dest=FILE)"
        )
    if output.kind == "local":
        dest = Path(output.dest)
        if dest.exists() and not dest.is_dir():
            raise InvalidArgument(f"--output {output.dest}: not a directory")
    else:
        parent = Path(output.dest).parent if output.dest != "-" else Path(".")
        if not parent.is_dir():
            raise InvalidArgument(f"--output {output.dest}: {parent}: no such directory")


def export_root(root: Path, output: BuildOutput, scratch: Path, *, keep_owners: bool) -> None:
    """Write the file system under ``root`` where ``output`` says."""
    from hutch.store.tarwrite import write_layer_tar

    if output.kind == "tar":
        with _tar_sink(output.dest) as out:
            write_layer_tar(root, out, source="plain")
        return
    from hutch.store.tarextract import extract_layer

    tar_path = scratch / "output.tar"
    with open(tar_path, "wb") as out:
        write_layer_tar(root, out, source="plain")
    dest = Path(output.dest)
    dest.mkdir(parents=True, exist_ok=True)
    with open(tar_path, "rb") as src:
        extract_layer(src, dest, whiteouts="apply", chown="strict" if keep_owners else "none")
    tar_path.unlink()


@contextlib.contextmanager
def _tar_sink(dest: str) -> Iterator[BinaryIO]:
    if dest == "-":
        sys.stdout.flush()
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    # Written in place: DEST may be a pipe or a device, not only a regular file.
    with open(dest, "wb") as out:
        yield out
