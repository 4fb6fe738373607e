"""What the builder and its filesystem steps share: the request, a stage's state,
the progress printer, and the part of the builder a step calls back into.

A module of its own so that ``fssteps`` (RUN, COPY, ADD) and ``builder``
(which owns an ``FsSteps``) do not import each other.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hutch.api.build import BuildOutput
from hutch.api.errors import HutchError
from hutch.build import instructions as ins
from hutch.build import metadata
from hutch.build.contexts import NamedContext
from hutch.build.ignore import IgnoreMatcher
from hutch.oci.image import ContainerConfig, ImageConfig
from hutch.store.layers import LayerInfo

TYPE_CHECKING = False  # typing costs a cached build an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import Protocol, TextIO

    from hutch.runtime.spec import ResourceSpec
    from hutch.runtime.spec_network import NetworkSpec
    from hutch.runtime.spec_security import Device, Ulimit
    from hutch.runtime.spec_userns import UsernsSpec


class StepFailed(HutchError):
    """A RUN step exited non-zero: the build stops with that status (as podman)."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.exit_code = code


class BuildCancelled(HutchError):
    """The build's caller went away (an API client that disconnected): the build
    stopped before its end, its running step killed, and nothing was committed."""


@dataclass(frozen=True)
class StepNamespaces:
    """build's --pid, --ipc, --uts and --cgroupns for every RUN step: the runtime's
    names of the namespaces kept from hutch's own (host), and the (name, path) pairs
    joined (a path, or ns:PATH); the others are made per step."""

    host: tuple[str, ...] = ()
    joins: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RunSettings:
    """What build's flags set on every RUN step's container.

    The fields of the runtime's spec classes are None where no flag set them, and
    made (``private_spec``, ``resource_spec``, ``userns_spec``) by the step that
    runs: a build whose steps all come from the cache never loads the runtime's
    spec (about 20 classes; issue 16)."""

    # host, none, private (pasta or slirp4netns: ``backend``) or ns:PATH; a step's
    # RUN --network=none|host wins, RUN --network=default keeps this one (buildah's)
    network: str = "host"
    # the private network: its helper (chosen before the build starts), the helper's
    # options of build --network slirp4netns:OPTS or pasta:OPTS and their layout
    # (None: the default helper's, with no options)
    private: NetworkSpec | None = None
    volumes: tuple[tuple[str, str, bool], ...] = ()  # (host source, destination, read-only)
    dns: tuple[str, ...] = ()
    dns_search: tuple[str, ...] = ()
    dns_options: tuple[str, ...] = ()
    capabilities: tuple[str, ...] | None = None  # --cap-add/--cap-drop's; None: the default
    no_hostname: bool = False
    no_hosts: bool = False  # --no-hosts: RUN sees the image's own /etc/hosts
    # --http-proxy (on by default): hutch's proxy variables as KEY=VALUE, given to
    # every RUN step where its ENV and ARG leave them, never written in the image
    proxy_env: tuple[str, ...] = ()
    no_new_privileges: bool = False
    mask: tuple[str, ...] = ()  # --security-opt mask=: masked besides podman's defaults
    unmask: tuple[str, ...] = ()  # paths of the defaults not masked (ALL: none)
    ulimits: tuple[Ulimit, ...] = ()
    shm_size: int | None = None  # /dev/shm's bytes (0: no limit); None: the runtime's 64m
    # --memory, --cpu-shares, ...: each RUN step's cgroup, placed as run places one
    resources: ResourceSpec | None = None  # None: no limit
    namespaces: StepNamespaces = field(default_factory=StepNamespaces)
    devices: tuple[Device, ...] = ()  # --device: bound in (rootless), as run's
    stdin: bool = False  # --stdin: the build's standard input is RUN's (else /dev/null)
    # --userns-uid-map and the like: a user namespace of each step's own with these
    # maps (session IDs) and how the image is shown with them; empty: the session's
    userns: UsernsSpec | None = None  # None: the session's

    def private_spec(self) -> NetworkSpec:
        if self.private is not None:
            return self.private
        from hutch.runtime.spec_network import NetworkSpec

        return NetworkSpec(mode="private")

    def resource_spec(self) -> ResourceSpec:
        if self.resources is not None:
            return self.resources
        from hutch.runtime.spec import ResourceSpec

        return ResourceSpec()

    def userns_spec(self) -> UsernsSpec:
        if self.userns is not None:
            return self.userns
        from hutch.runtime.spec_userns import UsernsSpec

        return UsernsSpec()


def step_network(step: str | None, build: str) -> str:
    """A RUN step's network: its own --network=none or host, else the build's
    (--network=default, or no flag)."""
    return step if step in ("none", "host") else build


@dataclass(frozen=True)
class BuildRequest:
    containerfile: ins.Containerfile
    context_dir: Path
    ignore: IgnoreMatcher | None
    build_args: Mapping[str, str]
    names: tuple[str, ...] = ()
    # the first -t as the user typed it: podman's ``COMMIT`` line shows it so
    commit_name: str = ""
    target: str | None = None
    use_cache: bool = True
    layers: bool = True  # False: one layer per stage (--layers=false, --squash)
    pull: str = "missing"
    labels: Mapping[str, str] = field(default_factory=dict)
    timestamp: int | None = None
    secrets: Mapping[str, Path] = field(default_factory=dict)
    ssh: Mapping[str, Path] = field(default_factory=dict)  # --ssh id -> an agent's socket
    platform: tuple[str, str, str | None] = ("linux", "amd64", None)
    quiet: bool = False
    format: str = "oci"  # the final image's manifest: oci or docker (schema 2)
    hosts: tuple[tuple[str, str], ...] = ()  # (name, address) more in RUN's /etc/hosts
    # the final image only (podman's --env does not reach RUN): set, then removed
    env: Mapping[str, str] = field(default_factory=dict)
    unsetenv: tuple[str, ...] = ()
    # the final image's os.version (None: the base's) and os.features changes
    # ("F" added, "F-" removed from the base's)
    os_version: str | None = None
    os_features: tuple[str, ...] = ()
    annotations: Mapping[str, str] = field(default_factory=dict)  # the final manifest's
    omit_history: bool = False
    cache_ttl: float | None = None  # seconds: an older cache entry is a miss
    # --cache-from/--cache-to: registry repositories (normalised) whose tags are step keys
    cache_from: tuple[str, ...] = ()
    cache_to: tuple[str, ...] = ()
    run: RunSettings = field(default_factory=RunSettings)
    squash_all: bool = False  # the final image is one layer, history one entry
    skip_unused_stages: bool = True  # False: every stage up to the target is built
    output: BuildOutput | None = None  # -o: the final stage's files exported too
    output_keep_owners: bool = False  # root: the exported files keep the image's owners
    # --build-context: NAME -> a directory or an image (URLs are fetched by the engine)
    contexts: Mapping[str, NamedContext] = field(default_factory=dict)
    # Asked between steps and while a RUN step runs: True stops the build (its step
    # killed, BuildCancelled raised). None: never (the CLI's ^C is a signal instead).
    cancelled: Callable[[], bool] | None = None


@dataclass
class StageState:
    parent: str  # the cache parent: an image id, or "scratch"
    config: ImageConfig
    layers: list[LayerInfo]
    args: dict[str, str] = field(default_factory=dict)
    cmd_set: bool = False  # a CMD in this stage survives a later ENTRYPOINT
    upper: Path | None = None  # the shared upper dir when layers are off
    base_history: int = 0  # how many history entries came with the FROM image
    base_name: str = ""  # the FROM image's name (--squash-all's history comment)
    base_digest: str = ""  # the FROM image's manifest digest (a stage's: its base's)
    base_image: str = ""  # FROM a stage: the image that stage (or its base stage) is on

    def env(self) -> dict[str, str]:
        """Variables for substitution: ARG values, overridden by ENV."""
        return {**self.args, **metadata.env_dict(self.config.config)}


class Progress:
    """podman's build output: steps on stdout (nothing of it with -q).

    With ``log_fd`` (``--logfile``), the steps and the output of RUN go to
    that file instead, as podman's ``--logfile`` sends them.
    """

    def __init__(
        self,
        quiet: bool,
        out: TextIO | None = None,
        log_fd: int | None = None,
        stdout_taken: bool = False,
    ) -> None:
        self.quiet = quiet
        # -o - writes the tar on stdout: the steps and RUN's output go to stderr
        self.stdout_taken = stdout_taken
        self.out = out or (sys.stderr if stdout_taken else sys.stdout)
        self.log_fd = log_fd

    def say(self, text: str) -> None:
        if not self.quiet:
            self.out.write(text + "\n")
            self.out.flush()

    @property
    def run_fds(self) -> tuple[int, int]:
        """Where RUN output goes: stdout, or stderr with -q (stdout is only the id)."""
        self.out.flush()
        if self.log_fd is not None:
            return (self.log_fd, self.log_fd)
        return (2, 2) if self.quiet or self.stdout_taken else (1, 2)


# The builder as a step sees it: a protocol for mypy only (no class at run time, so
# that a build loads no typing for it; cgroups/manager.py does the same).
if TYPE_CHECKING:

    class StepRunner(Protocol):
        """The builder as a step sees it (``builder.Builder`` is the one implementation)."""

        @property
        def cf(self) -> ins.Containerfile: ...
        @property
        def progress(self) -> Progress: ...

        def scratch_dir(self) -> Path: ...

        def finish(
            self,
            state: StageState,
            text: str,
            config: ContainerConfig,
            produce: Callable[[StageState], LayerInfo | None] | None,
            *,
            key_args: Mapping[str, str] | None = None,
            sources: str | None = None,
            author: str | None = None,
            link: bool = False,
            created_by: str | None = None,
        ) -> StageState: ...

        def stage_root_layers(self, ref: str, stage: ins.Stage) -> list[LayerInfo]: ...

        def mounted_layers(
            self, layers: list[LayerInfo]
        ) -> contextlib.AbstractContextManager[Path]: ...


def run_environment(state: StageState) -> tuple[str, ...]:
    """A RUN step's environment: ENV, then ARG values ENV does not set."""
    env = metadata.env_dict(state.config.config)
    for key, value in state.args.items():
        env.setdefault(key, value)
    return tuple(f"{k}={v}" for k, v in env.items())


def with_proxy(env: tuple[str, ...], proxy: tuple[str, ...]) -> tuple[str, ...]:
    """A RUN step's environment plus build --http-proxy's variables that it does not
    set itself (an ENV or ARG http_proxy is the Containerfile's choice and wins).
    Only the step's process gets them: the image's config is made from ENV alone."""
    names = {item.partition("=")[0] for item in env}
    return env + tuple(item for item in proxy if item.partition("=")[0] not in names)
