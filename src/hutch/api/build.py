"""Options, report and engine interface of ``hutch build``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from hutch.api.errors import InvalidArgument
from hutch.api.resource_options import ResourceOptions

PULL_POLICIES = ("always", "missing", "never", "newer")
_TRUE = ("true", "1", "t", "yes")
_FALSE = ("false", "0", "f", "no")
# buildah's isolation names (case-insensitive; "default" is oci): hutch's RUN runs in
# namespaces of its own under every one of them, so the name is checked and kept no further
ISOLATIONS = ("oci", "default", "rootless", "chroot")


def pull_policy(text: str) -> str:
    """build's --pull value (and the API's): true/false words as always/missing, a
    policy name as itself (checked by the engine)."""
    lowered = text.lower()
    if lowered in _TRUE:
        return "always"
    if lowered in _FALSE:
        return "missing"
    return lowered


def check_isolation(given: str | None) -> None:
    """--isolation (or $BUILDAH_ISOLATION, the libpod API's isolation), refused when
    unknown with podman's words."""
    if given and given.lower() not in ISOLATIONS:
        raise InvalidArgument(f'unrecognized isolation type "{given}"')


def keeps_layers(layers: bool | None, squash: bool, squash_all: bool) -> bool:
    """podman's rule: --squash-all turns layers off unless --layers was given (buildah
    keeps the step cache with a squashed result); --squash always does."""
    return (not squash_all if layers is None else layers) and not squash


@dataclass(frozen=True)
class BuildUserns:
    """build's --userns, --userns-uid-map, --userns-gid-map, --userns-uid-map-user,
    --userns-gid-map-group as given."""

    userns: str | None = None
    uid_map: tuple[str, ...] = ()
    gid_map: tuple[str, ...] = ()
    uid_map_user: str | None = None
    gid_map_group: str | None = None


@dataclass(frozen=True)
class BuildNamespaces:
    """build's --pid, --ipc, --uts and --cgroupns as given (None: not given): "",
    private or container make one per RUN step, host keeps hutch's own, a path (or
    ns:PATH) joins that namespace (engine/build_run_modes.py)."""

    pid: str | None = None
    ipc: str | None = None
    uts: str | None = None
    cgroupns: str | None = None


@dataclass(frozen=True)
class BuildOptions:
    # a directory, a tar archive of one (the Docker API's upload), "-" for standard
    # input (a tar, or a lone Containerfile), an http(s) URL (a tar or a Containerfile)
    # or a git repository (git://, https://....git, github.com/...; #REF:SUBDIR)
    context: str
    containerfile: str | None = None  # a path, "-" for standard input, None: look in the context
    tags: tuple[str, ...] = ()
    build_args: tuple[str, ...] = ()  # "KEY=VALUE" or "KEY" (the value of the environment)
    target: str | None = None
    no_cache: bool = False
    pull: str = "missing"
    labels: tuple[str, ...] = ()
    layers: bool = True
    squash: bool = False  # the build's new layers as one (the base's layers stay)
    squash_all: bool = False  # the whole image as one layer
    output: str | None = None  # -o: type=local,dest=DIR, type=tar,dest=FILE, DIR or -
    build_contexts: tuple[str, ...] = ()  # "NAME=VALUE" (a directory, an image, a URL)
    iidfile: str | None = None
    format: str | None = None  # oci or docker; None: $BUILDAH_FORMAT, else oci
    secrets: tuple[str, ...] = ()  # "id=NAME,src=PATH" (also env=VAR)
    ssh: tuple[str, ...] = ()  # "default", "ID", "ID=SOCKET" or "ID=KEY[,KEY]"
    platform: str | None = None
    # --arch, --os, --variant: each overrides that part of --platform (or the host's)
    arch: str | None = None
    os: str | None = None
    variant: str | None = None
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
    # registry repositories (no tag) of step images: tried on a local cache miss
    # (--cache-from), pushed to after a step ran (--cache-to); both need layers
    cache_from: tuple[str, ...] = ()
    cache_to: tuple[str, ...] = ()
    # for the pulls of FROM images, as RegistryAccess's (api.images imports this module)
    tls_verify: bool | None = None
    creds: str | None = None
    authfile: str | None = None
    cert_dir: str | None = None
    # --retry and --retry-delay of those pulls, as PullOptions' (None: not given)
    retry: int | None = None
    retry_delay: str | None = None
    # every RUN step's container
    # host (default), none, private/bridge, slirp4netns, pasta or ns:PATH; a step's
    # RUN --network=none|host wins
    network: str | None = None
    # --userns and --userns-*-map: only host ("") is taken (engine/build_namespaces.py)
    userns: BuildUserns = field(default_factory=BuildUserns)
    volumes: tuple[str, ...] = ()  # "SRC:DST[:ro|rw]" bind mounts, never in a layer
    dns: tuple[str, ...] = ()
    dns_search: tuple[str, ...] = ()
    dns_options: tuple[str, ...] = ()
    cap_add: tuple[str, ...] = ()
    cap_drop: tuple[str, ...] = ()
    # --from: the first stage's base instead of its FROM's image (buildah's); None/"": FROM's
    from_image: str | None = None
    skip_unused_stages: bool = True  # False: every stage up to the target is built
    # --identity-label: accepted; hutch writes no identity label either way (buildah's
    # io.buildah.version has no hutch counterpart: the image stays as its steps made it)
    identity_label: bool = True
    no_hostname: bool = False  # no /etc/hostname mount: the image's own file is seen
    no_hosts: bool | None = None  # True: the image's own /etc/hosts; None: containers.conf's
    # the caller's proxy variables into RUN (not the image); None: containers.conf's (true)
    http_proxy: bool | None = None
    security_opts: tuple[str, ...] = ()  # no-new-privileges, mask=, unmask=, label=
    ulimits: tuple[str, ...] = ()  # "NAME=SOFT[:HARD]" as run's
    shm_size: str | None = None  # RUN's /dev/shm size (64m, 1g; 0: no limit); None: 64m
    # Each RUN step's limits, as run's: memory, memory_swap, cpu_shares, cpu_period,
    # cpu_quota, cpuset_cpus, cpuset_mems (the ones podman build takes)
    resources: ResourceOptions = field(default_factory=ResourceOptions)
    namespaces: BuildNamespaces = field(default_factory=BuildNamespaces)
    devices: tuple[str, ...] = ()  # "HOST[:CONTAINER][:PERMS]" as run's --device
    stdin: bool = False  # RUN steps read the build's standard input (else /dev/null)
    # the final image's os.version, and os.features changes: "F" adds, "F-" removes
    os_version: str | None = None
    os_features: tuple[str, ...] = ()
    cpp_flags: tuple[str, ...] = ()  # for a Containerfile ending in .in (cpp's)
    # --all-platforms: every platform all the bases have (hutch builds the host's only)
    all_platforms: bool = False
    # --logsplit: the log goes to LOGFILE_OS_ARCH (see ``log_path``)
    logsplit: bool = False
    # Asked while the build runs: True stops it promptly (an API client that went
    # away, as Docker cancels a build): a running RUN step is killed, nothing is
    # committed or tagged, and the build raises (hutch.build.stepstate.BuildCancelled).
    cancelled: Callable[[], bool] | None = None


@dataclass(frozen=True)
class BuildReport:
    id: str  # the image id (hex of the config digest)
    names: tuple[str, ...]


TYPE_CHECKING = False  # typing costs a cached build an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import Literal

    OutputKind = Literal["local", "tar"]
_BAD_OUTPUT = "failed to parse build output: "  # podman's prefix


@dataclass(frozen=True)
class BuildOutput:
    kind: OutputKind
    dest: str  # a directory (local), a file (tar), or "-" (tar on standard output)

    @property
    def to_stdout(self) -> bool:
        return self.kind == "tar" and self.dest == "-"


def parse_output(text: str) -> BuildOutput:
    """One ``--output`` value, as buildah's and BuildKit's CLIs read it (podman's words)."""
    if text == "-":
        return BuildOutput("tar", "-")
    if not text:
        raise InvalidArgument(f"{_BAD_OUTPUT}empty output: give type=local,dest=DIR or a DIR")
    fields = text.split(",")
    key = fields[0].partition("=")[0]
    if len(fields) == 1 and key not in ("type", "dest"):
        return BuildOutput("local", text)  # a bare directory
    kind: str | None = None
    dest: str | None = None
    for part in fields:
        key, sep, value = part.partition("=")
        if not sep:
            raise InvalidArgument(
                f'{_BAD_OUTPUT}invalid build output options "{text}", expected format key=value'
            )
        if key not in ("type", "dest"):
            raise InvalidArgument(
                f'{_BAD_OUTPUT}unrecognized key "{key}" in build output option: "{text}"'
            )
        if (kind if key == "type" else dest) is not None:
            raise InvalidArgument(f'{_BAD_OUTPUT}duplicate "{key}" not supported: "{text}"')
        if key == "type":
            kind = value
        else:
            dest = value
    if kind is None or dest is None:
        raise InvalidArgument(
            f'{_BAD_OUTPUT}invalid build output option "{text}", '
            "accepted keys are type and dest must be present"
        )
    if kind not in ("local", "tar"):
        raise InvalidArgument(
            f'{_BAD_OUTPUT}invalid type "{kind}" selected for build output options "{text}"'
        )
    if not dest:
        raise InvalidArgument(f'{_BAD_OUTPUT}invalid build output option "{text}": empty dest')
    if kind == "local" and dest == "-":
        raise InvalidArgument(
            f'{_BAD_OUTPUT}invalid build output option "{text}", '
            "type=local and dest=- is not supported"
        )
    return BuildOutput("local" if kind == "local" else "tar", dest)


def log_path(options: BuildOptions) -> str | None:
    """Where the steps are logged: --logfile, or with --logsplit buildah's
    ``LOGFILE_OS_ARCH`` of the platform as given (empty parts when not given,
    as podman 4.3.1 names it: ``LOGFILE__``)."""
    if options.logfile is None or not options.logsplit:
        return options.logfile
    parts = (options.platform or "").split("/")
    os_name = options.os or parts[0]
    arch = options.arch or (parts[1] if len(parts) > 1 else "")
    return f"{options.logfile}_{os_name}_{arch}"
