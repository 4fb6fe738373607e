"""OCI artifacts: the options, reports and protocol of the ``artifact`` verbs (podman's)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from hutch.api.images import RegistryAccess


@dataclass(frozen=True)
class ArtifactAddOptions:
    name: str
    files: tuple[str, ...]
    artifact_type: str | None = None  # the manifest's artifactType (--type)
    annotations: tuple[str, ...] = ()  # KEY=VALUE, on each file's layer
    file_type: str | None = None  # each file's media type (default: detected)
    append: bool = False  # add the files to an existing artifact
    replace: bool = False  # an existing artifact of that name is replaced


@dataclass(frozen=True)
class ArtifactSummary:
    """One artifact, as ``artifact ls`` shows it."""

    name: str
    digest: str  # of the manifest, sha256:...
    size: int  # the files' bytes (podman's TotalSizeBytes)
    created: float
    repository: str = ""  # the name without its tag
    tag: str = ""


@dataclass(frozen=True)
class ArtifactInspect:
    """``artifact inspect``: the manifest as stored, its name and digest."""

    name: str
    digest: str
    manifest_raw: bytes
    size: int


@dataclass(frozen=True)
class ArtifactRemoveOptions:
    names: tuple[str, ...] = ()
    all: bool = False
    ignore: bool = False  # a name that is not known is no error


@dataclass(frozen=True)
class ArtifactExtractOptions:
    name: str
    target: str
    digest: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class ArtifactPullOptions:
    reference: str
    access: RegistryAccess = field(default_factory=RegistryAccess)
    quiet: bool = False
    retry: int | None = None  # tries after a failed one (--retry; None: podman's 3)
    retry_delay: str | None = None  # a Go duration (--retry-delay; None: 2 s, doubling)


@dataclass(frozen=True)
class ArtifactPushOptions:
    name: str
    access: RegistryAccess = field(default_factory=RegistryAccess)
    quiet: bool = False
    retry: int | None = None  # as ArtifactPullOptions'
    retry_delay: str | None = None


class Artifacts(Protocol):
    """``engine.artifacts``: artifacts in their own local store, and registries."""

    def add(self, options: ArtifactAddOptions) -> str: ...

    def ls(self) -> list[ArtifactSummary]: ...

    def inspect(self, name: str) -> ArtifactInspect: ...

    def remove(self, options: ArtifactRemoveOptions) -> list[str]: ...

    def extract(self, options: ArtifactExtractOptions) -> None: ...

    def pull(self, options: ArtifactPullOptions) -> str: ...

    def push(self, options: ArtifactPushOptions) -> str: ...
