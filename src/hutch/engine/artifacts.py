"""``engine.artifacts``: OCI artifacts in their own store (store/artifacts.py),
built from files, extracted to files, pulled from and pushed to registries.

A noun of its own rather than part of ``engine.images`` (where podman has
them): artifacts share no record with images, and ``hutch images`` then never
loads this module. Pull and push go through the same registry client, auth,
TLS settings and progress lines as images do (``engine/distribution.py``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from hutch.api.artifacts import (
    ArtifactAddOptions,
    ArtifactExtractOptions,
    ArtifactInspect,
    ArtifactPullOptions,
    ArtifactPushOptions,
    ArtifactRemoveOptions,
    ArtifactSummary,
)
from hutch.api.errors import Conflict, InvalidArgument, NoSuchObject
from hutch.engine.context import EngineContext
from hutch.oci import artifact as oa
from hutch.oci.digest import sha256_of
from hutch.store.artifacts import ANY

if TYPE_CHECKING:
    from hutch.oci.reference import Reference
    from hutch.registry.client import RegistryClient
    from hutch.registry.progress import Progress
    from hutch.store.artifacts import ArtifactRecord, ArtifactStore, StagedBlob

SNIFF = 512  # the bytes a file's type is told from (as Go's DetectContentType)


class ArtifactService:
    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    @cached_property
    def _store(self) -> ArtifactStore:
        from hutch.store.artifacts import ArtifactStore

        return ArtifactStore(self._ctx.paths.artifacts)

    # ------------------------------------------------------------ local verbs

    def add(self, options: ArtifactAddOptions) -> str:
        """Store the files as an artifact; the hex of its manifest digest."""
        name = oa.artifact_name(options.name)
        annotations = oa.parse_annotations(options.annotations)
        base, expect = self._add_base(name, options)
        from hutch.store.layers import remove_tree

        tmp = self._ctx.layers.new_tmp()
        try:
            layers = list(base.layers) if base else []
            staged: dict[str, StagedBlob | bytes] = {}
            for n, file in enumerate(options.files):
                layer, blob = self._stage_file(file, tmp / str(n), options.file_type, annotations)
                oa.check_title(layer.title or "", names=[x.title for x in layers])
                layers.append(layer)
                staged[blob.digest] = blob
            staged[str(sha256_of(oa.EMPTY_CONFIG))] = oa.EMPTY_CONFIG
            if base is not None:
                # appending keeps what the artifact was: its type and its creation time
                raw = oa.build_manifest(layers, base.artifact_type, dict(base.annotations))
            else:
                created = {oa.CREATED: oa.rfc3339nano(time.time())}
                raw = oa.build_manifest(layers, options.artifact_type, created)
            record = self._store.put(name, raw, staged, expect=expect)
        finally:
            remove_tree(tmp)
        return record.digest.removeprefix("sha256:")

    def _add_base(
        self, name: str, options: ArtifactAddOptions
    ) -> tuple[oa.Artifact | None, str | None]:
        """(the artifact ``--append`` adds to, what the store must find under the name
        when the new one is stored: a name another add took meanwhile is refused)."""
        if options.append and options.artifact_type is not None:
            raise InvalidArgument("--append option cannot be used with the --type option")
        if options.append and options.replace:
            raise InvalidArgument("--append option cannot be used with the --replace option")
        existing = self._store.get(name)
        if options.append:
            if existing is None:
                raise NoSuchObject(f"{name}: artifact does not exist")
            return oa.parse_artifact(existing.manifest_raw), existing.digest
        if options.replace:
            return None, ANY
        if existing is not None:
            raise Conflict(f"{name}: artifact already exists")
        return None, None

    def _stage_file(
        self,
        file: str,
        path: Path,
        file_type: str | None,
        annotations: tuple[tuple[str, str], ...],
    ) -> tuple[oa.ArtifactLayer, StagedBlob]:
        from hutch.store.artifacts import ArtifactStore

        try:
            src = open(file, "rb")  # noqa: SIM115 (closed below, after the staging)
        except OSError as exc:
            raise InvalidArgument(f"{file}: {exc.strerror or exc}") from None
        with src:
            head = src.read(SNIFF)
            src.seek(0)
            blob = ArtifactStore.stage(src, path)
        media_type = file_type or oa.detect_media_type(head)
        title = os.path.basename(file.rstrip("/"))
        layer = oa.ArtifactLayer(
            blob.digest, blob.size, media_type, ((oa.TITLE, title), *annotations)
        )
        return layer, blob

    def ls(self) -> list[ArtifactSummary]:
        out = []
        for record in self._store.all():
            artifact = oa.parse_artifact(record.manifest_raw)
            created = oa.parse_created(dict(artifact.annotations).get(oa.CREATED))
            ref = _reference(record.name)
            out.append(
                ArtifactSummary(
                    record.name,
                    record.digest,
                    artifact.total_size,
                    created or record.created,
                    ref.name,
                    ref.tag or "",
                )
            )
        return out

    def inspect(self, name: str) -> ArtifactInspect:
        record = self._find(name)
        size = oa.parse_artifact(record.manifest_raw).total_size
        return ArtifactInspect(record.name, record.digest, record.manifest_raw, size)

    def remove(self, options: ArtifactRemoveOptions) -> list[str]:
        """The hex digests of the artifacts removed; the first unknown name ends the
        verb (podman's), unless ``ignore``."""
        if options.all and options.names:
            raise InvalidArgument(
                "when using the --all switch, you may not pass any artifact names or digests"
            )
        if not options.all and not options.names:
            raise InvalidArgument("a single artifact name or digest must be specified")
        targets = [r.name for r in self._store.all()] if options.all else options.names
        removed = []
        for text in targets:
            try:
                record = self._find(text)
            except NoSuchObject:
                if options.ignore:
                    continue
                raise
            digest = self._store.remove(record.name)
            if digest is not None:
                removed.append(digest.removeprefix("sha256:"))
        return removed

    def extract(self, options: ArtifactExtractOptions) -> None:
        """The target rules of podman-artifact-extract(1): a directory gets every
        chosen blob under its title (or digest); a file, or a path not there yet,
        gets the one blob the artifact has or ``--digest``/``--title`` choose."""
        record = self._find(options.name)
        artifact = oa.parse_artifact(record.manifest_raw)
        layers = oa.select_layers(artifact, options.digest, options.title)
        target = Path(options.target)
        if target.is_dir():
            by_digest = options.digest is not None
            for layer, file_name in oa.extract_names(layers, by_digest=by_digest):
                self._copy_out(layer.digest, target / file_name)
            return
        if len(layers) != 1:
            raise InvalidArgument(
                f"the artifact has {len(layers)} blobs and the target {options.target!r} is "
                "not a directory: choose one blob with --digest or --title"
            )
        if not target.parent.is_dir():
            raise InvalidArgument(f"{options.target}: no such directory to write the file in")
        self._copy_out(layers[0].digest, target)

    def _copy_out(self, digest: str, target: Path) -> None:
        """The blob's bytes at ``target``, overwriting it whole (a temp name, renamed)."""
        import shutil

        source = self._store.blob_path(digest)
        tmp = target.with_name(f".{target.name}.hutch-{os.getpid()}")
        try:
            shutil.copyfile(source, tmp)
            os.replace(tmp, target)
        except FileNotFoundError as exc:
            if exc.filename == str(source):
                raise NoSuchObject(
                    f"blob {digest} of the artifact is missing from storage"
                ) from None
            raise InvalidArgument(f"{target}: {exc.strerror}") from None
        except OSError as exc:
            raise InvalidArgument(f"{target}: {exc.strerror or exc}") from None
        finally:
            tmp.unlink(missing_ok=True)

    def _find(self, text: str) -> ArtifactRecord:
        """By name as given, as normalised, then by a full or partial manifest digest."""
        records = self._store.all()
        try:
            name: str | None = oa.artifact_name(text)
        except InvalidArgument:
            name = None
        for record in records:
            if record.name in (text, name):
                return record
        prefix = oa.digest_prefix(text)
        if prefix is not None:
            for record in records:
                if record.digest.removeprefix("sha256:").startswith(prefix):
                    return record
        raise NoSuchObject(f"{text}: artifact does not exist")

    # ------------------------------------------------------------ registries

    def pull(self, options: ArtifactPullOptions) -> str:
        """Fetch the artifact's manifest and every blob (each verified), then store it
        under its name (replacing what had the name); the manifest digest. A failure
        that another try may not meet is tried again (``--retry``, registry/retry.py)."""
        from hutch.registry.retry import announce, configured, parse_policy, with_retries

        policy = parse_policy(options.retry, options.retry_delay, configured(self._ctx.settings))
        name = oa.artifact_name(options.reference.removeprefix("docker://"))
        return with_retries(policy, lambda: self._pull_once(name, options), announce)

    def _pull_once(self, name: str, options: ArtifactPullOptions) -> str:
        from hutch.engine.distribution import Distribution
        from hutch.registry.client import digest_of_header, verify
        from hutch.store.layers import remove_tree

        ref = _reference(name)
        dist = Distribution(self._ctx)
        client = dist.client(ref.registry, options.access)
        progress = dist.progress(options.quiet)
        fetched = client.get_manifest(ref.repository, ref.tag or "latest")
        expected = digest_of_header(fetched.digest_header)
        if expected is not None:
            verify(fetched.data, expected, f"manifest {name}")
        artifact = oa.parse_artifact(fetched.data)
        progress.line("Getting image source signatures")
        tmp = self._ctx.layers.new_tmp()
        try:
            staged: dict[str, StagedBlob | bytes] = {}
            for n, layer in enumerate(artifact.layers):
                staged[layer.digest] = _fetch(
                    client, ref.repository, layer.digest, layer.size, tmp / str(n), progress
                )
            staged[artifact.config_digest] = self._config_bytes(client, ref.repository, artifact)
            bar = progress.start("config", artifact.config_digest, int(artifact.config["size"]))
            progress.advance(bar, int(artifact.config["size"]))
            progress.finish(bar)
            progress.line("Writing manifest to image destination")
            record = self._store.put(name, fetched.data, staged)
        finally:
            remove_tree(tmp)
        return record.digest

    @staticmethod
    def _config_bytes(client: RegistryClient, repository: str, artifact: oa.Artifact) -> bytes:
        """The config blob: inline (``data``, the empty one) when its digest holds,
        else fetched from the registry (verified)."""
        import base64
        import binascii

        from hutch.oci.digest import parse_digest
        from hutch.registry.client import verify

        digest = artifact.config_digest
        inline = artifact.config.get("data")
        if isinstance(inline, str):
            try:
                data = base64.b64decode(inline, validate=True)
            except (binascii.Error, ValueError):
                data = b""
            if str(sha256_of(data)) == digest:
                return data
        data = client.get_small_blob(repository, parse_digest(digest))
        verify(data, parse_digest(digest), f"config of artifact {repository}")
        return data

    def push(self, options: ArtifactPushOptions) -> str:
        """The blobs, the config, then the manifest under the artifact's tag; the
        manifest digest (as stored here: the bytes go unchanged). Retried as ``pull``."""
        from hutch.registry.retry import announce, configured, parse_policy, with_retries

        policy = parse_policy(options.retry, options.retry_delay, configured(self._ctx.settings))
        record = self._find(options.name)
        return with_retries(policy, lambda: self._push_once(record, options), announce)

    def _push_once(self, record: ArtifactRecord, options: ArtifactPushOptions) -> str:
        from hutch.engine.distribution import Distribution
        from hutch.oci import mediatypes as mt
        from hutch.oci.digest import parse_digest
        from hutch.oci.manifest import Descriptor

        ref = _reference(record.name)
        artifact = oa.parse_artifact(record.manifest_raw)
        dist = Distribution(self._ctx)
        client = dist.client(ref.registry, options.access)
        progress = dist.progress(options.quiet)
        progress.line("Getting image source signatures")
        for layer in artifact.layers:
            path = self._store.blob_path(layer.digest)
            desc = Descriptor(layer.media_type, parse_digest(layer.digest), layer.size)
            dist.push_blob(client, ref.repository, desc, "blob", progress, (), path)
        config = self._store.blob_path(artifact.config_digest).read_bytes()
        dist.push_bytes(
            client, ref.repository, parse_digest(artifact.config_digest), config, progress
        )
        progress.line("Writing manifest to image destination")
        client.put_manifest(
            ref.repository, ref.tag or "latest", record.manifest_raw, mt.OCI_MANIFEST
        )
        return record.digest


def _reference(name: str) -> Reference:
    from hutch.oci.reference import parse_reference

    return parse_reference(name)


def _fetch(
    client: RegistryClient,
    repository: str,
    digest: str,
    size: int,
    path: Path,
    progress: Progress,
) -> StagedBlob:
    """Download one blob into ``path`` with its progress bar, refused on a digest mismatch."""
    from hutch.oci.digest import parse_digest
    from hutch.store.artifacts import ArtifactStore

    bar = progress.start("blob", digest, size)
    resp = client.get_blob(repository, parse_digest(digest))
    reader = _Counting(resp, lambda n: progress.advance(bar, n))
    try:
        blob = ArtifactStore.stage(reader, path, expected=digest)
    except BaseException:
        resp.close()  # partly read: the connection cannot be reused
        raise
    resp.release_conn()
    progress.finish(bar)
    return blob


class _Counting:
    """A response read through, counting the bytes for the progress bar."""

    def __init__(self, resp: object, advance: Callable[[int], None]) -> None:
        self._resp = resp
        self._advance = advance

    def read(self, n: int = -1) -> bytes:
        data: bytes = self._resp.read(n)  # type: ignore[attr-defined]
        if data:
            self._advance(len(data))
        return data
