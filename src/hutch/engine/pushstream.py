"""A plain layer gzipped while it is uploaded: the first push of a built image.

A push sends plain layers gzipped (``engine/pushconvert.py``). Compressing a
layer into a file and then uploading the file read the layer, wrote the gzip,
read it again to hash it and read it once more to send it, one step after the
other: a first push of a 130 MB layer took twice podman's time. podman
(containers/image) compresses while it uploads, and so does this: one pass
reads the layer, gzips it into a streamed upload (``PATCH`` with chunked
transfer encoding, ``RegistryClient.upload_stream``; a PATCH per ``[registry]
chunk_size`` of the gzip, as a sized push cuts a blob) and hashes what it sends;
the ``PUT ?digest=`` then names the digest the stream came to, and the registry
accepts the blob only if its own hash agrees. The digest and size go into the
manifest; the record of what the layer compressed to is written only after the
registry accepted that manifest (``Distribution.remember``), so a push that fails
or is killed mid-way records nothing and leaves an upload session the registry
cancels or expires.

A registry that refuses a streamed upload (``StreamRefused``: 405, 411, 416 and
the like to the ``PATCH``) gets the layer as before: gzipped into a file, then
sent with its size. ``Fallback`` says so once per push, with the registry's
answer, and spares the other layers the refused attempt.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING

from hutch.oci.digest import parse_digest
from hutch.store.blobinfo import CompressedBlob
from hutch.store.compression import GzipReader, HashingReader
from hutch.util import testpoint

if TYPE_CHECKING:
    from hutch.engine.pushconvert import Streamed
    from hutch.registry.client import RegistryClient
    from hutch.registry.progress import Progress


class Fallback:
    """One push's knowledge that its registry refuses streamed uploads (the layers
    go up from worker threads: the first refusal is told, and holds for the rest)."""

    def __init__(self, registry: str) -> None:
        self._registry = registry
        self._lock = threading.Lock()
        self.reason: str | None = None

    def refused(self, reason: str) -> None:
        with self._lock:
            if self.reason is not None:
                return
            self.reason = reason
        print(
            f"WARN: registry {self._registry} refused a streamed upload ({reason}): "
            "compressing each layer into a file first",
            file=sys.stderr,
            flush=True,
        )


def stream_gzipped(
    client: RegistryClient,
    repository: str,
    layer: Streamed,
    progress: Progress,
    chunk_size: int = 0,
) -> CompressedBlob:
    """Upload ``layer`` gzipped at its level, made as it is sent; the blob it came to.

    Progress counts the plain layer (its diff id and size), as podman shows the
    source blob while it compresses it."""
    location = client.start_upload(repository)
    blob = progress.start("blob", layer.diff_id, layer.size)
    started = [False]

    def advance(n: int) -> None:
        progress.advance(blob, n)
        if not started[0]:
            started[0] = True
            testpoint.pause("push-stream-started")  # part of the layer sent, no PUT yet

    from hutch.registry.errors import StreamRefused

    # the reader closed however the upload ends: a cancelled one stops its threads
    with open(layer.path, "rb") as plain, GzipReader(plain, layer.level, advance) as gz:
        gzipped = HashingReader(gz)
        try:
            client.upload_stream(
                repository,
                location,
                gzipped,
                lambda: parse_digest(gzipped.digest),
                chunk_size=chunk_size,  # [registry] chunk_size: PATCHes of at most that
            )
        except StreamRefused:
            progress.finish(blob, "streamed upload refused")
            raise
    progress.finish(blob)
    return CompressedBlob(gzipped.digest, gzipped.count)
