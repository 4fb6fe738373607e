"""Images to and from archives and layouts: docker-archive, oci-archive, oci dir, dir.

An OCI layout's and a ``dir:``'s layers are written as stored or recompressed
as podman's would be (plain layers gzipped, or as push's --compression-format
says: engine/pushconvert.py), the manifest naming what was written; a
docker-archive has no manifest (``manifest.json`` lists the
config and the layer files) and ``load`` makes the image's manifest anew, as
podman does. ``load`` verifies every blob it takes: a layer against the
config's diff id (and, in an OCI layout, the descriptor's digest), the
config and manifest against their digests.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO

from hutch.api.errors import HutchError, InvalidArgument
from hutch.api.images import PushReport
from hutch.engine.cancellable import cancellable
from hutch.engine.context import EngineContext
from hutch.engine.resolve import find_image
from hutch.engine.transports import TransportRef
from hutch.oci import mediatypes as mt
from hutch.oci.digest import sha256_of
from hutch.oci.image import ImageConfig
from hutch.oci.manifest import ImageIndex, ImageManifest, parse_manifest
from hutch.oci.reference import parse_reference
from hutch.store.images import ImageRecord
from hutch.store.layers import LayerInfo

if TYPE_CHECKING:
    from hutch.engine.pushconvert import LayerCompression

REF_NAME = "org.opencontainers.image.ref.name"
IMAGE_NAME = "io.containerd.image.name"
FORMATS = ("docker-archive", "oci-archive", "oci-dir", "docker-dir")
# Symlinks followed inside an archive before giving up (Linux's MAXSYMLINKS).
_MAX_LINKS = 40


@dataclass(frozen=True)
class _Item:
    image: ImageRecord
    name: str | None  # the name asked for, when it is a name (not an id)
    # podman save without -m: the other names given, as more tags (docker-archive)
    extra_tags: tuple[str, ...] = ()
    merged: bool = False  # save -m naming one image several times (the names in order)


# ------------------------------------------------------------------ writers


class _Sink:
    """Files of an archive or a directory, added by relative path."""

    def __init__(self, target: Path, archive: bool, stream: BinaryIO | None = None) -> None:
        self._archive = archive
        self._target = target
        self._written: set[str] = set()
        self._tar: tarfile.TarFile | None = None
        if stream is not None:  # a pipe or a device: written in order, never sought
            self._tar = tarfile.open(fileobj=stream, mode="w|", format=tarfile.PAX_FORMAT)  # noqa: SIM115 - closed by close()
        elif archive:
            self._tar = tarfile.open(target, "w", format=tarfile.PAX_FORMAT)  # noqa: SIM115 - closed by close()
        else:
            target.mkdir(parents=True, exist_ok=True)

    def add_bytes(self, name: str, data: bytes) -> None:
        self._add(name, len(data), io.BytesIO(data))

    def add_file(self, name: str, path: Path) -> None:
        with open(path, "rb") as f:
            self._add(name, os.fstat(f.fileno()).st_size, f)

    def add_stream(self, name: str, size: int, src: IO[bytes]) -> None:
        self._add(name, size, src)

    def add_symlink(self, name: str, target: str) -> None:
        if not self._claim(name):
            return
        if self._tar is not None:
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            info.mode = 0o777
            self._tar.addfile(info)
        else:
            os.symlink(target, self._dest(name))

    def _claim(self, name: str) -> bool:
        """False for a name written already; else its parent directories' entries
        go into the archive first."""
        if name in self._written:
            return False
        self._written.add(name)
        tar = self._tar
        if tar is None:
            return True
        for parent in _parents(name):
            if parent not in self._written:
                self._written.add(parent)
                info = tarfile.TarInfo(parent)
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
        return True

    def _dest(self, name: str) -> Path:
        dest = self._target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        return dest

    def _add(self, name: str, size: int, src: IO[bytes]) -> None:
        if not self._claim(name):
            return
        if self._tar is not None:
            info = tarfile.TarInfo(name)
            info.size = size
            info.mode = 0o644
            self._tar.addfile(info, src)
        else:
            with open(self._dest(name), "wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)

    def close(self) -> None:
        if self._tar is not None:
            self._tar.close()


def _parents(name: str) -> list[str]:
    parts = name.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _items(ctx: EngineContext, names: Sequence[str]) -> list[_Item]:
    from hutch.engine.pushconvert import with_stored_blobs

    out = []
    for name in names:
        # the blobs the store has (a pulled layer found stored in another
        # compression), as push sends them
        image = with_stored_blobs(find_image(ctx.images, name), ctx.images, ctx.layers)
        is_id = image.id.startswith(name.removeprefix("sha256:"))
        full = None if is_id else _full_name(image, name)
        out.append(_Item(image, full))
    return out


def _full_name(image: ImageRecord, text: str) -> str | None:
    if text in image.names:
        return text
    try:
        short = str(parse_reference(text, default_registry="localhost")).split("/", 1)[1]
    except InvalidArgument:
        return None
    return next((n for n in image.names if n.endswith("/" + short) or n == text), None)


def _manifest_of(image: ImageRecord, raw: bytes | None = None) -> ImageManifest:
    """The image's manifest (``raw``: the one written for it, its layers gzipped)."""
    doc = parse_manifest(image.manifest_raw if raw is None else raw)
    if not isinstance(doc, ImageManifest):
        raise InvalidArgument(f"image {image.id[:12]} has no image manifest")
    return doc


Progress = Callable[[str], None]


def copy_lines(image: ImageRecord, blobs: Sequence[str]) -> list[str]:
    """podman's lines for one image copied (after "Getting image source signatures")."""
    return [
        *(f"Copying blob {blob}" for blob in blobs),
        f"Copying config sha256:{image.id}",
        "Writing manifest to image destination",
        "Storing signatures",
    ]


def save(
    ctx: EngineContext,
    names: Sequence[str],
    output: str,
    fmt: str,
    multi_image: bool = True,
    progress: Progress | None = None,
    *,
    uncompressed: bool = False,
    compress: bool | None = None,
) -> None:
    """Save the images ``names`` to ``output`` ("-": standard output).

    ``multi_image`` False is podman's save without -m: the first name is the
    image, the others are more tags for it in a docker-archive (and ignored by
    the other formats, as podman ignores them). The layers as podman 4.3.1 and
    current podman write them: an OCI layout's gzipped (a layer stored plain is
    gzipped, one stored compressed stays as it is) unless ``uncompressed``, a
    docker-dir's as stored unless ``compress``, a docker-archive's plain;
    ``compress`` given at all (True or False, not None) with another format is refused.
    """
    if fmt not in FORMATS:
        # podman's words and order
        raise InvalidArgument(
            "format value must be one of oci-dir oci-archive docker-dir docker-archive"
        )
    if compress is not None and fmt != "docker-dir":
        # podman's words, for --compress=false too; after the format's own check,
        # as podman refuses an unknown format first
        raise InvalidArgument("--compress can only be set when --format is 'docker-dir'")
    if not names:
        raise InvalidArgument("save: name at least one image")
    if multi_image and len(names) > 1 and fmt != "docker-archive":
        # podman's words (its -m); a docker-dir holds one image, an OCI layout
        # could hold several but podman writes them only as a docker-archive
        raise InvalidArgument(
            f'unsupported format "{fmt}" for saving multiple images (only docker-archive)'
        )
    if multi_image:
        items = _items(ctx, names)
    else:
        first = _items(ctx, names[:1])[0]
        extra = tuple(extra_tag(n) for n in names[1:]) if fmt == "docker-archive" else ()
        items = [_Item(first.image, first.name, extra)]
    # plain layers gzipped (_layers below): an OCI layout's unless --uncompressed, a
    # docker-dir's with --compress; else as stored
    oci = fmt in ("oci-archive", "oci-dir")
    gzip = not uncompressed if oci else bool(compress) and fmt == "docker-dir"
    compression = _gzipped() if gzip else None
    if output == "-" or _special_file(output):
        if fmt not in ("docker-archive", "oci-archive"):
            raise InvalidArgument(f"--format {fmt} writes a directory: give it with -o DIR")
        _stream(ctx, output, fmt, items, compression)
        return
    _write(ctx, Path(output), fmt, items, compression)
    if progress is not None:
        for item in items:
            for line in copy_lines(item.image, item.image.config.diff_ids):
                progress(line)


def extra_tag(text: str) -> str:
    """A tag given after the image (podman save without -m), named as podman writes it."""
    return str(parse_reference(text, default_registry="localhost"))


def _special_file(output: str) -> bool:
    """An existing output that is no regular file or directory (/dev/stdout, a fifo, a
    device): written in place, since a temporary file next to it would replace it."""
    try:
        mode = os.stat(output).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _gzipped() -> LayerCompression:
    """podman's default for a layout it writes: plain layers gzipped, compressed
    ones as they are (push's rule with no --compression-format)."""
    from hutch.engine.pushconvert import LayerCompression

    return LayerCompression()


def _stream(
    ctx: EngineContext,
    output: str,
    fmt: str,
    items: Sequence[_Item],
    compression: LayerCompression | None,
) -> None:
    """An archive to standard output ("-") or into a pipe or device, in one pass."""
    with ExitStack() as stack:
        if output == "-":
            sys.stdout.flush()
            stream: BinaryIO = sys.stdout.buffer
        elif os.path.samestat(os.stat(output), os.fstat(1)):
            # -o /dev/stdout: our descriptor, which reopening a pipe through
            # /proc may be refused (a pipe made by another user)
            stream = stack.enter_context(open(os.dup(1), "wb"))
        else:
            stream = stack.enter_context(open(output, "wb"))
        sink = _Sink(Path(output), True, stream)
        if fmt == "docker-archive":
            _write_docker_archive(ctx, sink, items)
        else:
            _write_oci_layout(ctx, sink, items, compression)
        sink.close()
        stream.flush()


def _write(
    ctx: EngineContext,
    target: Path,
    fmt: str,
    items: Sequence[_Item],
    compression: LayerCompression | None = None,
) -> str:
    """Write ``items`` in ``fmt``, the layers as ``compression`` says (``_layers``; a
    docker-archive's are plain); an archive appears whole (a temp name, then rename).
    The digest of the (first) manifest written: push reports it, as podman's."""
    archive = fmt in ("docker-archive", "oci-archive")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp") if archive else target
    if archive:
        _remove_stale_partials(target)
    try:
        sink = _Sink(tmp, archive)
    except OSError as exc:  # podman's words name the file asked for (Go's in lower case)
        reason = (exc.strerror or str(exc)).lower()
        raise HutchError(f'opening file "{target}": open {target}: {reason}') from None
    try:
        if fmt == "docker-archive":
            _write_docker_archive(ctx, sink, items)
            digest = str(sha256_of(items[0].image.manifest_raw))
        elif fmt in ("docker-dir", "dir"):
            digest = _write_dir(ctx, sink, items[0], docker=fmt == "docker-dir", c=compression)
        else:
            digest = _write_oci_layout(ctx, sink, items, compression)
        sink.close()
        if archive:
            os.replace(tmp, target)
        return digest
    except BaseException:
        sink.close()
        if archive:
            tmp.unlink(missing_ok=True)
        raise


def _remove_stale_partials(target: Path) -> None:
    """The partial archives (``.NAME.PID.tmp``) of earlier saves to the same
    file whose process is gone (killed): a save never leaves them, a kill can."""
    from hutch.linux import procfs

    prefix = f".{target.name}."
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        pid = name[len(prefix) : -len(".tmp")] if name.startswith(prefix) else ""
        if name.endswith(".tmp") and pid.isdigit() and not procfs.start_time(int(pid)):
            with suppress(OSError):
                os.unlink(target.parent / name)


def _one_per_image(items: Sequence[_Item]) -> list[_Item]:
    """save -m of one image under several names: one entry with all of them, as
    podman writes it (the first name stays the entry's name)."""
    by_id: dict[str, _Item] = {}
    for item in items:
        known = by_id.get(item.image.id)
        if known is None or not item.name:
            by_id.setdefault(item.image.id, item)
            continue
        more = tuple(n for n in (*known.extra_tags, item.name) if n != known.name)
        by_id[item.image.id] = _Item(known.image, known.name, tuple(dict.fromkeys(more)), True)
    return list(by_id.values())


def _write_docker_archive(ctx: EngineContext, sink: _Sink, items: Sequence[_Item]) -> None:
    """``manifest.json`` and the files it names (the config, each layer as a plain
    tar named by its diff id), and the legacy entries (engine/docker_legacy.py)."""
    from hutch.engine.docker_legacy import VERSION, legacy_layers, repositories

    entries: list[dict[str, Any]] = []
    tops: list[tuple[str, str]] = []
    for item in _one_per_image(items):
        image = item.image
        manifest = _manifest_of(image)
        sink.add_bytes(f"{image.id}.json", image.config_raw)
        layer_files = []
        for desc, diff_id in zip(manifest.layers, image.config.diff_ids, strict=True):
            name = f"{diff_id.split(':', 1)[1]}.tar"
            _add_plain(
                sink, name, ctx.layers.blob_path(str(desc.digest)), str(desc.digest) == diff_id
            )
            layer_files.append(name)
        legacy = legacy_layers(image.config.diff_ids, image.config_raw)
        for layer in legacy:
            sink.add_symlink(f"{layer.id}/layer.tar", f"../{layer.diff_id.split(':', 1)[1]}.tar")
            sink.add_bytes(f"{layer.id}/VERSION", VERSION)
            sink.add_bytes(f"{layer.id}/json", layer.config)
        tags = [item.name] if item.name else []
        if item.name is None and len(items) == 1:
            tags = list(image.names)
        if item.extra_tags:  # podman's order: save -m in the order given, else the
            # tags given after the image (or push's ref) before the image's own name
            first = [*tags, *item.extra_tags] if item.merged else [*item.extra_tags, *tags]
            tags = list(dict.fromkeys(first))
        entries.append({"Config": f"{image.id}.json", "RepoTags": tags, "Layers": layer_files})
        tops += [(tag, legacy[-1].id) for tag in tags if legacy]
    compact = (",", ":")  # podman's (Go's) JSON
    sink.add_bytes("manifest.json", json.dumps(entries, separators=compact).encode())
    sink.add_bytes("repositories", repositories(tops))  # podman writes {} without a tag


def _add_plain(sink: _Sink, name: str, blob: Path, plain: bool) -> None:
    """A layer as the plain tar a docker-archive holds: a blob stored compressed (a
    pulled layer) is decompressed first, as podman writes it."""
    if plain:
        sink.add_file(name, blob)
        return
    from hutch.store.compression import open_decompressed

    with tempfile.TemporaryFile() as tmp:
        with open(blob, "rb") as src, open_decompressed(src) as stream:
            shutil.copyfileobj(stream, tmp, 1 << 20)
        size = tmp.tell()
        tmp.seek(0)
        sink.add_stream(name, size, tmp)


@contextmanager
def _layers(
    ctx: EngineContext,
    image: ImageRecord,
    compression: LayerCompression | None,
    oci: bool = False,
) -> Iterator[_Layers]:
    """The image's manifest and layer files as written: recompressed as
    ``compression`` says (push's rule, engine/pushconvert.py: by default plain
    layers gzipped, a layer stored compressed as it is), or with None as stored (as
    podman's save --uncompressed writes a pulled layer still compressed). ``oci``:
    the manifest as an OCI one, as podman writes an OCI layout's (the blobs are the
    same). Made layers live in a temp dir while they are written."""
    from hutch.engine.pushconvert import as_manifest_type, convert_layers
    from hutch.store.layers import remove_tree

    raw = as_manifest_type(image.manifest_raw, "oci") if oci else image.manifest_raw
    if compression is None:
        yield _Layers(raw, {})
        return
    tmp = ctx.layers.new_tmp()
    try:
        converted = convert_layers(raw, ctx.layers, tmp, compression)
        yield _Layers(converted.manifest_raw, converted.blobs)
    finally:
        remove_tree(tmp)


@dataclass(frozen=True)
class _Layers:
    manifest_raw: bytes
    made: dict[str, Path]  # digest -> a layer recompressed for the copy

    def path(self, ctx: EngineContext, desc: Any) -> Path:
        made = self.made.get(str(desc.digest))
        return made if made is not None else _blob(ctx, desc)


def _write_oci_layout(
    ctx: EngineContext,
    sink: _Sink,
    items: Sequence[_Item],
    compression: LayerCompression | None = None,
) -> str:
    """An OCI layout: always OCI manifests (podman converts a Docker one), the
    layers as ``compression`` says; the first manifest's digest."""
    sink.add_bytes("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
    index: list[dict[str, Any]] = []
    for item in items:
        image = item.image
        with _layers(ctx, image, compression, oci=True) as layers:
            raw = layers.manifest_raw
            manifest = _manifest_of(image, raw)
            digest = sha256_of(raw)
            sink.add_bytes(f"blobs/sha256/{digest.hex}", raw)
            sink.add_bytes(f"blobs/sha256/{manifest.config.digest.hex}", image.config_raw)
            for desc in manifest.layers:
                blob = layers.path(ctx, desc)
                sink.add_file(f"blobs/{desc.digest.algorithm}/{desc.digest.hex}", blob)
        entry: dict[str, Any] = {
            "mediaType": manifest.media_type,
            "digest": str(digest),
            "size": len(raw),
        }
        names = [item.name] if item.name else list(image.names)
        if names:
            entry["annotations"] = {IMAGE_NAME: names[0], REF_NAME: names[0]}
        index.append(entry)
    doc = {"schemaVersion": 2, "mediaType": mt.OCI_INDEX, "manifests": index}
    sink.add_bytes("index.json", json.dumps(doc).encode())
    return str(index[0]["digest"])


def _write_dir(
    ctx: EngineContext, sink: _Sink, item: _Item, *, docker: bool, c: LayerCompression | None
) -> str:
    """A ``dir:`` directory; ``docker`` (save --format docker-dir): its manifest
    as Docker schema 2, as podman's save writes it (a push to dir: keeps the type);
    ``c``: the layers' compression (save --compress, push --compress); its digest."""
    from hutch.engine.pushconvert import as_manifest_type

    image = item.image
    sink.add_bytes("version", b"Directory Transport Version: 1.1\n")
    with _layers(ctx, image, c) as layers:
        raw = layers.manifest_raw
        manifest = _manifest_of(image, raw)
        raw = as_manifest_type(raw, "v2s2") if docker else raw
        sink.add_bytes("manifest.json", raw)
        sink.add_bytes(manifest.config.digest.hex, image.config_raw)
        for desc in manifest.layers:
            sink.add_file(desc.digest.hex, layers.path(ctx, desc))
    return str(sha256_of(raw))


def _blob(ctx: EngineContext, desc: Any) -> Path:
    path = ctx.layers.blob_path(str(desc.digest))
    if not path.is_file():
        raise InvalidArgument(f"blob {desc.digest} is missing from storage")
    return path


def write_transport(
    ctx: EngineContext,
    image: ImageRecord,
    destination: str,
    source_name: str,
    *,
    compression: LayerCompression,
    compress: bool = False,
) -> PushReport:
    """Write ``image`` to ``TRANSPORT:PATH`` (push to a non-registry destination).

    As podman's: an OCI layout's (``oci:``, ``oci-archive:``) layers are compressed
    as ``compression`` (--compression-format, -level, --force-compression) says,
    gzip by default; a ``dir:``'s only with ``compress`` (push --compress), else
    as stored; a docker-archive's are plain."""
    transport, _, rest = destination.partition(":")
    path, _, name = rest.partition(":") if transport != "dir" else (rest, "", "")
    if not path:
        raise InvalidArgument(f"{destination}: no path given")
    fmt = {
        "docker-archive": "docker-archive",
        "oci-archive": "oci-archive",
        "oci": "oci-dir",
        "dir": "dir",
    }.get(transport)
    if fmt is None:
        raise InvalidArgument(f"{destination}: unknown transport {transport!r}")
    own = _full_name(image, source_name)
    if name and fmt == "docker-archive":
        # podman: the reference as a docker one (docker.io/ for a bare name), then
        # the image's own name, both in RepoTags
        ref = str(parse_reference(name, default_registry="docker.io"))
        item = _Item(image, own, (ref,)) if own and own != ref else _Item(image, ref)
    else:
        item = _Item(image, name or own)
    layers = None if fmt == "dir" and not compress else compression
    return PushReport(destination, _write(ctx, Path(path), fmt, [item], layers))


# ------------------------------------------------------------------ load


def _no_format(path: Path, exc: BaseException) -> str:
    """podman's words for a file that is no archive: what each of its four
    transports found, in the order it tries them, with Go's reasons."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"open {path}: {exc.strerror.lower()}"
    from hutch.store.tarextract import go_tar_reason

    reason = go_tar_reason(exc)
    if reason == "EOF":  # an empty file: a tar without members
        oci_archive = "loading index: open index.json: no such file or directory"
        docker_archive = "loading tar component manifest.json: file does not exist"
    else:
        oci_archive = f'creating temp directory: untarring file "{path}": {reason}'
        docker_archive = f"loading tar component manifest.json: {reason}"
    return (
        "payload does not match any of the supported image formats:\n"
        f" * oci: initializing source oci:{path}:: open {path}/index.json: not a directory\n"
        f" * oci-archive: {oci_archive}\n"
        f" * docker-archive: {docker_archive}\n"
        f" * dir: open {path}/manifest.json: not a directory"
    )


class _Source:
    """Files of an unpacked-on-demand archive, or of a directory."""

    def __init__(self, path: Path) -> None:
        self._dir = path if path.is_dir() else None
        self._tar: tarfile.TarFile | None = None
        self._members: dict[str, tarfile.TarInfo] = {}
        if self._dir is None:
            try:
                self._tar = tarfile.open(path, "r:*")  # noqa: SIM115 - closed by close()
            except (tarfile.TarError, OSError) as exc:
                raise InvalidArgument(_no_format(path, exc)) from None
            for member in self._tar.getmembers():
                self._members[member.name.removeprefix("./")] = member

    def has(self, name: str) -> bool:
        if self._dir is not None:
            path = self._inside(name)
            return path is not None and path.is_file()
        return self._member(name) is not None

    def _inside(self, name: str) -> Path | None:
        """``name`` in the directory, symlinks resolved, if it stays inside it."""
        assert self._dir is not None
        root = self._dir.resolve()
        path = (root / name).resolve()
        return path if path.is_relative_to(root) and path != root else None

    def _member(self, name: str) -> tarfile.TarInfo | None:
        """The member ``name`` names, following symlinks inside the archive."""
        member = self._members.get(name)
        for _ in range(_MAX_LINKS):
            if member is None or not member.issym():
                return member
            name = os.path.normpath(os.path.join(os.path.dirname(name), member.linkname))
            member = self._members.get(name)
        raise InvalidArgument(f"{name} in the archive: too many levels of symbolic links")

    @contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        if self._dir is not None:
            path = self._inside(name)
            if path is None or not path.is_file():
                raise InvalidArgument(f"the archive has no {name}")
            with open(path, "rb") as fd:
                yield fd
            return
        assert self._tar is not None
        member = self._member(name)
        f = self._tar.extractfile(member) if member is not None else None
        if f is None:
            raise InvalidArgument(f"the archive has no {name}")
        with f:
            yield f  # type: ignore[misc]

    def read(self, name: str, limit: int = 16 << 20) -> bytes:
        with self.open(name) as f:
            data = f.read(limit + 1)
        if len(data) > limit:
            raise InvalidArgument(f"{name} in the archive is too large")
        return data

    def close(self) -> None:
        if self._tar is not None:
            self._tar.close()


def load(
    ctx: EngineContext,
    source: str,
    cancelled: Callable[[], bool] | None = None,
    progress: Progress | None = None,
) -> list[str]:
    """Load every image of an archive (docker-archive or OCI); the names, or ids.

    ``cancelled`` (the API service's client that left): each layer's read asks
    it, and so does the last step before any image is stored, so a cancelled
    load records no image (layers already complete stay, as after a failure)."""
    from hutch.engine.cancellable import checkpoint
    from hutch.engine.imagewrite import store_image_raw

    state = ctx.enter_session()
    ignore_chown = state.mode == "single-id"
    with _spooled(source) as path:
        src = _Source(path)
        try:
            if src.has("manifest.json") and not src.has("version"):
                loaded = _load_docker(ctx, src, ignore_chown, cancelled=cancelled)
            elif src.has("manifest.json"):  # a dir: layout (save --format docker-dir)
                loaded = [_load_dir(ctx, src, ignore_chown)]
            elif src.has("index.json"):
                loaded = _load_oci(ctx, src, ignore_chown, cancelled=cancelled)
            else:
                raise InvalidArgument(
                    f"{source}: neither a docker-archive nor an OCI layout "
                    "(no manifest.json or index.json)"
                )
        finally:
            src.close()
    checkpoint(cancelled)
    out = []
    for config_raw, layers, names, manifest_raw in loaded:
        record = store_image_raw(ctx, config_raw, layers, names, manifest_raw=manifest_raw)
        out += list(names) or [f"sha256:{record.id}"]
        if progress is not None:
            progress("Getting image source signatures")
            for line in copy_lines(record, [layer.blob_digest for layer in layers]):
                progress(line)
    return out


@contextmanager
def _spooled(source: str) -> Iterator[Path]:
    if source not in ("", "-"):
        path = Path(source)
        if not path.exists():
            raise InvalidArgument(f"stat {source}: no such file or directory")  # podman's words
        yield path
        return
    import sys

    with tempfile.NamedTemporaryFile(prefix="hutch-load-") as tmp:
        shutil.copyfileobj(sys.stdin.buffer, tmp, 1 << 20)
        tmp.flush()
        yield Path(tmp.name)


_Loaded = tuple[bytes, list[LayerInfo], list[str], bytes | None]


@dataclass(frozen=True)
class _DockerEntry:
    """One image of a docker-archive's manifest.json, its types checked."""

    config: str
    layers: list[str]
    names: list[str]


def _docker_entries(raw: bytes) -> list[_DockerEntry]:
    """manifest.json's entries; every name parsed before any layer is stored."""
    try:
        entries = json.loads(raw)
    except ValueError:
        entries = None
    if not isinstance(entries, list):
        raise InvalidArgument("manifest.json of the archive is not a list")
    out = []
    for i, entry in enumerate(entries):
        where = f"manifest.json entry {i}"
        if not isinstance(entry, dict):
            raise InvalidArgument(f"{where}: not an object")
        config, layers, tags = entry.get("Config"), entry.get("Layers"), entry.get("RepoTags")
        if not isinstance(config, str) or not config:
            raise InvalidArgument(f"{where}: Config is not a file name")
        if not isinstance(layers, list) or not all(isinstance(n, str) for n in layers):
            raise InvalidArgument(f"{where}: Layers is not a list of file names")
        if tags is None:
            tags = []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise InvalidArgument(f"{where}: RepoTags is not a list of names")
        out.append(_DockerEntry(config, layers, [_normal(t) for t in tags]))
    return out


def _load_docker(
    ctx: EngineContext,
    src: _Source,
    ignore_chown: bool,
    pick: str | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[_Loaded]:
    """Every image of the archive; with ``pick`` (a pull) only one: the one of that
    name ("": the first)."""
    entries = _docker_entries(src.read("manifest.json"))
    if pick is not None:
        wanted = _normal(pick) if pick else ""
        entries = [e for e in entries if not wanted or wanted in e.names][:1]
        if not entries:
            raise InvalidArgument(f"no image {pick or ''} in the archive".replace("  ", " "))
    out: list[_Loaded] = []
    for entry in entries:
        config_name = entry.config
        config_raw = src.read(config_name)
        if config_name.removesuffix(".json").split("/")[-1] != sha256_of(config_raw).hex and (
            len(config_name.removesuffix(".json").split("/")[-1]) == 64
        ):
            raise InvalidArgument(f"{config_name}: digest mismatch with its name")
        config = _config(config_raw)
        layer_names = entry.layers
        if len(layer_names) != len(config.diff_ids):
            raise InvalidArgument("the archive lists a different number of layers than the config")
        layers = []
        for name, diff_id in zip(layer_names, config.diff_ids, strict=True):
            with src.open(name) as f:
                layers.append(
                    ctx.layers.ingest(
                        cancellable(f, cancelled),
                        ignore_chown=ignore_chown,
                        expected_diff_id=diff_id,
                    )
                )
        out.append((config_raw, layers, entry.names, None))
    return out


def _load_oci(
    ctx: EngineContext,
    src: _Source,
    ignore_chown: bool,
    pick: str | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[_Loaded]:
    """Every image of the layout; with ``pick`` (a pull) only one: the one whose
    ref.name annotation (or image name) is ``pick`` ("": the first)."""
    index = parse_manifest(src.read("index.json"))
    if not isinstance(index, ImageIndex):
        raise InvalidArgument("index.json of the layout is not an image index")
    descs = list(index.manifests)
    if pick is not None:
        descs = [d for d in descs if not pick or _names_it(d, pick)][:1]
        if not descs:
            raise InvalidArgument(f"no image {pick} in the layout" if pick else "empty layout")
    out: list[_Loaded] = []
    for desc in descs:
        raw = src.read(f"blobs/{desc.digest.algorithm}/{desc.digest.hex}")
        if sha256_of(raw) != desc.digest:
            raise InvalidArgument(f"manifest {desc.digest}: digest mismatch; refused")
        manifest = parse_manifest(raw)
        if not isinstance(manifest, ImageManifest):
            raise InvalidArgument("nested indexes in an OCI layout are not supported")
        cdesc = manifest.config
        config_raw = src.read(f"blobs/{cdesc.digest.algorithm}/{cdesc.digest.hex}")
        if sha256_of(config_raw) != cdesc.digest:
            raise InvalidArgument(f"config {cdesc.digest}: digest mismatch; refused")
        config = _config(config_raw)
        if len(config.diff_ids) != len(manifest.layers):
            raise InvalidArgument("the manifest and the config list different layer counts")
        layers = []
        for ldesc, diff_id in zip(manifest.layers, config.diff_ids, strict=True):
            with src.open(f"blobs/{ldesc.digest.algorithm}/{ldesc.digest.hex}") as f:
                layers.append(
                    ctx.layers.ingest(
                        cancellable(f, cancelled),
                        ignore_chown=ignore_chown,
                        expected_digest=str(ldesc.digest),
                        expected_diff_id=diff_id,
                    )
                )
        name = desc.annotation(IMAGE_NAME) or desc.annotation(REF_NAME)
        names = [_normal(name)] if name and _is_full(name) else []
        out.append((config_raw, layers, names, raw))
    return out


def _config(raw: bytes) -> ImageConfig:
    try:
        return ImageConfig.from_bytes(raw)
    except (ValueError, AttributeError, TypeError):
        raise InvalidArgument("the image config in the archive is not valid JSON") from None


def _is_full(name: str) -> bool:
    try:
        parse_reference(name)
    except InvalidArgument:
        return False
    return True


def _normal(name: str) -> str:
    return str(parse_reference(name, default_registry="localhost"))


# ------------------------------------------------------------------ pull from a transport


def pull_transport(ctx: EngineContext, source: TransportRef) -> tuple[str, tuple[str, ...]]:
    """Copy the one image ``source`` names into the store (podman's pull of a
    transport); its id and names. ``containers-storage:`` is the store itself."""
    from hutch.engine.imagewrite import store_image_raw

    where = f"{source.transport}:{source.path}"
    if source.transport == "containers-storage":
        record = find_image(ctx.images, source.ref)
        return record.id, record.names
    if not source.path or not os.path.exists(source.path):
        if source.transport == "docker-archive" and source.path:  # podman's words
            raise InvalidArgument(
                f'opening file "{source.path}": open {source.path}: no such file or directory'
            )
        raise InvalidArgument(f"{where}: no such file or directory")
    state = ctx.enter_session()
    ignore_chown = state.mode == "single-id"
    src = _Source(Path(source.path))
    try:
        if source.transport == "docker-archive":
            loaded = _load_docker(ctx, src, ignore_chown, pick=source.ref or None)
        elif source.transport == "dir":
            loaded = [_load_dir(ctx, src, ignore_chown)]
        else:
            loaded = _load_oci(ctx, src, ignore_chown, pick=source.ref or None)
    finally:
        src.close()
    config_raw, layers, names, manifest_raw = loaded[0]
    if not names:
        names = _name_of_path(source)
    record = store_image_raw(ctx, config_raw, layers, names, manifest_raw=manifest_raw)
    return record.id, tuple(names)


def _names_it(desc: Any, pick: str) -> bool:
    """The layout's entry is the ``pick`` of ``oci:DIR:REF``: its ref.name (a tag, or
    a full name as hutch writes it) or image name."""
    names = {desc.annotation(REF_NAME), desc.annotation(IMAGE_NAME)} - {None, ""}
    return pick in names or (_is_full(pick) and _normal(pick) in names)


def _name_of_path(source: TransportRef) -> list[str]:
    """An image the layout does not name: its ref when it is a full name, else none.
    podman (libimage's copy from a transport) stores it nameless, by id: a path is
    not an image name (4.3.1 still named an ``oci:`` one ``localhost/PATH:latest``)."""
    if source.ref and _is_full(source.ref):
        return [_normal(source.ref)]
    return []


def _load_dir(ctx: EngineContext, src: _Source, ignore_chown: bool) -> _Loaded:
    """A ``dir:`` directory: manifest.json, and the config and layers named by hex."""
    raw = src.read("manifest.json")
    manifest = parse_manifest(raw)
    if not isinstance(manifest, ImageManifest):
        raise InvalidArgument("manifest.json of the directory is not an image manifest")
    config_raw = src.read(manifest.config.digest.hex)
    if sha256_of(config_raw) != manifest.config.digest:
        raise InvalidArgument(f"config {manifest.config.digest}: digest mismatch; refused")
    config = _config(config_raw)
    if len(config.diff_ids) != len(manifest.layers):
        raise InvalidArgument("the manifest and the config list different layer counts")
    layers = []
    for ldesc, diff_id in zip(manifest.layers, config.diff_ids, strict=True):
        with src.open(ldesc.digest.hex) as f:
            layers.append(
                ctx.layers.ingest(
                    f,
                    ignore_chown=ignore_chown,
                    expected_digest=str(ldesc.digest),
                    expected_diff_id=diff_id,
                )
            )
    return config_raw, layers, [], raw
