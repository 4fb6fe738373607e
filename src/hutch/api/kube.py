"""The Kubernetes YAML front end as the CLI sees it: options, reports, protocol.

``hutch.kube`` implements ``KubeFrontEnd``; the CLI gets one from
``AppState.kube()`` and never imports the kube package itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class KubeGenerateOptions:
    """``kube generate`` (``generate kube``)."""

    names: tuple[str, ...]  # containers, pods or volumes
    type: str = "pod"  # pod, deployment, daemonset, job
    service: bool = False
    replicas: int | None = None  # deployment only (default 1)


@dataclass(frozen=True)
class KubeGenerateReport:
    text: str  # the YAML, header comments included
    notes: tuple[str, ...]  # what Kubernetes cannot express (also comments in text)


@dataclass(frozen=True)
class KubePlayOptions:
    """``kube play`` (``play kube``)."""

    source: str  # FILE, "-" (standard input) or an http(s) URL
    configmaps: tuple[str, ...] = ()  # --configmap FILE: more ConfigMaps
    networks: tuple[str, ...] = ()  # --network
    publish: tuple[str, ...] = ()  # --publish: more ports on every pod
    replace: bool = False  # remove the pods (and their containers) of the same names first
    start: bool = True  # --start=false: create only
    build: bool = False  # build an image whose name is a directory with a Containerfile
    context_dir: str | None = None  # where those directories are (default: the file's)
    log_driver: str | None = None
    log_opts: tuple[str, ...] = ()
    userns: str | None = None
    quiet: bool = False  # no pull progress
    read_stdin: Callable[[], str] | None = None
    annotations: tuple[str, ...] = ()  # --annotation KEY=VALUE: as the pods' own
    systemd_unit: str = ""  # $PODMAN_SYSTEMD_UNIT of a .kube service: a label, as run's
    # --service-exit-code-propagation none|all|any ("" is none): play stays until
    # every container exited, then exits as they did (KubeFrontEnd.serve); None: returns
    service_exit_code_propagation: str | None = None
    # --service-container: podman's .kube services play with it (the unit's main
    # process is its service container); hutch's play itself stays, as with
    # --service-exit-code-propagation=none unless that is given
    service_container: bool = False
    # how the images are pulled, as pull's flags (None: not given)
    tls_verify: bool | None = None
    authfile: str | None = None
    cert_dir: str | None = None
    creds: str | None = None
    # --ip, --mac-address: the static address of each pod in turn (podman's rule)
    ips: tuple[str, ...] = ()
    macs: tuple[str, ...] = ()
    no_hosts: bool = False  # --no-hosts: the pods' /etc/hosts is not written
    seccomp_profile_root: str | None = None  # where localhost/ seccomp profiles are


@dataclass(frozen=True)
class PlayedPod:
    id: str
    name: str
    containers: tuple[str, ...]  # ids of the app containers
    init_containers: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlayedJob:
    name: str
    pod: str
    exit_code: int  # of the first app container that failed, else 0


@dataclass(frozen=True)
class KubePlayReport:
    volumes: tuple[str, ...]  # created from PersistentVolumeClaims
    pods: tuple[PlayedPod, ...]
    jobs: tuple[PlayedJob, ...] = ()


@dataclass(frozen=True)
class KubeDownOptions:
    source: str
    force: bool = False  # also the volumes of the PersistentVolumeClaims
    read_stdin: Callable[[], str] | None = None


@dataclass(frozen=True)
class KubeDownReport:
    stopped: tuple[str, ...]  # pod ids
    removed: tuple[str, ...]
    volumes: tuple[str, ...]  # removed with --force
    errors: tuple[str, ...] = ()


class KubeFrontEnd(Protocol):
    def generate(self, options: KubeGenerateOptions) -> KubeGenerateReport: ...

    def play(self, options: KubePlayOptions, progress: Callable[[str], None]) -> KubePlayReport:
        """Create (and start) what the YAML describes; undo it all if a step fails."""
        ...

    def serve(self, report: KubePlayReport, propagation: str, notify_socket: str | None) -> int:
        """Say READY=1 to ``notify_socket`` (a .kube service's), wait until every
        container of ``report`` has exited, and give the service's exit code."""
        ...

    def down(self, options: KubeDownOptions) -> KubeDownReport: ...
