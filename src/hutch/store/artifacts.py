"""The artifact store: an OCI image layout under ``STORAGE/artifacts``.

As podman keeps its artifacts: ``index.json`` names each artifact's manifest
(``org.opencontainers.image.ref.name``), and every blob (manifests, the empty
config, the files) is ``blobs/sha256/<hex>``, so other OCI tools read it as
``oci:STORAGE/artifacts:NAME``. It is apart from the image store on purpose:
``images``, ``rmi``, ``image prune`` and ``system check`` see only the image
tables and ``STORAGE/blobs``, so they neither list nor collect an artifact's
files, and an artifact never keeps an image's layer alive.

Every change holds ``artifacts.lock`` (flock): blobs are staged outside the
layout (in the store's temp dir, by the caller), moved in and named by the
index under the lock; a removal drops the name and then every blob no named
artifact refers to, under the same lock, so it never takes a blob that a
concurrent add has just moved in. Files are written to a temp name and renamed.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from hutch.api.errors import Conflict, InvalidArgument
from hutch.oci import mediatypes as mt
from hutch.oci.digest import sha256_of
from hutch.util.atomic import write_atomic

REF_NAME = "org.opencontainers.image.ref.name"
ANY = "*"  # put(expect=ANY): whatever the name names now, if anything
_LAYOUT = b'{"imageLayoutVersion":"1.0.0"}'


class Readable(Protocol):
    """A file or a registry response: what ``stage`` copies from."""

    def read(self, n: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class ArtifactRecord:
    name: str
    digest: str  # of the manifest, sha256:...
    manifest_raw: bytes
    created: float  # when it was stored here (the manifest blob's time)


@dataclass(frozen=True)
class StagedBlob:
    """A file copied into the store's temp dir, its digest computed on the way."""

    digest: str
    size: int
    path: Path


class ArtifactStore:
    def __init__(self, root: Path) -> None:
        self._root = root

    @property
    def root(self) -> Path:
        return self._root

    def blob_path(self, digest: str) -> Path:
        algorithm, sep, hexpart = digest.partition(":")
        if not sep or algorithm != "sha256" or "/" in hexpart or not hexpart:
            raise InvalidArgument(f"{digest}: not a sha256 digest")
        return self._root / "blobs" / algorithm / hexpart

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        self._root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._root / "artifacts.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    @staticmethod
    def stage(src: Readable, path: Path, expected: str | None = None) -> StagedBlob:
        """Copy ``src`` to ``path`` (a temp file of the caller's), hashing it; with
        ``expected`` a different digest is refused and the copy removed."""
        hasher = hashlib.sha256()
        size = 0
        with open(path, "wb") as out:
            while chunk := src.read(1 << 20):
                hasher.update(chunk)
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        digest = f"sha256:{hasher.hexdigest()}"
        if expected is not None and digest != expected:
            path.unlink(missing_ok=True)
            raise InvalidArgument(f"blob {expected}: digest mismatch (got {digest}); refused")
        return StagedBlob(digest, size, path)

    def all(self) -> list[ArtifactRecord]:
        """Every named artifact, in the order they were stored."""
        out = []
        for entry in self._index():
            name = entry.get("annotations", {}).get(REF_NAME)
            digest = entry.get("digest")
            if not isinstance(name, str) or not isinstance(digest, str):
                continue
            path = self.blob_path(digest)
            try:
                raw = path.read_bytes()
                created = path.stat().st_mtime
            except FileNotFoundError:
                continue  # removed meanwhile
            out.append(ArtifactRecord(name, digest, raw, created))
        return out

    def get(self, name: str) -> ArtifactRecord | None:
        return next((r for r in self.all() if r.name == name), None)

    def put(
        self,
        name: str,
        manifest_raw: bytes,
        blobs: Mapping[str, StagedBlob | bytes],
        expect: str | None = ANY,
    ) -> ArtifactRecord:
        """Store the blobs (staged files, or small ones as bytes), the manifest and the
        name (which moves from any artifact that had it; a blob that artifact alone
        used goes). ``expect``: the digest the name must name now (None: no artifact
        has the name), checked under the lock, so two adds never both take a name."""
        digest = str(sha256_of(manifest_raw))
        with self.lock():
            self._check(name, expect)
            self._ensure_layout()
            for blob_digest, blob in {**blobs, digest: manifest_raw}.items():
                target = self.blob_path(blob_digest)
                if target.exists():
                    if isinstance(blob, StagedBlob):
                        blob.path.unlink(missing_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                if isinstance(blob, StagedBlob):
                    os.replace(blob.path, target)
                else:
                    write_atomic(target, blob)
            entries = [e for e in self._index() if _name_of(e) != name]
            entry = {
                "mediaType": mt.OCI_MANIFEST,
                "digest": digest,
                "size": len(manifest_raw),
                "annotations": {REF_NAME: name},
            }
            self._write_index([*entries, entry])
            self._collect()
            created = self.blob_path(digest).stat().st_mtime
        # built here, not read back: a removal right after the lock is let go is no error
        return ArtifactRecord(name, digest, manifest_raw, created)

    def _check(self, name: str, expect: str | None) -> None:
        if expect == ANY:
            return
        current = next((e.get("digest") for e in self._index() if _name_of(e) == name), None)
        if current == expect:
            return
        if expect is None:
            raise Conflict(f"{name}: artifact already exists")
        raise Conflict(f"{name}: the artifact changed while this command ran: try again")

    def remove(self, name: str) -> str | None:
        """Drop the name and the blobs nothing else refers to; the manifest digest
        it named (None: no such artifact)."""
        with self.lock():
            entries = self._index()
            gone = [e for e in entries if _name_of(e) == name]
            if not gone:
                return None
            self._write_index([e for e in entries if _name_of(e) != name])
            self._collect()
        return str(gone[0]["digest"])

    def _collect(self) -> None:
        """Remove the blobs no named artifact refers to (caller holds the lock)."""
        keep: set[str] = set()
        for entry in self._index():
            digest = str(entry.get("digest"))
            keep.add(digest)
            with contextlib.suppress(OSError, ValueError, InvalidArgument):
                keep.update(_referenced(self.blob_path(digest).read_bytes()))
        directory = self._root / "blobs" / "sha256"
        if not directory.is_dir():
            return
        for path in directory.iterdir():
            if f"sha256:{path.name}" not in keep:
                path.unlink(missing_ok=True)

    def _index(self) -> list[dict[str, Any]]:
        try:
            doc = json.loads((self._root / "index.json").read_bytes())
        except FileNotFoundError:
            return []
        manifests = doc.get("manifests") if isinstance(doc, dict) else None
        return [m for m in manifests or [] if isinstance(m, dict)]

    def _write_index(self, entries: list[dict[str, Any]]) -> None:
        doc = {"schemaVersion": 2, "mediaType": mt.OCI_INDEX, "manifests": entries}
        write_atomic(self._root / "index.json", json.dumps(doc, indent=1).encode())

    def _ensure_layout(self) -> None:
        layout = self._root / "oci-layout"
        if not layout.exists():
            write_atomic(layout, _LAYOUT)


def _name_of(entry: Mapping[str, Any]) -> str | None:
    name = entry.get("annotations", {}).get(REF_NAME)
    return name if isinstance(name, str) else None


def _referenced(manifest_raw: bytes) -> set[str]:
    """The config's and the layers' digests a manifest names."""
    doc = json.loads(manifest_raw)
    out = set()
    if isinstance(doc, dict):
        for desc in [doc.get("config"), *(doc.get("layers") or [])]:
            if isinstance(desc, dict) and isinstance(desc.get("digest"), str):
                out.add(desc["digest"])
    return out
