"""Images: the options, reports and protocol of the image verbs."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from hutch.api.common import ImageGraphDriver as ImageGraphDriver  # re-exported
from hutch.api.common import PruneReport

# re-exported: the listing's two classes live apart so that ``images`` loads none of the rest
from hutch.api.image_list import ImageSummary as ImageSummary
from hutch.api.image_list import ListImagesOptions as ListImagesOptions
from hutch.api.podman_json import internal, key

if TYPE_CHECKING:
    # annotations only: ``images``, ``pull`` and ``rmi`` need none of api.build's
    # classes nor api.container_config's (about 4.5 ms of their start)
    from hutch.api.build import BuildOptions, BuildReport
    from hutch.api.image_scp import ScpOptions, ScpReport


def is_import_url(source: str) -> bool:
    """What podman's import fetches: a scheme and a "/" after it (the rule of Go's
    url.ParseRequestURI with a scheme), not a path, not ``-``."""
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:/", source))


@dataclass(frozen=True)
class ImportOptions:
    source: str  # a path, "-" for standard input, or an http(s) URL
    reference: str | None = None
    changes: tuple[str, ...] = ()
    message: str | None = None
    # --arch, --os, --variant: the platform the image says it is for (None: the host's)
    arch: str | None = None
    os: str | None = None
    variant: str | None = None
    # the API service's client that left: the layer's read stops, no image is recorded
    cancelled: Callable[[], bool] | None = None


@dataclass(frozen=True)
class RemoveImageOptions:
    force: bool = False
    all: bool = False
    ignore: bool = False
    # --no-prune: the build's nameless step images below it stay (podman's rmi)
    no_prune: bool = False


@dataclass(frozen=True)
class RegistryAccess:
    """How to reach and authenticate to a registry (shared by pull, push, login, search)."""

    tls_verify: bool | None = None  # None: verify unless registries.conf says insecure
    creds: str | None = None  # USER[:PASSWORD]
    authfile: str | None = None
    cert_dir: str | None = None


@dataclass(frozen=True)
class TransferEvent:
    """One step of a blob's transfer, for a caller that shows progress its own way
    (the API service's per-layer lines); called from the transfer's threads."""

    action: str  # start, advance, done, retry, skipped (not transferred: ``note`` says why)
    kind: str  # blob (a layer) or config
    digest: str
    done: int = 0  # bytes so far
    total: int = 0
    note: str = ""  # skipped: "already exists", "mounted from REPOSITORY"


ProgressCallback = Callable[[TransferEvent], None]


@dataclass(frozen=True)
class PullOptions:
    reference: str
    platform: str | None = None  # os/arch[/variant]
    arch: str | None = None
    os: str | None = None
    variant: str | None = None
    quiet: bool = False
    all_tags: bool = False
    access: RegistryAccess = RegistryAccess()
    policy: str = "always"  # always, missing, newer, never (run --pull)
    on_progress: ProgressCallback | None = None  # each blob's steps (beside ``quiet``'s)
    # Asked at each blob's start and each piece: True stops the pull (an API client
    # that went away); the blob in flight is discarded, no image is recorded.
    cancelled: Callable[[], bool] | None = None
    # tries after a failed one (--retry) and the pause (--retry-delay, a Go duration),
    # as registry/retry.py takes them; None: containers.conf's [engine] retry and
    # retry_delay, else podman's (3; 2 s, doubled at each). Every pull, also one made
    # for run, create, build, compose, kube play or the API service, retries so.
    retry: int | None = None
    retry_delay: str | None = None


@dataclass(frozen=True)
class PushOptions:
    source: str
    destination: str | None = None  # a reference or TRANSPORT:PATH; None: the source name
    quiet: bool = False
    access: RegistryAccess = RegistryAccess()
    format: str | None = None  # oci, v2s2 (manifest type of the pushed image)
    on_progress: ProgressCallback | None = None  # as PullOptions.on_progress
    # as PullOptions.cancelled: the upload in flight is cancelled, no manifest is written
    cancelled: Callable[[], bool] | None = None
    # the layers as sent: gzip, zstd or zstd:chunked (None: as stored), the level, and
    # whether a layer compressed otherwise is recompressed (None: yes when a format is given)
    compression_format: str | None = None
    compression_level: int | None = None
    force_compression: bool | None = None
    retry: int | None = None  # as PullOptions'
    retry_delay: str | None = None
    # podman's --compress: a push to dir: gzips the plain layers (others ignore it)
    compress: bool = False


@dataclass(frozen=True)
class ManifestPlatform:
    """What ``manifest add`` and ``manifest annotate`` set on a list's entry; None keeps."""

    arch: str | None = None
    os: str | None = None
    variant: str | None = None
    os_version: str | None = None
    os_features: tuple[str, ...] | None = None
    features: tuple[str, ...] | None = None
    annotations: tuple[str, ...] = ()  # KEY=VALUE


@dataclass(frozen=True)
class ManifestCreateOptions:
    name: str
    images: tuple[str, ...] = ()
    all: bool = False  # every entry of an image that is itself a list
    amend: bool = False
    annotations: tuple[str, ...] = ()  # of the index itself, KEY=VALUE
    access: RegistryAccess = RegistryAccess()


@dataclass(frozen=True)
class ManifestAddOptions:
    list: str
    image: str  # a local image, or [docker://]REFERENCE at a registry
    all: bool = False
    platform: ManifestPlatform = ManifestPlatform()
    access: RegistryAccess = RegistryAccess()


@dataclass(frozen=True)
class ManifestAnnotateOptions:
    list: str
    digest: str | None  # None with index: the index itself
    platform: ManifestPlatform = ManifestPlatform()
    index: bool = False


@dataclass(frozen=True)
class ManifestPushOptions:
    list: str
    destination: str | None = None  # None: the list's own name
    all: bool = True  # also the images the list names (podman's default)
    rm: bool = False
    quiet: bool = False
    format: str | None = None  # oci, v2s2; None: as stored
    digestfile: str | None = None
    access: RegistryAccess = RegistryAccess()
    # as PushOptions' three, for each image pushed with --all
    compression_format: str | None = None
    compression_level: int | None = None
    force_compression: bool | None = None


@dataclass(frozen=True)
class LoginOptions:
    registry: str
    username: str | None = None
    password: str | None = None
    get_login: bool = False
    access: RegistryAccess = RegistryAccess()
    # podman's --verbose: say which auth file the credentials went to
    verbose: bool = False


@dataclass(frozen=True)
class LogoutOptions:
    registry: str | None = None
    all: bool = False
    authfile: str | None = None


@dataclass(frozen=True)
class SaveOptions:
    names: tuple[str, ...]
    output: str
    format: str = "docker-archive"  # docker-archive, oci-archive, oci-dir, docker-dir
    quiet: bool = False
    # Each name an image (docker save, podman save -m); False: podman save without
    # -m, the names after the first are more tags for the first image
    multi_image: bool = True
    # told each of podman's progress lines (a save to a file or directory)
    progress: Callable[[str], None] | None = None
    uncompressed: bool = False  # --uncompressed: an OCI layout's layers as stored
    # --compress: a docker-dir's plain layers gzipped; None: not given (podman refuses
    # the flag, --compress=false too, with any other format)
    compress: bool | None = None


@dataclass(frozen=True)
class SearchOptions:
    """Repositories whose name holds ``term``; a term naming a registry
    (``127.0.0.1:5000/app``) searches that one, else the search registries."""

    term: str
    limit: int = 25  # per registry; 0: 25, below 0: nothing (podman)
    access: RegistryAccess = RegistryAccess()
    list_tags: bool = False  # the tags of the one repository the term names


@dataclass(frozen=True)
class SearchResult:
    name: str  # registry/repository
    registry: str
    description: str = ""
    stars: int = 0
    official: bool = False
    automated: bool = False
    tag: str = ""  # search --list-tags: one result per tag


@dataclass(frozen=True)
class ImagePruneOptions:
    all: bool = False  # every image no container uses, not only dangling ones
    filters: tuple[str, ...] = ()  # system prune --filter: until=, label=, label!=


@dataclass(frozen=True)
class ImportReport:
    id: str
    names: tuple[str, ...]
    blob: str = ""  # the layer's digest as read (podman's "Copying blob" line)


@dataclass(frozen=True)
class RemoveReport:
    """One per name asked for: what was untagged and deleted, or why not."""

    name: str
    untagged: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    error: str | None = None
    exit_code: int = 0


@dataclass(frozen=True)
class PullReport:
    ids: tuple[str, ...]  # image ids (hex), one per pulled tag
    names: tuple[str, ...]


@dataclass(frozen=True)
class PushReport:
    destination: str
    digest: str  # the manifest digest the registry now holds


@dataclass(frozen=True)
class HistoryLine:
    id: str  # image id for the top entry, "<missing>" for the others
    created: str | None
    created_by: str
    size: int
    comment: str
    empty_layer: bool


@dataclass(frozen=True)
class ImageRootFS:
    type: str = field(metadata=key("Type"))
    layers: tuple[str, ...] = field(metadata=key("Layers"))


@dataclass(frozen=True)
class ImageInspect:
    """``image inspect``: podman's keys, in its order (``api.podman_json.to_json``)."""

    id: str = field(metadata=key("Id"))
    digest: str = field(metadata=key("Digest"))
    repo_tags: tuple[str, ...] = field(metadata=key("RepoTags"))
    repo_digests: tuple[str, ...] = field(metadata=key("RepoDigests"))
    parent: str = field(metadata=key("Parent"))
    comment: str = field(metadata=key("Comment"))
    created: str = field(metadata=key("Created"))
    config: dict[str, Any] = field(metadata=key("Config"))  # OCI's ImageConfig keys
    version: str = field(metadata=key("Version"))
    author: str = field(metadata=key("Author"))
    architecture: str = field(metadata=key("Architecture"))
    os: str = field(metadata=key("Os"))
    size: int = field(metadata=key("Size"))
    virtual_size: int = field(metadata=key("VirtualSize"))
    graph_driver: ImageGraphDriver = field(metadata=key("GraphDriver"))
    root_fs: ImageRootFS = field(metadata=key("RootFS"))
    labels: dict[str, str] | None = field(metadata=key("Labels"))
    annotations: dict[str, str] = field(metadata=key("Annotations"))
    manifest_type: str = field(metadata=key("ManifestType"))
    user: str = field(metadata=key("User"))
    history: tuple[dict[str, Any], ...] = field(metadata=key("History"))  # as stored
    names_history: tuple[str, ...] = field(metadata=key("NamesHistory"))
    # a Docker-format image's HEALTHCHECK (podman's Schema2HealthConfig: Test,
    # StartPeriod, Interval, Timeout, Retries; durations in nanoseconds); none in OCI
    health_check: dict[str, Any] | None = field(
        default=None, kw_only=True, metadata=key("Healthcheck", omitempty=True)
    )
    # the image config's "config" as stored, Docker's keys too (the Docker API's
    # answer); ``config`` holds the OCI keys podman shows
    stored_config: dict[str, Any] = field(default_factory=dict, kw_only=True, metadata=internal())


@dataclass(frozen=True)
class TreeLayer:
    """One layer of ``image tree``: its storage id (the chain id), bytes unpacked, and
    the names of the images whose top layer it is."""

    id: str
    size: int
    top_of: tuple[str, ...]
    image_top: bool  # the top layer of some image (named or not)
    # --whatrequires: the layers standing on this one, oldest first; ``branch``: its
    # parent has other children too, so podman nests its children under it
    children: tuple[TreeLayer, ...] = ()
    branch: bool = False


@dataclass(frozen=True)
class ImageTree:
    """``image tree IMAGE``: the image and its layers, base first (with
    ``--whatrequires``: its top layer alone, the layers on it as its children)."""

    id: str
    names: tuple[str, ...]
    size: int
    layers: tuple[TreeLayer, ...]


@dataclass(frozen=True)
class ImageChange:
    """One line of ``image diff``: ``kind`` is A (added), C (changed) or D (deleted)."""

    kind: str
    path: str


@dataclass(frozen=True)
class ImageMount:
    """An image mounted with ``image mount``: its id, names and mount point."""

    id: str
    names: tuple[str, ...]
    mountpoint: str


class Images(Protocol):
    """``engine.images``: the local store, the registries and builds."""

    def import_(self, options: ImportOptions) -> ImportReport: ...

    def ls(self) -> list[ImageSummary]: ...

    def remove(self, names: Sequence[str], options: RemoveImageOptions) -> list[RemoveReport]: ...

    def inspect(self, names: Sequence[str]) -> list[ImageInspect]: ...

    def tag(self, source: str, targets: Sequence[str]) -> None: ...

    def untag(self, source: str, targets: Sequence[str]) -> None: ...

    def history(self, name: str) -> list[HistoryLine]: ...

    def tree(self, name: str, whatrequires: bool = False) -> ImageTree: ...

    def diff(self, name: str, other: str | None = None) -> list[ImageChange]: ...

    def mount(self, names: Sequence[str]) -> list[str]: ...

    def mounted(self) -> list[ImageMount]: ...

    def unmount(
        self, names: Sequence[str], all: bool = False, force: bool = False
    ) -> list[str]: ...

    def exists(self, name: str) -> bool: ...

    def prune(self, options: ImagePruneOptions) -> list[PruneReport]: ...

    def pull(self, options: PullOptions) -> PullReport: ...

    def push(self, options: PushOptions) -> PushReport: ...

    def login(self, options: LoginOptions) -> str: ...

    def logout(self, options: LogoutOptions) -> list[str]: ...

    def manifest_inspect(self, name: str, access: RegistryAccess) -> str: ...

    def manifest_create(self, options: ManifestCreateOptions) -> str:
        """The id of the new (or amended) list."""
        ...

    def manifest_add(self, options: ManifestAddOptions) -> str: ...

    def manifest_remove(self, list: str, digest: str) -> str: ...

    def manifest_annotate(self, options: ManifestAnnotateOptions) -> str: ...

    def manifest_exists(self, name: str) -> bool: ...

    def manifest_push(self, options: ManifestPushOptions) -> str:
        """The digest of the index written to the registry."""
        ...

    def manifest_rm(self, names: Sequence[str]) -> list[RemoveReport]: ...

    def search(self, options: SearchOptions) -> list[SearchResult]:
        """Repositories of registries (their ``/v2/_catalog``) whose name holds the term."""
        ...

    def save(self, options: SaveOptions) -> None: ...

    def scp(self, options: ScpOptions) -> ScpReport:
        """Copy an image to or from a host reached with ssh (``image scp``)."""
        ...

    def load(
        self,
        source: str,
        cancelled: Callable[[], bool] | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> list[str]: ...

    def build(self, options: BuildOptions) -> BuildReport: ...
