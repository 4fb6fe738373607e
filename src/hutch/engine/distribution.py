"""Pull and push through the registry client; every byte verified before it is stored.

Pull: manifest (or index, then the platform's manifest, fetched by digest)
→ config → layers, concurrently. A manifest fetched by digest must hash to
it; one fetched by tag must hash to the ``Docker-Content-Digest`` the
registry claims; the config must hash to the manifest's descriptor; each
layer's blob digest and diff id are checked by ``LayerStore.ingest`` before
the layer is committed. Only then is the image recorded (manifest bytes kept
as pulled, so the image's digest is the registry's).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, BinaryIO

from hutch.api.errors import HutchError, Interrupted, InvalidArgument, NoSuchObject
from hutch.api.images import (
    LoginOptions,
    LogoutOptions,
    ProgressCallback,
    PullOptions,
    PullReport,
    PushOptions,
    PushReport,
    RegistryAccess,
    SearchOptions,
    SearchResult,
    TransferEvent,
)
from hutch.engine.context import EngineContext
from hutch.oci import mediatypes as mt
from hutch.oci.digest import Digest, sha256_of
from hutch.oci.image import ImageConfig
from hutch.oci.manifest import (
    Descriptor,
    ImageIndex,
    ImageManifest,
    parse_manifest,
    select_manifest,
)
from hutch.oci.platform import Platform, wanted_platform
from hutch.oci.reference import Reference, parse_reference
from hutch.store.layers import LayerInfo
from hutch.util import testpoint
from hutch.util.multierror import multierror

if TYPE_CHECKING:
    from pathlib import Path

    from hutch.engine.pushconvert import Converted, Reuse, Streamed
    from hutch.engine.pushstream import Fallback
    from hutch.registry.client import RegistryClient
    from hutch.registry.progress import Blob, Progress
    from hutch.registry.registries_conf import RegistriesConf
    from hutch.registry.retry import RetryPolicy
    from hutch.store.blobinfo import CompressedBlob
    from hutch.store.images import ImageRecord

WORKERS = 4
BLOB_ATTEMPTS = 3
SEARCH_LIMIT = 25  # podman's results per registry when --limit is not given
# Recording the image, each time after fetching again the layers a concurrent
# rmi removed: more than one loss in a row means something else is wrong.
RECORD_ATTEMPTS = 3


class _Transient(Exception):
    """A blob stream broke mid-way: worth another attempt."""


def parse_creds(text: str | None) -> tuple[str, str] | None:
    if text is None:
        return None
    user, _, password = text.partition(":")
    if not user:
        raise InvalidArgument("--creds: expected USERNAME[:PASSWORD]")
    if not _:
        import getpass

        password = getpass.getpass(f"Password for {user}: ")
    return user, password


def want_platform(options: PullOptions) -> Platform:
    return wanted_platform(options.platform, options.os, options.arch, options.variant)


def platform_mismatch(config: ImageConfig, wanted: Platform) -> str | None:
    """podman's warning for an image (not an index) made for another OS or architecture
    than the one asked for (--platform, --arch, --os, else this host's): it is pulled all
    the same. The variant is left out, compared and said: hutch fills in a default one
    (arm64's v8) that podman's expected platform does not name."""
    if (config.os, config.architecture) == (wanted.os, wanted.architecture):
        return None
    have, want = f"{config.os}/{config.architecture}", f"{wanted.os}/{wanted.architecture}"
    return f"image platform ({have}) does not match the expected platform ({want})"


@dataclass(frozen=True)
class _Resolved:
    manifest: ImageManifest
    manifest_raw: bytes
    manifest_digest: Digest


class Distribution:
    def __init__(self, ctx: EngineContext, env: Mapping[str, str] | None = None) -> None:
        self._ctx = ctx
        self._env = dict(os.environ if env is None else env)
        self._clients: dict[tuple[str, bool], RegistryClient] = {}
        self._conf: RegistriesConf | None = None

    # ---------------------------------------------------------------- plumbing

    @property
    def conf(self) -> RegistriesConf:
        if self._conf is None:
            from hutch.registry import registries_conf

            self._conf = registries_conf.load(self._env)
        return self._conf

    def client(
        self, registry: str, access: RegistryAccess, insecure: bool = False
    ) -> RegistryClient:
        from hutch.registry import authfile
        from hutch.registry.client import Endpoint, RegistryClient
        from hutch.registry.registries_conf import is_insecure

        if access.tls_verify is None:
            insecure = insecure or is_insecure(registry, self.conf)
        else:
            insecure = not access.tls_verify
        key = (registry, insecure)
        if key not in self._clients:
            creds = None
            given = parse_creds(access.creds)
            if given is not None:
                creds = authfile.Credentials(*given)
            else:
                files = authfile.auth_files(self._env, access.authfile)
                creds = authfile.lookup(files, registry)
            endpoint = Endpoint(registry, insecure=insecure, cert_dir=access.cert_dir)
            self._clients[key] = RegistryClient(endpoint, creds, self._env)
        return self._clients[key]

    def progress(
        self,
        quiet: bool,
        on_progress: ProgressCallback | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> Progress:
        from hutch.registry.progress import Progress, choose_mode

        listener = None
        if on_progress is not None:
            callback = on_progress

            def listener(
                action: str, kind: str, digest: str, done: int, total: int, note: str
            ) -> None:
                callback(TransferEvent(action, kind, digest, done, total, note))

        return Progress(choose_mode(quiet), listener=listener, cancelled=cancelled)

    def _cut_all(self) -> None:
        for client in list(self._clients.values()):
            client.cut()

    def _stopper(self, progress: Progress) -> Callable[[], None]:
        """What stops a transfer's workers on ^C (registry/interrupt.py's in_workers)."""

        def stop() -> None:
            progress.interrupt()
            self._cut_all()

        return stop

    # ---------------------------------------------------------------- pull

    def pull(self, options: PullOptions) -> PullReport:
        """Pull; with ``options.cancelled`` a watcher cuts the registry connections once
        it is true, so that a stalled registry does not hold a cancelled pull. A ^C
        comes out as ``Interrupted`` (exit 1), also from a run's, create's or build's pull."""
        from hutch.registry.interrupt import watch
        from hutch.registry.retry import configured, parse_policy
        from hutch.util import gcpause

        # a pull can last: the collector's again (the CLI paused it to start)
        gcpause.resume(freeze=True)

        # refused before any work
        policy = parse_policy(options.retry, options.retry_delay, configured(self._ctx.settings))
        with watch(options.cancelled, self._cut_all):
            try:
                return self._pull(options, policy)
            except KeyboardInterrupt:
                raise Interrupted from None

    def _copied(self, image_id: str, progress: Progress) -> None:
        """podman's lines for an image copied from an archive or a layout."""
        from hutch.engine.image_archive import copy_lines

        record = self._ctx.images.get(image_id)
        if record is None:
            return
        manifest = parse_manifest(record.manifest_raw)
        blobs = (
            [str(d.digest) for d in manifest.layers] if isinstance(manifest, ImageManifest) else []
        )
        progress.line("Getting image source signatures")
        for line in copy_lines(record, blobs):
            progress.line(line)

    def _push_to_own_store(
        self, image_id: str, destination: str, options: PushOptions
    ) -> PushReport:
        """``containers-storage:NAME``: the image, under NAME too, in hutch's own store.

        podman's transport reads NAME as a registry reference (a bare name is
        docker.io's, not localhost's) and copies nothing the store already holds:
        the same image gains the name, with podman's copy lines.
        """
        name = destination.partition(":")[2]
        if not name:
            raise InvalidArgument(f"{destination}: no image name given")
        ref = parse_reference(name, default_registry="docker.io")
        if ref.digest is not None:
            raise InvalidArgument(f"{destination}: cannot push to a digest reference")
        self._ctx.enter_session()
        self._ctx.images.tag(str(ref), image_id)
        self._copied(image_id, self.progress(options.quiet, options.on_progress, None))
        record = self._ctx.images.get(image_id)
        return PushReport(destination, record.digest if record is not None else "")

    def _pull(self, options: PullOptions, policy: RetryPolicy) -> PullReport:
        from hutch.engine.image_archive import pull_transport
        from hutch.engine.transports import split_transport, with_default
        from hutch.registry.errors import ManifestUnknown
        from hutch.registry.registries_conf import alias_of, resolve_short_name

        # podman's transports: docker:// is a registry; the others are read here
        reference = with_default(options.reference, self._ctx.settings.default_transport)
        options = replace(options, reference=reference.removeprefix("docker://"))
        source = split_transport(options.reference)
        if source is not None:
            image_id, names = pull_transport(self._ctx, source)
            if source.transport != "containers-storage":  # a copy: podman's lines
                self._copied(image_id, self.progress(options.quiet, options.on_progress, None))
            return PullReport((image_id,), names)
        platform = want_platform(options)
        if options.all_tags:
            given = parse_reference(options.reference, default_tag=None)
            if given.tag is not None or given.digest is not None:
                raise InvalidArgument("tag can't be used with --all-tags/-a")
        candidates = resolve_short_name(options.reference, self.conf)
        progress = self.progress(options.quiet, options.on_progress, options.cancelled)
        aliased = alias_of(options.reference, self.conf)
        if aliased is not None:  # podman's line; the name as the alias table has it
            bare = parse_reference(options.reference, default_registry="localhost").repository
            progress.line(f'Resolved "{bare}" as an alias ({aliased[1]})')
        state = self._ctx.enter_session()  # before any thread starts (setns needs one)
        ignore_chown = state.mode == "single-id"
        errors: list[str] = []
        for ref in candidates:
            try:
                refs = self._expand_tags(ref, options) if options.all_tags else [ref]
                ids = [
                    self._pull_ref(r, platform, options.access, progress, ignore_chown, policy)
                    for r in refs
                ]
            except ManifestUnknown as exc:
                # podman's words: the source it tried, then the registry's answer (with
                # --all-tags, the tag list it could not read)
                errors.append(
                    str(exc) if options.all_tags else f"initializing source docker://{ref}: {exc}"
                )
                continue
            return PullReport(tuple(ids), tuple(str(r) for r in refs if r.tag))
        if len(errors) == 1:
            raise NoSuchObject(errors[0])
        raise NoSuchObject(f"{options.reference}: not found in any registry: " + "; ".join(errors))

    def search(self, options: SearchOptions) -> list[SearchResult]:
        """The repositories whose name holds the term, from each registry's catalog
        (``GET /v2/_catalog``; Docker Hub's own search API is not spoken), at most
        ``limit`` from each registry (0: podman's 25; below 0: none, as podman).
        With ``list_tags`` the term names one repository and the answer is its tags."""
        from hutch.registry.errors import RegistryError

        limit = SEARCH_LIMIT if options.limit == 0 else max(options.limit, 0)
        if options.list_tags:
            return self._search_tags(options, limit)
        first, sep, rest = options.term.partition("/")
        if sep and ("." in first or ":" in first or first == "localhost"):
            registries: Sequence[str] = (first,)
            term = rest
        else:
            # an empty unqualified-search-registries list searches nothing (podman)
            registries, term = self.conf.search_registries, options.term
        results: list[SearchResult] = []
        errors: list[str] = []
        hints: list[str] = []  # the TLS one names --tls-verify=false and registries.conf
        for registry in registries:
            if registry in ("docker.io", "index.docker.io", "registry-1.docker.io"):
                errors.append(
                    f'couldn\'t search registry "{registry}": '
                    "Docker Hub's search API is not supported (only registries' catalogs)"
                )
                continue
            try:
                names = self.client(registry, options.access).catalog()
            except RegistryError as exc:
                errors.append(f'couldn\'t search registry "{registry}": {_search_words(exc)}')
                hints += [exc.hint] if exc.hint else []
                continue
            found = [SearchResult(f"{registry}/{n}", registry) for n in names if term in n]
            results += found[:limit]
        # podman: one registry that answered is taken to hold what the user looks for
        if errors and not results:  # podman 4.3.1 gathers them in a go-multierror
            raise HutchError(multierror(errors), hint="; ".join(dict.fromkeys(hints)) or None)
        return results

    def _search_tags(self, options: SearchOptions, limit: int) -> list[SearchResult]:
        """``search --list-tags``: the tags of the repository the term names (podman
        reads a name without a registry as Docker Hub's)."""
        from hutch.registry.errors import ManifestUnknown, RegistryError

        try:
            ref = parse_reference(options.term)
        except InvalidArgument:
            raise InvalidArgument(
                f"reference {options.term!r} must be a docker reference"
            ) from None
        try:
            tags = self.client(ref.registry, options.access).list_tags(ref.repository)
        except (RegistryError, ManifestUnknown) as exc:
            words = multierror([f"getting repository tags: {_search_words(exc)}"])  # 4.3.1's
            raise HutchError(words, hint=exc.hint) from None
        name = f"{ref.registry}/{ref.repository}"
        return [SearchResult(name, ref.registry, tag=t) for t in tags[:limit]]

    def _expand_tags(self, ref: Reference, options: PullOptions) -> list[Reference]:
        client = self.client(ref.registry, options.access)
        return [ref.with_tag(t) for t in sorted(client.list_tags(ref.repository))]

    def _pull_ref(
        self,
        ref: Reference,
        platform: Platform,
        access: RegistryAccess,
        progress: Progress,
        ignore_chown: bool,
        policy: RetryPolicy,
    ) -> str:
        """The image at ``ref`` from its mirrors, then itself; the whole of it tried
        again as ``policy`` says after a failure another try may not meet (podman's
        --retry: announced, with "Trying to pull" said once)."""
        from hutch.registry.errors import RegistryError
        from hutch.registry.registries_conf import pull_sources
        from hutch.registry.retry import announce, with_retries

        sources = pull_sources(ref, self.conf)
        progress.line(f"Trying to pull {ref}...")

        def once() -> str:
            last: HutchError | None = None
            for source in sources:
                client = self.client(source.reference.registry, access, source.insecure)
                try:
                    return self._pull_from(
                        client, ref, source.reference, platform, progress, ignore_chown
                    )
                except RegistryError as exc:
                    if not source.mirror:  # podman's words: the source it tried, then why
                        raise exc.under(f"initializing source docker://{ref}") from None
                    last = exc
                    progress.line(f"mirror {source.reference.registry} failed: {exc}; trying next")
            assert last is not None
            raise last

        return with_retries(policy, once, announce)

    def resolve_manifest(
        self, client: RegistryClient, remote: Reference, platform: Platform | None
    ) -> tuple[bytes, Digest, ImageManifest | ImageIndex]:
        """The (verified) document at ``remote``; with ``platform``, an index is resolved."""
        from hutch.registry.client import digest_of_header, verify

        reference = str(remote.digest) if remote.digest else (remote.tag or "latest")
        fetched = client.get_manifest(remote.repository, reference)
        expected = remote.digest or digest_of_header(fetched.digest_header)
        if expected is not None:
            verify(fetched.data, expected, f"manifest {remote}")
        digest = expected or sha256_of(fetched.data)
        doc = parse_manifest(fetched.data, fetched.media_type)
        if isinstance(doc, ImageIndex) and platform is not None:
            entry = select_manifest(doc, platform)
            child = client.get_manifest(remote.repository, str(entry.digest))
            verify(child.data, entry.digest, f"manifest {entry.digest} of index {remote}")
            doc = parse_manifest(child.data, child.media_type)
            if isinstance(doc, ImageIndex):
                raise InvalidArgument(f"{remote}: an index inside an index is not supported")
            return child.data, entry.digest, doc
        return fetched.data, digest, doc

    def _pull_from(
        self,
        client: RegistryClient,
        ref: Reference,
        remote: Reference,
        platform: Platform,
        progress: Progress,
        ignore_chown: bool,
    ) -> str:
        from hutch.registry.client import verify

        raw, _digest, doc = self.resolve_manifest(client, remote, platform)
        assert isinstance(doc, ImageManifest)
        if doc.config.media_type not in mt.CONFIG_TYPES:
            raise InvalidArgument(
                f"{ref}: not a container image (config type {doc.config.media_type})"
            )
        for layer in doc.layers:
            if layer.media_type not in mt.LAYER_TYPES:
                raise InvalidArgument(f"{ref}: unsupported layer media type {layer.media_type}")
        config_raw = client.get_small_blob(remote.repository, doc.config.digest)
        verify(config_raw, doc.config.digest, f"config of {ref}")
        try:
            config = ImageConfig.from_bytes(config_raw)
        except (ValueError, AttributeError, TypeError):
            raise InvalidArgument(f"{ref}: the image config is not valid JSON") from None
        if len(config.diff_ids) != len(doc.layers):
            raise InvalidArgument(
                f"{ref}: the manifest lists {len(doc.layers)} layers but the config "
                f"{len(config.diff_ids)}"
            )
        progress.line("Getting image source signatures")
        from hutch.engine.imagewrite import store_image_raw
        from hutch.store.layers import LayersMissing

        names = [str(ref)] if ref.tag and not ref.digest else []
        refetch: frozenset[str] = frozenset()
        for attempt in range(1, RECORD_ATTEMPTS + 1):
            layers = self._fetch_layers(
                client,
                remote.repository,
                doc.layers,
                config.diff_ids,
                progress,
                ignore_chown,
                refetch,
            )
            if attempt == 1:
                blob = progress.start("config", str(doc.config.digest), len(config_raw))
                progress.advance(blob, len(config_raw))
                progress.finish(blob)
                progress.line("Writing manifest to image destination")
            testpoint.pause("pull-before-record")
            progress.checkpoint()  # a caller that left gets no image
            try:
                record = store_image_raw(self._ctx, config_raw, layers, names, manifest_raw=raw)
            except LayersMissing as exc:
                # An rmi removed a layer we had found in the store: fetch it after all.
                if attempt == RECORD_ATTEMPTS:
                    raise
                refetch = refetch | frozenset(exc.diff_ids)
                continue
            progress.line("Storing signatures")
            mismatch = platform_mismatch(config, platform)
            if mismatch:  # on podman's progress writer: -q leaves it out too (4.3.1)
                progress.line(f"WARNING: {mismatch}")
            return record.id
        raise AssertionError("unreachable")  # pragma: no cover

    def _fetch_layers(
        self,
        client: RegistryClient,
        repository: str,
        descs: Sequence[Descriptor],
        diff_ids: Sequence[str],
        progress: Progress,
        ignore_chown: bool,
        refetch: frozenset[str] = frozenset(),
    ) -> list[LayerInfo]:
        """The layers, fetched unless the store has them (those in ``refetch`` always)."""
        wanted: dict[str, tuple[Descriptor, str]] = {}
        for desc, diff_id in zip(descs, diff_ids, strict=True):
            wanted.setdefault(diff_id, (desc, diff_id))

        # The database connection belongs to this thread: ask it before the pool starts.
        have = {d: self._ctx.images.layer_info(d) for d in wanted}

        def one(item: tuple[Descriptor, str]) -> tuple[str, LayerInfo]:
            desc, diff_id = item
            known = have[diff_id]
            if known is not None and diff_id not in refetch and self._ctx.layers.present(known):
                progress.skipped("blob", str(desc.digest), "skipped: already exists")
                return diff_id, known
            return diff_id, self._fetch_layer(
                client, repository, desc, diff_id, progress, ignore_chown
            )

        from hutch.registry.interrupt import in_workers

        stop = self._stopper(progress)
        done = dict(in_workers(one, wanted.values(), WORKERS, stop))
        return [done[d] for d in diff_ids]

    def _fetch_layer(
        self,
        client: RegistryClient,
        repository: str,
        desc: Descriptor,
        diff_id: str,
        progress: Progress,
        ignore_chown: bool,
    ) -> LayerInfo:
        from hutch.registry.errors import RegistryError

        for attempt in range(1, BLOB_ATTEMPTS + 1):
            blob = progress.start("blob", str(desc.digest), desc.size)
            resp = client.get_blob(repository, desc.digest)

            def advance(n: int, b: Blob = blob) -> None:
                progress.advance(b, n)

            reader = _BlobReader(resp, desc.size, advance)
            try:
                info = self._ctx.layers.ingest(
                    reader,  # type: ignore[arg-type]
                    ignore_chown=ignore_chown,
                    expected_digest=str(desc.digest),
                    expected_diff_id=diff_id,
                )
            except _Transient as exc:
                # A cut of a cancelled (or ^C'd) transfer is no registry's fault:
                # it stops here, without the retry's line
                progress.checkpoint()
                progress.finish(blob, f"interrupted ({exc}); retrying")
                if attempt == BLOB_ATTEMPTS:
                    raise RegistryError(
                        f"downloading blob {desc.digest.short} failed: {exc}"
                    ) from None
                continue
            except BaseException as exc:
                resp.close()  # partly read: the connection cannot be reused
                if isinstance(exc, InvalidArgument) and "mismatch" in str(exc):
                    raise InvalidArgument(f"blob {desc.digest}: {exc}; refused") from None
                raise
            resp.release_conn()
            progress.finish(blob)
            return info
        raise AssertionError("unreachable")  # pragma: no cover

    # ---------------------------------------------------------------- push

    def push(self, options: PushOptions) -> PushReport:
        """Push; cut as ``pull`` is when ``options.cancelled``, ``Interrupted`` on ^C."""
        from hutch.registry.interrupt import watch
        from hutch.registry.retry import announce, configured, parse_policy, with_retries

        policy = parse_policy(options.retry, options.retry_delay, configured(self._ctx.settings))
        with watch(options.cancelled, self._cut_all):
            try:
                return with_retries(policy, lambda: self._push(options), announce)
            except KeyboardInterrupt:
                raise Interrupted from None

    def _push(self, options: PushOptions) -> PushReport:
        import json

        from hutch.engine.pushconvert import (
            LayerCompression,
            as_manifest_type,
            check_compression,
            with_stored_blobs,
        )
        from hutch.engine.resolve import find_image

        manifest_type = as_manifest_type(b"{}", options.format)  # a bad --format fails first
        compression = LayerCompression.of(options, self._ctx.settings)
        check_compression(compression, json.loads(manifest_type).get("mediaType"))

        image = find_image(self._ctx.images, options.source)
        image = with_stored_blobs(image, self._ctx.images, self._ctx.layers)
        destination = (options.destination or options.source).removeprefix("docker://")
        if destination.startswith("containers-storage:"):
            return self._push_to_own_store(image.id, destination, options)
        if ":" in destination.split("/", 1)[0] and destination.split(":", 1)[0] in _TRANSPORTS:
            from hutch.engine.image_archive import write_transport

            self._ctx.enter_session()
            report = write_transport(
                self._ctx,
                image,
                destination,
                options.source,
                compression=compression,
                compress=options.compress,
            )
            # podman's lines, naming the blobs as stored (what it copied from)
            self._copied(image.id, self.progress(options.quiet, options.on_progress, None))
            return report
        ref = parse_reference(destination)
        if ref.digest is not None:
            raise InvalidArgument(f"{destination}: cannot push to a digest reference")
        progress = self.progress(options.quiet, options.on_progress, options.cancelled)
        client = self.client(ref.registry, options.access)
        from hutch.engine.pushconvert import convert_layers
        from hutch.store.layers import remove_tree

        manifest_raw = as_manifest_type(image.manifest_raw, options.format)
        convert_dir = self._ctx.layers.new_tmp()
        try:
            # plain layers gzipped (or as --compression-format says), reusing what
            # an earlier push of them made when the registry has it
            reuse = self.reuse(client, ref)
            converted = convert_layers(
                manifest_raw, self._ctx.layers, convert_dir, compression, reuse, stream=True
            )
            return self._push_manifest(
                options, image, ref, client, progress, converted, convert_dir
            )
        finally:
            remove_tree(convert_dir)

    def _push_manifest(
        self,
        options: PushOptions,
        image: ImageRecord,
        ref: Reference,
        client: RegistryClient,
        progress: Progress,
        converted: Converted,
        tmp: Path,
    ) -> PushReport:
        # the streamed layers are still named plain here: their digests come with them
        manifest = parse_manifest(converted.manifest_raw)
        assert isinstance(manifest, ImageManifest)
        sources = [
            parse_reference(n)
            for n in image.names
            if n.startswith(ref.registry + "/") and not n.startswith(ref.name + ":")
        ]
        progress.line("Getting image source signatures")

        def push_layer(desc: Descriptor) -> None:
            found = converted.present.get(str(desc.digest))  # asked while converting
            if found is not None:
                progress.skipped("blob", str(desc.digest), found)
                return
            streamed = converted.streaming.get(str(desc.digest))
            if streamed is not None:
                # podman's first step: may the destination reuse the source blob (the
                # plain one)? If it has it, the manifest keeps naming that one
                if self.blob_there(client, ref.repository, desc.digest):
                    progress.skipped("blob", str(desc.digest), "skipped: already exists")
                    return
                with _writing_blob():
                    sent[streamed.diff_id] = self.push_gzipping(
                        client, ref.repository, streamed, progress, fallback, tmp
                    )
                return
            path = converted.blobs.get(str(desc.digest))
            self.push_blob(client, ref.repository, desc, "blob", progress, sources, path)

        from hutch.engine.pushstream import Fallback
        from hutch.registry.interrupt import in_workers

        sent: dict[str, CompressedBlob] = {}  # diff id → what it went up as (worker threads)
        fallback = Fallback(ref.registry)
        layers = list({str(d.digest): d for d in manifest.layers}.values())  # each blob once
        in_workers(push_layer, layers, WORKERS, self._stopper(progress))
        converted.streamed(sent)
        manifest_raw = converted.manifest_raw
        manifest = parse_manifest(manifest_raw)
        assert isinstance(manifest, ImageManifest)
        config_raw = image.config_raw
        self.push_bytes(client, ref.repository, manifest.config.digest, config_raw, progress)
        progress.line("Writing manifest to image destination")
        testpoint.pause("push-before-manifest")  # blobs uploaded, no manifest yet
        progress.checkpoint()  # a caller that left gets no manifest (the blobs stay unnamed)
        client.put_manifest(ref.repository, ref.tag or "latest", manifest_raw, manifest.media_type)
        self.remember(converted, ref)
        progress.line("Storing signatures")
        return PushReport(str(ref), str(sha256_of(manifest_raw)))

    def reuse(self, client: RegistryClient, ref: Reference) -> Reuse:
        """The store's record of compressed layers, checked against ``ref``'s
        repository: there already, or mounted from a repository of the same
        registry it was pushed to (podman's blob-info cache does both)."""
        from hutch.engine.pushconvert import Reuse
        from hutch.oci.digest import parse_digest
        from hutch.store.blobinfo import CompressedBlobs

        cache = CompressedBlobs(self._ctx.conn)
        repository = ref.repository

        def at_destination(text: str) -> str | None:
            digest = parse_digest(text)
            if self.blob_there(client, repository, digest):
                return "skipped: already exists"
            for source in cache.locations(text, ref.registry)[:3]:
                if source == repository:
                    continue  # recorded, but gone from there
                location = client.mount_blob(repository, digest, source)
                if location is None:
                    return f"skipped: mounted from {source}"
                client.cancel_upload(repository, location)  # not mounted: compressed after all
            return None

        return Reuse(cache, at_destination)

    def remember(self, converted: Converted, ref: Reference) -> None:
        """After a push (the registry accepted the manifest): what the plain layers
        compressed to, and where they went, to mount them from later."""
        from hutch.engine.pushconvert import record
        from hutch.store.blobinfo import CompressedBlobs

        cache = CompressedBlobs(self._ctx.conn)
        record(converted, cache)
        cache.note_locations(converted.made, ref.registry, ref.repository)

    def push_gzipping(
        self,
        client: RegistryClient,
        repository: str,
        layer: Streamed,
        progress: Progress,
        fallback: Fallback,
        tmp: Path,
    ) -> CompressedBlob:
        """A plain layer gzipped as it goes up (``engine/pushstream.py``); from a file
        made first when the registry refuses a streamed upload. What it went up as."""
        from hutch.engine.pushstream import stream_gzipped

        if not layer.path.is_file():
            raise NoSuchObject(f"blob {layer.diff_id} of the image is missing from storage")
        if fallback.reason is None:
            from hutch.registry.errors import StreamRefused

            try:
                chunk_size = self._ctx.settings.push_chunk_size
                return stream_gzipped(client, repository, layer, progress, chunk_size)
            except StreamRefused as exc:
                fallback.refused(str(exc))
        from hutch.engine.pushconvert import gzip_file
        from hutch.oci.digest import parse_digest
        from hutch.store.blobinfo import CompressedBlob

        path = tmp / f"sized-{layer.diff_id.removeprefix('sha256:')}.gzip"
        digest, size = gzip_file(layer.path, path, layer.level)
        desc = Descriptor(mt.OCI_LAYER_GZIP, parse_digest(digest), size)
        self.push_blob(client, repository, desc, "blob", progress, (), path)
        return CompressedBlob(digest, size)

    def push_blob(
        self,
        client: RegistryClient,
        repository: str,
        desc: Descriptor,
        kind: str,
        progress: Progress,
        sources: Sequence[Reference],
        path: Path | None = None,
    ) -> None:
        path = path or self._ctx.layers.blob_path(str(desc.digest))
        if not path.is_file():
            raise NoSuchObject(f"blob {desc.digest} of the image is missing from storage")
        size = path.stat().st_size
        if self.blob_there(client, repository, desc.digest):
            progress.skipped(kind, str(desc.digest), "skipped: already exists")
            return
        with _writing_blob():  # mounted from a repository that has it, or sent
            location = None
            for source in sources:
                if source.repository == repository:
                    continue
                location = client.mount_blob(repository, desc.digest, source.repository)
                if location is None:
                    why = f"skipped: mounted from {source.repository}"
                    progress.skipped(kind, str(desc.digest), why)
                    return
                break
            location = location or client.start_upload(repository)
            blob = progress.start(kind, str(desc.digest), size)

            def opener() -> BinaryIO:
                return open(path, "rb")

            client.upload_blob(
                repository,
                location,
                desc.digest,
                size,
                opener,
                chunk_size=self._ctx.settings.push_chunk_size,
                progress=lambda n: progress.advance(blob, n),
            )
            progress.finish(blob)

    @staticmethod
    def blob_there(client: RegistryClient, repository: str, digest: Digest) -> bool:
        """The registry has the blob already: what podman asks of each layer first,
        its failure worded as podman's (``trying to reuse blob ... at destination``)."""
        from hutch.registry.challenge import repository_scope
        from hutch.registry.errors import RegistryError

        scopes = [repository_scope(repository, ["pull", "push"])]
        try:
            return client.blob_exists(repository, digest, scopes)
        except RegistryError as exc:
            raise exc.under(f"trying to reuse blob {digest} at destination") from None

    def push_bytes(
        self,
        client: RegistryClient,
        repository: str,
        digest: Digest,
        data: bytes,
        progress: Progress,
    ) -> None:
        import io

        from hutch.registry.challenge import repository_scope

        blob = progress.start("config", str(digest), len(data))
        scopes = [repository_scope(repository, ["pull", "push"])]
        if not client.blob_exists(repository, digest, scopes):
            location = client.start_upload(repository)
            client.upload_blob(repository, location, digest, len(data), lambda: io.BytesIO(data))
        progress.advance(blob, len(data))
        progress.finish(blob)

    # ---------------------------------------------------------------- login

    def login(self, options: LoginOptions) -> str:
        """Check the credentials against the registry, then record them; "Login Succeeded!"."""
        from hutch.registry import authfile

        registry = _registry_of(options.registry or self._default_login_registry())
        files = authfile.auth_files(self._env, options.access.authfile)
        if options.get_login:
            found = authfile.lookup(files, registry)
            if found is None or not found.username:
                raise InvalidArgument(f"not logged into {registry}")
            return found.username
        if not options.username or options.password is None:
            raise InvalidArgument("login: a username and a password are required")
        creds = authfile.Credentials(options.username, options.password)
        access = replace(options.access, creds=None)
        from hutch.registry.client import Endpoint, RegistryClient
        from hutch.registry.registries_conf import is_insecure

        insecure = (
            not access.tls_verify
            if access.tls_verify is not None
            else is_insecure(registry, self.conf)
        )
        client = RegistryClient(
            Endpoint(registry, insecure=insecure, cert_dir=access.cert_dir), creds, self._env
        )
        from hutch.registry.errors import AuthError, RegistryError

        try:
            client.check_login()
        except AuthError as exc:
            # podman's words, which scripts match; the registry's own reason goes away
            raise AuthError(f'logging into "{registry}": invalid username/password') from exc
        except RegistryError as exc:  # unreachable, TLS: podman's words before the cause
            raise exc.under(f'authenticating creds for "{registry}"') from None
        try:
            authfile.store(files[0], registry, creds)
        except OSError as exc:  # one line naming the path, as podman's, not a Python repr
            where = exc.filename or files[0]
            raise HutchError(f"{where}: {(exc.strerror or str(exc)).lower()}") from None
        # podman's Println("Used: ", path): two spaces
        return (f"Used:  {files[0]}\n" if options.verbose else "") + "Login Succeeded!"

    def _default_login_registry(self) -> str:
        """login's and logout's registry when none is named: podman's, the first of
        registries.conf's unqualified-search-registries."""
        if not self.conf.search_registries:
            raise _no_default_registry()
        return self.conf.search_registries[0]

    def logout(self, options: LogoutOptions) -> list[str]:
        from hutch.registry import authfile

        files = authfile.auth_files(self._env, options.authfile)
        if options.all:
            if options.registry:
                raise InvalidArgument("--all takes no arguments")
            for path in files[:1] if options.authfile else files[:2]:
                authfile.remove(path, None)
            return ["Removed login credentials for all registries"]
        registry = _registry_of(options.registry or self._default_login_registry())
        removed = False
        for path in files[:1] if options.authfile else files[:2]:
            removed = authfile.remove(path, registry) or removed
        if not removed:
            raise InvalidArgument(f"not logged into {registry}")
        return [f"Removed login credentials for {registry}"]


def _search_words(exc: HutchError) -> str:
    """podman's words for a search the registry refused (a 401): its Go client's for
    credentials a token could not be had for, then the registry's own."""
    from hutch.registry.client import UNAUTHORIZED
    from hutch.registry.errors import AuthError

    if isinstance(exc, AuthError) and exc.unauthorized:
        said = exc.registry_says or UNAUTHORIZED
        return f"unable to retrieve auth token: invalid username/password: {said}"
    return str(exc)


@contextmanager
def _writing_blob() -> Iterator[None]:
    """A layer's upload failing in podman's words: ``writing blob: CAUSE`` (once: a
    layer sent again from a file, after a refused stream, is the same step)."""
    from hutch.registry.errors import RegistryError

    try:
        yield
    except RegistryError as exc:
        if exc.message.startswith("writing blob: "):
            raise
        raise exc.under("writing blob") from None


def _no_default_registry() -> InvalidArgument:
    return InvalidArgument("no registries found in registries.conf, a registry must be provided")


def _registry_of(text: str) -> str:
    """``login`` takes a host[:port], maybe with a scheme or a path: keep the host."""
    text = text.removeprefix("https://").removeprefix("http://").rstrip("/")
    host = text.split("/", 1)[0]
    if not host:
        raise InvalidArgument("login: name a registry")
    return "docker.io" if host in ("index.docker.io", "registry-1.docker.io") else host


_TRANSPORTS = ("docker-archive", "oci-archive", "oci", "dir", "docker")


class _BlobReader:
    """Reads a blob response: counts, refuses more bytes than the descriptor's size,
    and turns a broken connection into ``_Transient`` (the layer is fetched again)."""

    def __init__(self, resp: object, size: int, advance: Callable[[int], None]) -> None:
        self._resp = resp
        self._left = size
        self._advance = advance
        self._started = False

    def read(self, n: int = -1) -> bytes:
        from urllib3.exceptions import HTTPError

        if n is None or n < 0:
            parts = []
            while chunk := self.read(1 << 20):
                parts.append(chunk)
            return b"".join(parts)
        try:
            data: bytes = self._resp.read(n)  # type: ignore[attr-defined]
        except (HTTPError, OSError) as exc:
            raise _Transient(str(exc).splitlines()[0][:120] if str(exc) else "read error") from None
        self._left -= len(data)
        if self._left < 0:
            raise InvalidArgument("blob is larger than its descriptor says: refused")
        if data:
            self._advance(len(data))
            if not self._started:
                self._started = True
                testpoint.pause("pull-blob-started")  # a partial blob in a temp dir
        return data

    def readable(self) -> bool:
        return True
