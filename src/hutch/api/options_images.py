"""Options of the image distribution and management commands (pull, push, ...)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RegistryAccess:
    """How to reach and authenticate to a registry (shared by pull, push, login)."""

    tls_verify: bool | None = None  # None: verify unless registries.conf says insecure
    creds: str | None = None  # USER[:PASSWORD]
    authfile: str | None = None
    cert_dir: str | None = None


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


@dataclass(frozen=True)
class PushOptions:
    source: str
    destination: str | None = None  # a reference or TRANSPORT:PATH; None: the source name
    quiet: bool = False
    access: RegistryAccess = RegistryAccess()
    format: str | None = None  # oci, v2s2 (manifest type of the pushed image)


@dataclass(frozen=True)
class LoginOptions:
    registry: str
    username: str | None = None
    password: str | None = None
    get_login: bool = False
    access: RegistryAccess = RegistryAccess()


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


@dataclass(frozen=True)
class ListImagesOptions:
    all: bool = False
    filters: tuple[str, ...] = ()
    sort: str = "created"
