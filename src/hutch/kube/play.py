"""``kube play`` and ``kube down``: a plan (``kube/plan.py``) carried out on the engine.

Play checks everything first (the plan, pod names in use, images to build),
then creates claims, pods with their volumes, runs init containers one by
one, creates and starts the app containers, and waits for Jobs. If any step
fails, what this play created is removed again before the error is raised.
"""

from __future__ import annotations

import io
import os
import tarfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hutch.api.container_config import ImagePullOptions
from hutch.api.containers import StartOptions, WaitOptions
from hutch.api.errors import HutchError, InvalidArgument
from hutch.api.kube import (
    KubeDownOptions,
    KubeDownReport,
    KubePlayOptions,
    KubePlayReport,
    PlayedJob,
    PlayedPod,
)
from hutch.api.pods import PodCreateOptions, PodRemoveOptions, PodStopOptions
from hutch.api.volumes import VolumeCreateOptions, VolumeRemoveOptions
from hutch.kube.errors import KubeError
from hutch.kube.model import ConfigMap, DaemonSet, Deployment, Job, PersistentVolumeClaim, Pod
from hutch.kube.parse import parse_documents
from hutch.kube.plan import (
    POD_LABEL,
    SECCOMP_ROOT,
    SOURCE_LABEL,
    ClaimPlan,
    ContainerPlan,
    DataVolume,
    PlayFlags,
    PodPlan,
    parse_annotations,
    plan_play,
    pod_names,
)

if TYPE_CHECKING:
    from hutch.api.engine import Engine


def read_source(source: str, read_stdin: Callable[[], str] | None) -> tuple[str, str]:
    """(text, name for messages) of FILE, ``-`` or an http(s) URL."""
    if source == "-":
        if read_stdin is None:
            raise InvalidArgument("no standard input to read the YAML from")
        return read_stdin(), "stdin"
    if source.startswith(("http://", "https://")):
        import urllib.error
        import urllib.request

        try:
            with urllib.request.urlopen(source, timeout=30) as response:
                return response.read().decode(), source
        except (urllib.error.URLError, OSError, UnicodeDecodeError) as exc:
            raise InvalidArgument(f"cannot read {source}: {exc}") from None
    try:
        with open(source, encoding="utf-8") as handle:
            return handle.read(), os.path.basename(source)
    except FileNotFoundError:
        raise InvalidArgument(f"{source}: no such file or directory") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidArgument(f"cannot read {source}: {exc}") from None


def _extra_config_maps(files: Sequence[str]) -> list[ConfigMap]:
    out = []
    for path in files:
        text, name = read_source(path, None)
        for doc in parse_documents(text, name):
            if not isinstance(doc.obj, ConfigMap):
                raise KubeError(
                    f"--configmap: expected a ConfigMap, got a {doc.obj.kind}",
                    source=name,
                    document=doc.index,
                    path=("kind",),
                )
            out.append(doc.obj)
    return out


def _tar(files: Sequence[tuple[str, bytes, int]]) -> io.BytesIO:
    import time

    now = int(time.time())
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as tar:
        made: set[str] = set()
        for path, content, mode in files:
            parts = path.strip("/").split("/")
            for i in range(1, len(parts)):
                directory = "/".join(parts[:i])
                if directory not in made:
                    info = tarfile.TarInfo(directory)
                    info.type = tarfile.DIRTYPE
                    info.mode = 0o755
                    info.mtime = now
                    tar.addfile(info)
                    made.add(directory)
            info = tarfile.TarInfo("/".join(parts))
            info.size = len(content)
            info.mode = mode & 0o7777
            info.mtime = now
            tar.addfile(info, io.BytesIO(content))
    data.seek(0)
    return data


@dataclass(frozen=True)
class _InfraFlags:
    """The pod create flags ``kube play`` gives one pod: its --ip and --mac-address (each
    list given in the order of the pods, as podman's) and --no-hosts."""

    ip: str | None
    mac_address: str | None
    no_hosts: bool | None  # None: containers.conf's no_hosts decides


def _infra_of(options: KubePlayOptions, number: int) -> _InfraFlags:
    """The infra flags of the pod played ``number``-th."""
    return _InfraFlags(
        ip=options.ips[number] if number < len(options.ips) else None,
        mac_address=options.macs[number] if number < len(options.macs) else None,
        no_hosts=True if options.no_hosts else None,
    )


class Player:
    """One ``kube play``: what it made, so that a failure can take it back."""

    def __init__(self, engine: Engine, progress: Callable[[str], None]) -> None:
        self.engine = engine
        self.progress = progress
        self.pods: list[str] = []
        self.volumes: list[str] = []

    def play(self, options: KubePlayOptions) -> KubePlayReport:
        text, name = read_source(options.source, options.read_stdin)
        documents = parse_documents(text, name)
        flags = PlayFlags(
            networks=options.networks,
            publish=options.publish,
            log_driver=options.log_driver,
            log_opts=options.log_opts,
            userns=options.userns,
            annotations=parse_annotations(options.annotations),
            systemd_unit=options.systemd_unit,
            pull=ImagePullOptions(
                quiet=options.quiet,
                tls_verify=options.tls_verify,
                authfile=options.authfile,
                cert_dir=options.cert_dir,
                creds=options.creds,
            ),
            seccomp_root=options.seccomp_profile_root or SECCOMP_ROOT,
        )
        if options.service_exit_code_propagation is not None:
            from hutch.kube.service import parse_propagation

            parse_propagation(options.service_exit_code_propagation)
        if not options.start and options.service_container:
            raise InvalidArgument("--service-container needs the pods started (not --start=false)")
        if not options.start and options.service_exit_code_propagation is not None:
            raise InvalidArgument(
                "--service-exit-code-propagation needs the pods started (not --start=false)"
            )
        plan = plan_play(documents, name, flags, _extra_config_maps(options.configmaps))
        if not plan.pods and not plan.claims:
            raise KubeError(
                "nothing to play: no Pod, Deployment, DaemonSet, Job or claim", source=name
            )
        self._check_names(plan.pods, options.replace, name)
        if options.build:
            self._build(plan.pods, options.context_dir or self._directory(options.source))
        try:
            return self._run(plan.claims, plan.pods, options)
        except BaseException:
            self._undo()
            raise

    def _directory(self, source: str) -> str:
        if source == "-" or source.startswith(("http://", "https://")):
            return os.getcwd()
        return os.path.dirname(os.path.abspath(source))

    def _check_names(self, pods: Sequence[PodPlan], replace: bool, source: str) -> None:
        for pod in pods:
            if not self.engine.pods.exists(pod.name):
                continue
            if not replace:
                raise KubeError(
                    f"pod {pod.name!r} already exists",
                    source=source,
                    document=pod.document,
                    hint="hutch kube play --replace removes it first",
                )
            self._remove_pods([pod.name])

    def _build(self, pods: Sequence[PodPlan], directory: str) -> None:
        from hutch.api.build import BuildOptions

        done: set[str] = set()
        for pod in pods:
            for container in (*pod.init_containers, *pod.containers):
                image = container.options.image
                base = image.split("/")[-1].split(":")[0]
                context = os.path.join(directory, base)
                if image in done or not any(
                    os.path.isfile(os.path.join(context, f))
                    for f in ("Containerfile", "Dockerfile")
                ):
                    continue
                self.progress(f"Building {image} from {context}")
                self.engine.images.build(BuildOptions(context=context, tags=(image,)))
                done.add(image)

    def _run(
        self, claims: Sequence[ClaimPlan], pods: Sequence[PodPlan], options: KubePlayOptions
    ) -> KubePlayReport:
        volumes = []
        for claim in claims:
            if self.engine.volumes.exists(claim.name):
                continue  # a claim binds the volume that is there (its data is kept)
            self.engine.volumes.create(
                VolumeCreateOptions(
                    name=claim.name, driver=claim.driver, options=claim.options, labels=claim.labels
                )
            )
            self.volumes.append(claim.name)
            volumes.append(claim.name)
        played = []
        jobs = []
        for number, pod in enumerate(pods):
            played.append(self._pod(pod, options.start, _infra_of(options, number)))
        if options.start:
            for pod, result in zip(pods, played, strict=True):
                if pod.kind == "Job":
                    jobs.append(self._wait_job(pod, result))
        return KubePlayReport(tuple(volumes), tuple(played), tuple(jobs))

    def _pod(self, pod: PodPlan, start: bool, infra: _InfraFlags) -> PlayedPod:
        for volume in pod.volumes:
            self._data_volume(volume, pod.name)
        pod_id = self.engine.pods.create(
            PodCreateOptions(
                name=pod.name,
                publish=pod.publish,
                network=pod.network,
                hostname=pod.hostname,
                add_hosts=pod.add_hosts,
                dns=pod.dns,
                dns_search=pod.dns_search,
                dns_options=pod.dns_options,
                labels=pod.labels,
                userns=pod.userns,
                share=pod.share,
                ip=infra.ip,
                mac_address=infra.mac_address,
                no_hosts=infra.no_hosts,
            )
        )
        self.pods.append(pod.name)
        inits = []
        for container in pod.init_containers:
            ctr_id = self.engine.containers.create(container.options)
            inits.append(ctr_id)
            if start:
                self._run_init(container, ctr_id, pod)
        ids = [self.engine.containers.create(c.options) for c in pod.containers]
        if start:
            for report in self.engine.containers.start(ids, StartOptions()):
                if report.error:
                    raise HutchError(f"pod {pod.name}: starting {report.name}: {report.error}")
        return PlayedPod(pod_id, pod.name, tuple(ids), tuple(inits))

    def _run_init(self, container: ContainerPlan, ctr_id: str, pod: PodPlan) -> None:
        for report in self.engine.containers.start([ctr_id], StartOptions()):
            if report.error:
                raise HutchError(f"pod {pod.name}: init container {container.name}: {report.error}")
        (done,) = self.engine.containers.wait([ctr_id], WaitOptions())
        if done.error:
            raise HutchError(f"pod {pod.name}: init container {container.name}: {done.error}")
        if done.exit_code:
            raise HutchError(
                f"pod {pod.name}: init container {container.name} exited with code {done.exit_code}"
            )

    def _wait_job(self, pod: PodPlan, played: PlayedPod) -> PlayedJob:
        code = 0
        for report in self.engine.containers.wait(list(played.containers), WaitOptions()):
            if report.error:
                raise HutchError(f"job {pod.workload}: {report.error}")
            code = code or report.exit_code
        return PlayedJob(pod.workload, pod.name, code)

    def _data_volume(self, volume: DataVolume, pod: str) -> None:
        if self.engine.volumes.exists(volume.name):
            self.engine.volumes.remove([volume.name], VolumeRemoveOptions(force=True))
        self.engine.volumes.create(
            VolumeCreateOptions(
                name=volume.name,
                labels=(f"{POD_LABEL}={pod}", f"{SOURCE_LABEL}={volume.source}"),
            )
        )
        self.volumes.append(volume.name)
        if volume.files:
            self.engine.volumes.import_(volume.name, _tar(volume.files))

    def _remove_pods(self, names: Sequence[str]) -> list[str]:
        removed = []
        for report in self.engine.pods.remove(names, PodRemoveOptions(force=True, ignore=True)):
            if not report.error and report.id:
                removed.append(report.id)
        for name in names:
            remove_pod_volumes(self.engine, name)
        return removed

    def _undo(self) -> None:
        try:
            if self.pods:
                self.engine.pods.remove(self.pods, PodRemoveOptions(force=True, ignore=True))
            if self.volumes:
                self.engine.volumes.remove(self.volumes, VolumeRemoveOptions(force=True))
        except (HutchError, OSError) as exc:
            self.progress(f"Error: removing what the failed play created: {exc}")


def remove_pod_volumes(engine: Engine, pod: str) -> None:
    """The volumes play filled for a pod (ConfigMap, Secret, downwardAPI, emptyDir)."""
    from hutch.api.volumes import VolumeListOptions

    mine = engine.volumes.ls(VolumeListOptions(filters=(f"label={POD_LABEL}={pod}",)))
    if mine:
        engine.volumes.remove([v.name for v in mine], VolumeRemoveOptions(force=True))


def down(engine: Engine, options: KubeDownOptions) -> KubeDownReport:
    text, name = read_source(options.source, options.read_stdin)
    documents = parse_documents(text, name)
    names: list[str] = []
    claims: list[str] = []
    for doc in documents:
        if isinstance(doc.obj, (Pod, Deployment, DaemonSet, Job)):
            names.extend(pod_names(doc.obj))
        elif isinstance(doc.obj, PersistentVolumeClaim):
            claims.append(doc.obj.metadata.name)
    present = [n for n in names if engine.pods.exists(n)]
    errors: list[str] = []
    stopped = []
    if present:
        for report in engine.pods.stop(present, PodStopOptions(ignore=True)):
            if report.error:
                errors.append(report.error)
            elif report.id:
                stopped.append(report.id)
    removed = []
    if present:
        for report in engine.pods.remove(present, PodRemoveOptions(force=True, ignore=True)):
            if report.error:
                errors.append(report.error)
            elif report.id:
                removed.append(report.id)
        for pod in present:
            remove_pod_volumes(engine, pod)
    volumes: list[str] = []
    if options.force:
        existing = [c for c in claims if engine.volumes.exists(c)]
        if existing:
            for report in engine.volumes.remove(existing, VolumeRemoveOptions(force=True)):
                if report.error:
                    errors.append(report.error)
                else:
                    volumes.append(report.name)
    return KubeDownReport(tuple(stopped), tuple(removed), tuple(volumes), tuple(errors))
