"""Options, report and engine interface of ``hutch build``."""

from __future__ import annotations

from dataclasses import dataclass

PULL_POLICIES = ("always", "missing", "never", "newer")


@dataclass(frozen=True)
class BuildOptions:
    # a directory, a tar archive of one (the Docker API's upload), or "-" for a
    # tar stream on standard input
    context: str
    containerfile: str | None = None  # a path, "-" for standard input, None: look in the context
    tags: tuple[str, ...] = ()
    build_args: tuple[str, ...] = ()  # "KEY=VALUE" or "KEY" (the value of the environment)
    target: str | None = None
    no_cache: bool = False
    pull: str = "missing"
    labels: tuple[str, ...] = ()
    layers: bool = True
    squash: bool = False
    iidfile: str | None = None
    format: str | None = None  # oci or docker; None: $BUILDAH_FORMAT, else oci
    secrets: tuple[str, ...] = ()  # "id=NAME,src=PATH" (also env=VAR)
    platform: str | None = None
    timestamp: int | None = None  # seconds since the epoch; SOURCE_DATE_EPOCH otherwise
    quiet: bool = False
    logfile: str | None = None  # the steps and RUN's output go here (appended), not stdout
    manifest: str | None = None  # a manifest list the image is added to (created if missing)
    add_hosts: tuple[str, ...] = ()  # "HOST:IP" lines of RUN's /etc/hosts (IP may be host-gateway)
    # the final image's config: "KEY=VALUE", or "KEY" for the caller's value
    env: tuple[str, ...] = ()
    unsetenv: tuple[str, ...] = ()  # names removed from the final image's environment
    annotations: tuple[str, ...] = ()  # "KEY=VALUE" in the image's manifest
    omit_history: bool = False  # no history entries in the final image's config
    ignorefile: str | None = None  # instead of the .containerignore/.dockerignore found
    cache_ttl: str | None = None  # a duration (1h30m): older cache entries are not used
    # for the pulls of FROM images, as RegistryAccess's (api.images imports this module)
    tls_verify: bool | None = None
    creds: str | None = None
    authfile: str | None = None
    cert_dir: str | None = None
    # every RUN step's container
    network: str | None = None  # host (default) or none; RUN --network=none still wins
    volumes: tuple[str, ...] = ()  # "SRC:DST[:ro|rw]" bind mounts, never in a layer
    dns: tuple[str, ...] = ()
    dns_search: tuple[str, ...] = ()
    dns_options: tuple[str, ...] = ()
    cap_add: tuple[str, ...] = ()
    cap_drop: tuple[str, ...] = ()
    no_hostname: bool = False  # no /etc/hostname mount: the image's own file is seen
    security_opts: tuple[str, ...] = ()  # no-new-privileges, mask=, unmask=, label=
    ulimits: tuple[str, ...] = ()  # "NAME=SOFT[:HARD]" as run's


@dataclass(frozen=True)
class BuildReport:
    id: str  # the image id (hex of the config digest)
    names: tuple[str, ...]
