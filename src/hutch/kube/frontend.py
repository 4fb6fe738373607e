"""``KubeFrontEnd`` (api.kube): what the CLI calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from hutch import __version__
from hutch.api.containers import InspectOptions
from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.api.kube import (
    KubeDownOptions,
    KubeDownReport,
    KubeGenerateOptions,
    KubeGenerateReport,
    KubePlayOptions,
    KubePlayReport,
)

if TYPE_CHECKING:
    from hutch.api.containers import ContainerInspect
    from hutch.api.engine import Engine
    from hutch.api.volumes import VolumeSummary
    from hutch.kube.generate import PodSource
    from hutch.kube.model import Volume

# a container as its flags made it: podman's kube generate reads the create's spec,
# without the HOME and HOSTNAME a start adds; the default ulimits are no flag's, and
# the capabilities are the flags' (InspectOptions says)
AS_GIVEN = InspectOptions(as_given=True)


class Kube:
    def __init__(self, engine: Callable[[], Engine]) -> None:
        self._engine = engine

    def generate(self, options: KubeGenerateOptions) -> KubeGenerateReport:
        from hutch.kube.emit import render
        from hutch.kube.generate import TYPES, GenerateOptions, generate

        if options.type not in TYPES:
            raise InvalidArgument(
                f"invalid type {options.type!r}: expected one of {', '.join(TYPES)}"
            )
        if options.replicas is not None and options.type != "deployment":
            raise InvalidArgument("--replicas is only used with --type deployment")
        replicas = 1 if options.replicas is None else options.replicas
        if replicas < 0:
            raise InvalidArgument("--replicas must not be negative")
        if not options.names:
            raise InvalidArgument("at least one container, pod or volume name is required")
        pods, volumes = self._sources(options.names)
        out = generate(pods, volumes, GenerateOptions(options.type, options.service, replicas))
        return KubeGenerateReport(render(out.objects, out.notes, __version__), out.notes)

    def _sources(self, names: tuple[str, ...]) -> tuple[list[PodSource], list[VolumeSummary]]:
        from hutch.kube.generate import PodSource

        engine = self._engine()
        containers: list[ContainerInspect] = []
        volumes: list[VolumeSummary] = []
        pods: list[PodSource] = []
        for name in names:
            if engine.pods.exists(name):
                pods.append(self._pod_source(name))
            elif engine.containers.exists(name):
                containers.extend(engine.containers.inspect([name], AS_GIVEN))
            elif engine.volumes.exists(name):
                volumes.extend(engine.volumes.inspect([name], all=False))
            else:
                raise NoSuchObject(f"{name} is not a container, pod or volume: no such object")
        if containers:
            pods.insert(
                0,
                PodSource(
                    name=f"{containers[0].name}-pod",
                    containers=tuple(containers),
                    image_env=self._image_env(containers),
                ),
            )
        return pods, volumes

    def _pod_source(self, name: str) -> PodSource:
        from hutch.kube.generate import PodSource
        from hutch.kube.plan import INIT_LABEL, POD_LABEL

        engine = self._engine()
        (pod,) = engine.pods.inspect([name])
        members = [m.id for m in pod.containers if m.id != pod.infra_container_id]
        infos = engine.containers.inspect(members, AS_GIVEN) if members else []
        ports: list[tuple[str, int, int, str]] = []
        config = pod.infra_config
        for key, bindings in (config.port_bindings if config else {}).items():
            port, _, proto = key.partition("/")
            for binding in bindings:
                ports.append((binding.host_ip, int(binding.host_port), int(port), proto or "tcp"))
        prefix = f"{pod.name}-"
        named = [replace(i, name=i.name.removeprefix(prefix) or i.name) for i in infos]
        return PodSource(
            name=pod.name,
            containers=tuple(i for i in named if INIT_LABEL not in (i.config.labels or {})),
            init_containers=tuple(i for i in named if INIT_LABEL in (i.config.labels or {})),
            labels={k: v for k, v in pod.labels.items() if k != POD_LABEL},
            hostname=pod.hostname if pod.hostname != pod.name else "",
            ports=tuple(ports),
            share_pid="pid" in pod.shared_namespaces,
            add_hosts=tuple(config.host_add or ()) if config else (),
            image_env=self._image_env(infos),
            played_volumes=self._played_volumes(pod.name, infos),
        )

    def _played_volumes(self, pod: str, infos: list[ContainerInspect]) -> dict[str, Volume]:
        """The volumes play filled for ``pod`` (its label says from what pod volume)."""
        from hutch.kube.plan import POD_LABEL, SOURCE_LABEL, volume_from_label

        prefix = f"{pod}-"
        names = sorted(
            {
                m.name
                for info in infos
                for m in info.mounts
                if m.type == "volume" and m.name.startswith(prefix)
            }
        )
        out: dict[str, Volume] = {}
        for summary in self._engine().volumes.inspect(names, all=False) if names else []:
            labels = dict(summary.labels)
            text = labels.get(SOURCE_LABEL)
            if labels.get(POD_LABEL) != pod or not text:
                continue
            volume = volume_from_label(summary.name.removeprefix(prefix), text)
            if volume is not None:
                out[summary.name] = volume
        return out

    def _image_env(self, containers: list[ContainerInspect]) -> dict[str, tuple[str, ...]]:
        """Each image's own Env: generate leaves out what the image sets anyway."""
        out: dict[str, tuple[str, ...]] = {}
        images = self._engine().images
        for info in containers:
            image = info.config.image
            if image in out:
                continue
            try:
                (report,) = images.inspect([info.image or image])
            except (NoSuchObject, ValueError):
                out[image] = ()
                continue
            env = report.config.get("Env") or ()
            out[image] = tuple(str(e) for e in env)
        return out

    def play(self, options: KubePlayOptions, progress: Callable[[str], None]) -> KubePlayReport:
        from hutch.kube.play import Player

        return Player(self._engine(), progress).play(options)

    def serve(self, report: KubePlayReport, propagation: str, notify_socket: str | None) -> int:
        from hutch.kube.service import serve

        return serve(self._engine(), report, propagation, notify_socket)

    def down(self, options: KubeDownOptions) -> KubeDownReport:
        from hutch.kube.play import down

        return down(self._engine(), options)
