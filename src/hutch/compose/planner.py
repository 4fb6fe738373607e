"""The model + the project's labelled containers -> engine calls, through ``api`` only.

``up`` creates what is missing (networks, volumes, containers named
PROJECT-SERVICE-N), recreates the containers whose config hash changed,
starts services in dependency order and waits for their ``depends_on``
conditions; ``down`` removes containers, then networks (and volumes with -v).
Work stops at the first failure, and what started stays running, as with
``docker compose``; ``down`` cleans up from any such state.
"""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NoReturn

from hutch.api.compose import (
    ComposeBuildOptions,
    ComposeContainer,
    ComposeDownOptions,
    ComposePullOptions,
    ComposePushOptions,
    ComposeRunOptions,
    ComposeUpOptions,
)
from hutch.api.container_config import RunOptions
from hutch.api.containers import (
    ActionReport,
    ContainerSummary,
    CopyOptions,
    RemoveContainerOptions,
    RunReport,
    StartOptions,
    StopOptions,
    WaitOptions,
)
from hutch.api.errors import HutchError, InvalidArgument, NoSuchObject
from hutch.api.networks import NetworkRemoveOptions
from hutch.api.volumes import VolumeCreateOptions, VolumeListOptions, VolumeRemoveOptions
from hutch.compose import listing
from hutch.compose.build import (
    build_options,
    build_reason,
    build_warnings,
    image_name,
    unsupported_build_keys,
)
from hutch.compose.checks import dependency_order
from hutch.compose.errors import ComposeError
from hutch.compose.hooks import run_hooks
from hutch.compose.networks import network_options
from hutch.compose.project import Project, config_hash
from hutch.compose.schedule import Failure, run_staged
from hutch.compose.secrets import secret_files, tar_of
from hutch.compose.translate import (
    LABEL,
    key_reason,
    pull_policy,
    run_options,
    unsupported_keys,
)

if TYPE_CHECKING:
    from hutch.api.engine import Engine
    from hutch.compose.teardown import Member

Progress = Callable[[str], None]


def replicas(service: Mapping[str, Any], scale: Mapping[str, int], name: str) -> int:
    if name in scale:
        return scale[name]
    if "scale" in service:
        return int(service["scale"])
    return int((service.get("deploy") or {}).get("replicas", 1))


def _bare(image_id: str) -> str:
    return image_id.removeprefix("sha256:")


def _pulls(service: Mapping[str, Any], no_build: bool) -> bool:
    """Whether ``service``'s image comes from a registry: it names no build, or it
    names its ``image`` too and ``--no-build`` is given (docker compose pulls it then)."""
    return "image" in service and ("build" not in service or no_build)


def _policy(service: Mapping[str, Any], override: str | None, no_build: bool = False) -> str:
    """The create's pull policy: a service that builds its image never pulls it."""
    if not _pulls(service, no_build):
        return "missing"
    if override in ("always", "missing", "never"):
        return override
    return pull_policy(service)


def _create_policy(service: Mapping[str, Any], override: str | None, no_build: bool) -> str:
    """The create's pull policy after ``_refresh``: an ``always`` image was pulled there
    (with its progress row) moments before, so the create does not pull it again."""
    policy = _policy(service, override, no_build)
    return "missing" if policy == "always" else policy


def labels_of(summary: ContainerSummary) -> dict[str, str]:
    return dict(summary.labels)


def member_of(summary: ContainerSummary) -> Member:
    """A container as teardown.py sees it (its service, one-off, finished)."""
    from hutch.compose.teardown import Member

    labels = labels_of(summary)
    return Member(
        summary.name,
        labels.get(f"{LABEL}.service", ""),
        one_off=labels.get(f"{LABEL}.oneoff") == "True",
        finished=summary.status in ("exited", "stopped", "dead"),
    )


def _raise_first(failures: list[Failure], progress: Progress) -> NoReturn:
    """Each failed service on a line of its own; the first one's error, naming it."""
    for failure in failures:
        progress(f" Service {failure.service}  Error: {failure.error}")
    first = failures[0].error
    if isinstance(first, ComposeError) or not isinstance(first, HutchError):
        raise first  # a file's error names its line and key path; a bug shows as one
    error = HutchError(f"service {failures[0].service!r}: {first}", hint=first.hint)
    error.exit_code = first.exit_code
    raise error from first


def _with_volumes(options: RunOptions, kept: Mapping[str, str]) -> RunOptions:
    """``options`` mounting the volumes of ``kept`` (destination -> volume) at their
    destinations, in place of new anonymous volumes there."""
    own = tuple(v for v in options.volumes.volumes if v not in kept)
    # a destination the service now mounts something else at keeps that
    taken = {v.split(":")[1] for v in own if ":" in v} | set(own)
    taken |= {t.split(":")[0] for t in options.volumes.tmpfs}
    reused = tuple(f"{volume}:{dest}" for dest, volume in kept.items() if dest not in taken)
    return replace(options, volumes=replace(options.volumes, volumes=own + reused))


def _ready(container: ContainerSummary, one_shot: bool) -> bool:
    """Running (and healthy, with a check) for ``up --wait``; HutchError when it cannot be."""
    if container.status in ("exited", "stopped"):
        if one_shot and container.exit_code == 0:
            return True
        raise HutchError(f"container {container.name} exited ({container.exit_code})")
    if container.health == "unhealthy":
        raise HutchError(f"container {container.name} is unhealthy")
    return container.status == "running" and container.health in ("", "healthy")


class Runner:
    def __init__(
        self,
        engine: Engine,
        project: Project,
        new_engine: Callable[[], Engine] | None = None,
    ) -> None:
        """``new_engine`` builds the engine of another thread: with it, independent
        services are created and started at once (schedule.py); without, in turn."""
        self._local = threading.local()
        self._local.engine = engine
        self._new_engine = new_engine
        self.project = project
        self.name = project.name

    @property
    def engine(self) -> Engine:
        """This thread's engine (an engine's database connection is its own thread's)."""
        engine: Engine | None = getattr(self._local, "engine", None)
        if engine is None:
            assert self._new_engine is not None, "threads only run with new_engine"
            engine = self._local.engine = self._new_engine()
        return engine

    # --- state -------------------------------------------------------------------

    def _containers(self, one_off: bool = False) -> list[ContainerSummary]:
        return listing.summaries(self.engine, self.name, one_off)

    def containers(
        self, all: bool, services: tuple[str, ...] = (), one_off: bool = False
    ) -> list[ComposeContainer]:
        return listing.containers(self.engine, self.project, all, services, one_off)

    # --- up ------------------------------------------------------------------------

    def _refuse_unsupported(self, services: list[str]) -> None:
        for name in services:
            service = self.project.services[name]
            keys = unsupported_keys(service) + unsupported_build_keys(service)
            if keys:
                path = ("services", name, keys[0].split(".")[0])
                message = f"{keys[0]} is not implemented by hutch compose"
                reason = key_reason(keys[0], service) or build_reason(keys[0], service)
                if reason:
                    message += f": {reason}"
                locator = self.project.locator
                raise locator.error(message, path) if locator else ComposeError(message)

    def _selected(self, names: tuple[str, ...], no_deps: bool) -> list[str]:
        services = self.project.services
        for name in names:
            if name not in services:
                raise InvalidArgument(f"no such service: {name}")
        wanted = set(names or services)
        if not no_deps:
            pending = list(wanted)
            while pending:
                for dependency in services[pending.pop()].get("depends_on") or {}:
                    if dependency not in wanted:
                        wanted.add(dependency)
                        pending.append(dependency)
        return [s for s in dependency_order(dict(services)) if s in wanted]

    def up(self, options: ComposeUpOptions, progress: Progress) -> None:
        order = self._selected(options.services, options.no_deps)
        self._refuse_unsupported(order)
        self._build_missing(order, options, progress)
        self._refresh(order, options.pull, progress, options.quiet_pull, options.no_build)
        self._networks(order, progress)
        self._volumes(order, progress)
        existing = self._containers()
        self._orphans(existing, options.remove_orphans, options.timeout, progress)
        scale = dict(options.scale)
        lock = threading.Lock()

        def said(line: str) -> None:  # one whole line at a time from the threads
            with lock:
                progress(line)

        needs = {name: set(self.project.services[name].get("depends_on") or {}) for name in order}
        parallel = self._new_engine is not None and len(order) > 1
        if parallel:
            # setns(CLONE_NEWUSER) needs a single-threaded process: join the
            # session's user namespace now; the threads' engines then find
            # themselves inside it already (as the API service's threads do)
            self.engine.system.enter_session()
        to_start: dict[str, list[str]] = {}  # each written and read by its service's thread

        def create(name: str) -> None:
            to_start[name] = self._service(name, existing, scale, options, said)

        def start(name: str) -> None:
            if not options.no_start:
                self._start_service(name, to_start[name], said)

        failures = run_staged(order, needs, create, start, workers=4 if parallel else 1)
        if failures:
            _raise_first(failures, progress)
        if options.wait and not options.no_start:
            self._wait_ready(order, options.wait_timeout, progress)

    def _networks(self, order: list[str], progress: Progress) -> None:
        declared = self.project.model.get("networks") or {}
        used = {n for s in order for n in self.project.services[s].get("networks") or {}}
        for key in sorted(used):
            body = declared[key]
            real = body["name"]
            if self.engine.networks.exists(real):
                continue
            if body.get("external"):
                raise ComposeError(f"external network {real!r} not found", path=("networks", key))
            progress(f" Network {real}  Creating")
            self.engine.networks.create(network_options(body, real, self.name, key))
            progress(f" Network {real}  Created")

    def _volumes(self, order: list[str], progress: Progress) -> None:
        declared = self.project.model.get("volumes") or {}
        used = {
            m["source"]
            for s in order
            for m in self.project.services[s].get("volumes") or []
            if m.get("type") == "volume" and m.get("source")
        }
        for key in sorted(used):
            body = declared[key]
            real = body["name"]
            if self.engine.volumes.exists(real):
                continue
            if body.get("external"):
                raise ComposeError(f"external volume {real!r} not found", path=("volumes", key))
            progress(f" Volume {real}  Creating")
            self.engine.volumes.create(
                VolumeCreateOptions(
                    name=real,
                    driver=body.get("driver", "local"),
                    options=tuple(f"{k}={v}" for k, v in (body.get("driver_opts") or {}).items()),
                    labels=(
                        f"{LABEL}.project={self.name}",
                        f"{LABEL}.volume={key}",
                        *(f"{k}={v}" for k, v in (body.get("labels") or {}).items()),
                    ),
                    ignore=True,
                )
            )
            progress(f" Volume {real}  Created")

    def _build_missing(
        self, order: list[str], options: ComposeUpOptions, progress: Progress
    ) -> None:
        """--build builds every service with a build section; else only missing images."""
        if options.no_build:
            self._refuse_unbuilt(order)
            return
        if options.pull == "build":
            options = replace(options, build=True)
        wanted = []
        for name in order:
            service = self.project.services[name]
            if "build" not in service:
                continue
            image = image_name(self.name, name, service)
            always = options.build or service.get("pull_policy") == "build"
            if always or not self.engine.images.exists(image):
                wanted.append(name)
        if wanted:
            self._build_services(wanted, ComposeBuildOptions(), progress)

    def _refuse_unbuilt(self, order: list[str]) -> None:
        """``--no-build``: a service whose image is only ever built here (no ``image``
        key: ``PROJECT-SERVICE``, a name no registry has) and is missing cannot be
        created; said before anything is made. One that names its ``image`` is pulled
        instead, as docker compose pulls it."""
        for name in order:
            service = self.project.services[name]
            if "build" not in service or "image" in service:
                continue
            image = image_name(self.name, name, service)
            if not self.engine.images.exists(image):
                raise InvalidArgument(
                    f"service {name!r}: image {image} is missing and --no-build does not "
                    "build it (run compose build, or up/create without --no-build)"
                )

    def _refresh(
        self,
        order: list[str],
        override: str | None,
        progress: Progress,
        quiet: bool = False,
        no_build: bool = False,
    ) -> None:
        """``pull_policy: daily|weekly|every_D|refresh``: pull the images whose last pull
        is older than the window, before anything is created (``--pull`` overrides);
        and the missing images and the ``always`` ones, as docker compose does, each
        with its progress row. All before any network or volume is made, as docker
        compose pulls before it makes them: a pull that fails, or a ``never`` image
        that is missing, leaves nothing behind."""
        from hutch.compose import refresh

        now = time.time()
        windows: dict[str, float | None] = {}
        for name in order:  # every window read before anything is pulled
            service = self.project.services[name]
            if not _pulls(service, no_build) or override is not None:
                continue
            try:
                windows[name] = refresh.window(service)
            except ValueError as exc:
                key = "pull_policy" if "pull_refresh_after" not in service else "pull_refresh_after"
                locator = self.project.locator
                path = ("services", name, key)
                raise locator.error(str(exc), path) if locator else ComposeError(str(exc)) from None
        for name in order:  # --pull never / pull_policy: never: said before any pull
            service = self.project.services[name]
            if not _pulls(service, no_build) or _policy(service, override, no_build) != "never":
                continue
            image = str(service["image"])
            if not self.engine.images.exists(image):
                raise NoSuchObject(f"{image}: image not known (and --pull=never)")
        pulled: set[str] = set()
        for name in order:
            service = self.project.services[name]
            if not _pulls(service, no_build):
                continue
            image = str(service["image"])
            if image in pulled:
                continue
            seconds = windows.get(name)
            policy = _policy(service, override, no_build)
            if (
                policy == "always"  # pulled here with its row, as docker compose does
                or (policy == "missing" and not self.engine.images.exists(image))
                or (seconds is not None and refresh.due(self.engine, image, seconds, now))
            ):
                refresh.pull(self.engine, name, image, progress, quiet)
                pulled.add(image)

    def build(self, options: ComposeBuildOptions, progress: Progress) -> None:
        services = self.project.services
        for name in options.services:
            if name not in services:
                raise InvalidArgument(f"no such service: {name}")
        names = [n for n in options.services or services if "build" in services[n]]
        self._refuse_unsupported(names)
        self._build_services(names, options, progress)

    def pull(self, options: ComposePullOptions, progress: Progress) -> None:
        from hutch.compose.distribute import pull

        pull(self.engine, self.project.services, options, progress)

    def push(self, options: ComposePushOptions, progress: Progress) -> None:
        from hutch.compose.distribute import push

        push(self.engine, self.project.services, options, progress)

    def _build_services(
        self, names: list[str], options: ComposeBuildOptions, progress: Progress
    ) -> None:
        import tempfile

        for name in names:
            service = self.project.services[name]
            progress(f" Service {name}  Building")
            for warning in build_warnings(name, service):
                progress(f" WARN {warning}")
            with tempfile.TemporaryDirectory(prefix="hutch-compose-") as scratch:
                inline = None
                if "dockerfile_inline" in service["build"]:
                    inline = os.path.join(scratch, "Dockerfile")
                    with open(inline, "w", encoding="utf-8") as out:
                        out.write(str(service["build"]["dockerfile_inline"]))
                try:
                    built = build_options(
                        self.name, name, service, options, inline, self.project.model
                    )
                except ValueError as exc:
                    raise ComposeError(str(exc), path=("services", name, "build")) from None
                report = self.engine.images.build(built)
            progress(f" Service {name}  Built {', '.join(report.names) or report.id[:12]}")

    def _orphans(
        self,
        existing: list[ContainerSummary],
        remove: bool,
        timeout: int | None,
        progress: Progress,
    ) -> None:
        from hutch.compose.teardown import is_orphan

        # docker compose: a finished ``compose run`` container is an orphan too (a
        # running one is somebody's session); a service the profiles leave out is not
        known = {*self.project.services, *self.project.disabled}
        found = [*existing, *self._containers(one_off=True)]
        orphans = [c for c in found if is_orphan(member_of(c), known)]
        if orphans and not remove:
            progress(
                f" Found orphan containers ({', '.join(c.name for c in orphans)}) for this "
                "project; run with --remove-orphans to clean them up"
            )
        elif orphans:
            self._remove([c.name for c in orphans], timeout, progress)

    def _service(
        self,
        name: str,
        existing: list[ContainerSummary],
        scale: Mapping[str, int],
        options: ComposeUpOptions,
        progress: Progress,
    ) -> list[str]:
        """Create (or recreate) ``name``'s containers; the ones to start."""
        service = self.project.services[name]
        hosts = self._links_now(name, service)
        # the addresses are in the hash: a linked container that moved recreates this one
        digest = config_hash({**service, "external_links": list(hosts)} if hosts else service)
        mine = {
            int(labels_of(c).get(f"{LABEL}.container-number", "0") or 0): c
            for c in existing
            if labels_of(c).get(f"{LABEL}.service") == name
        }
        count = replicas(service, scale, name)
        if count > 1 and "container_name" in service:
            raise ComposeError(
                f"service {name!r} has a container_name and cannot have {count} replicas"
            )
        extra = [c.name for number, c in sorted(mine.items()) if number > count]
        if extra:
            self._remove(extra, options.timeout, progress)
        to_start = []
        built = self._built_id(name, service)
        # docker compose: --force-recreate applies to the services named (all when
        # none is), --always-recreate-deps to the dependencies they pull in
        named = not options.services or name in options.services
        force = options.force_recreate if named else options.always_recreate_deps
        plan = []
        for number in range(1, count + 1):
            current = mine.get(number)
            changed = current is not None and (
                labels_of(current).get(f"{LABEL}.config-hash") != digest
                or (built is not None and _bare(current.image_id) != built)
            )
            recreate = current is not None and not options.no_recreate and (force or changed)
            plan.append((number, current, recreate))
        if not options.no_start:
            # the monitors of the containers to start begin now: their start-up
            # overlaps the creates and the dependencies' starts (schedule.py)
            starts = sum(1 for _, c, again in plan if c is None or again or c.status != "running")
            self.engine.containers.prepare_starts(starts)
        for number, current, recreate in plan:
            kept: dict[str, str] = {}
            if recreate and current is not None:
                if not options.renew_anon_volumes:
                    kept = self._anonymous_volumes(current.name)
                self._remove(
                    [current.name], options.timeout, progress, volumes=options.renew_anon_volumes
                )
                current = None
            if current is None:
                policy = _create_policy(service, options.pull, options.no_build)
                container = self._create(
                    name, service, number, digest, policy, progress, kept, options.quiet_pull, hosts
                )
                to_start.append(container)
            elif current.status != "running":
                to_start.append(current.name)
            else:
                progress(f" Container {current.name}  Running")
        return to_start

    def _start_service(self, name: str, to_start: list[str], progress: Progress) -> None:
        """Once its dependencies started: wait for their conditions, start ``to_start``."""
        service = self.project.services[name]
        self._wait_dependencies(name, progress)
        for container in to_start:
            progress(f" Container {container}  Starting")
            self._check(self.engine.containers.start([container], StartOptions()))
            progress(f" Container {container}  Started")
            run_hooks(self.engine, container, service, "post_start")

    def _built_id(self, name: str, service: Mapping[str, Any]) -> str | None:
        """A built image's id: a container made from an older build is recreated."""
        if "build" not in service:
            return None
        try:
            found = self.engine.images.inspect([image_name(self.name, name, service)])
        except HutchError:
            return None  # --no-build and missing: create reports it
        return _bare(found[0].id) if found else None

    def _links_now(self, name: str, service: Mapping[str, Any]) -> tuple[str, ...]:
        """``external_links`` as ``ALIAS:IP`` entries, with the addresses of now."""
        if not service.get("external_links"):
            return ()
        declared = self.project.model.get("networks") or {}
        joined = ",".join(declared[n]["name"] for n in service.get("networks") or {})
        return self._external_links(name, service, joined)

    def _external_links(
        self, name: str, service: Mapping[str, Any], networks: str
    ) -> tuple[str, ...]:
        """``external_links`` (CONTAINER[:ALIAS]) as ``--add-host ALIAS:IP`` entries.

        The address is the container's on a network this service joins (else
        its first one), looked up now: a link to a container outside the
        project, as docker compose's legacy links give.
        """
        joined = set(networks.split(","))
        out = []
        for index, link in enumerate(service["external_links"]):
            target, _, alias = str(link).partition(":")
            try:
                found = self.engine.containers.inspect([target])
            except HutchError:
                found = []
            endpoints = found[0].network_settings.networks if found else {}
            addresses = [e.ip_address for n, e in endpoints.items() if n in joined and e.ip_address]
            addresses += [e.ip_address for e in endpoints.values() if e.ip_address]
            if not addresses:
                message = f"external link {target!r}: no such container with an address"
                path = ("services", name, "external_links", index)
                locator = self.project.locator
                raise locator.error(message, path) if locator else ComposeError(message)
            out.append(f"{alias or target}:{addresses[0]}")
        return tuple(out)

    def _anonymous_volumes(self, container: str) -> dict[str, str]:
        """``destination -> volume`` of the anonymous volumes ``container`` mounts.

        docker compose hands them to the container that replaces it (``-V``
        does not), so that a recreate keeps their data.
        """
        anonymous = {
            v.name for v in self.engine.volumes.ls(VolumeListOptions(filters=("anonymous=true",)))
        }
        try:
            found = self.engine.containers.inspect([container])
        except HutchError:
            return {}
        return {
            m.destination: m.name
            for c in found
            for m in c.mounts
            if m.type == "volume" and m.name in anonymous
        }

    def _create(
        self,
        name: str,
        service: Mapping[str, Any],
        number: int,
        digest: str,
        policy: str,
        progress: Progress,
        kept: Mapping[str, str] | None = None,
        quiet_pull: bool = False,
        hosts: tuple[str, ...] = (),
    ) -> str:
        container = service.get("container_name") or f"{self.name}-{name}-{number}"
        image = image_name(self.name, name, service)
        depends = ",".join(
            f"{dep}:{body.get('condition', 'service_started')}:"
            f"{str(body.get('restart', False)).lower()}"
            for dep, body in (service.get("depends_on") or {}).items()
        )
        labels = {
            f"{LABEL}.project": self.name,
            f"{LABEL}.service": name,
            f"{LABEL}.container-number": str(number),
            f"{LABEL}.oneoff": "False",
            f"{LABEL}.config-hash": digest,
            f"{LABEL}.project.working_dir": self.project.working_dir,
            f"{LABEL}.project.config_files": ",".join(self.project.config_files),
            f"{LABEL}.depends_on": depends,
            f"{LABEL}.image": image,
        }
        try:
            options = run_options(
                self.name,
                name,
                service,
                self.project.model,
                name=container,
                image=image,
                labels=labels,
                environ=self.project.environment,
            )
            files = secret_files(service, self.project.model, self.project.environment)
        except ValueError as exc:
            locator = self.project.locator
            path = ("services", name)
            raise locator.error(str(exc), path) if locator else ComposeError(str(exc)) from None
        options = replace(options, pull=replace(options.pull, policy=policy, quiet=quiet_pull))
        if hosts:  # external_links, looked up by ``_service``
            options = replace(
                options, net=replace(options.net, add_hosts=options.net.add_hosts + hosts)
            )
        if kept:
            options = _with_volumes(options, kept)
        for item in files:
            if item.source is not None and item.owned:
                progress(
                    f" WARN {item.kind[:-1]} {item.name!r} of service {name!r} is a bound file: "
                    "its uid, gid and mode are ignored"
                )
        progress(f" Container {container}  Creating")
        self.engine.containers.create(options)
        written = tar_of(files)
        if written is not None:
            # docker compose writes them into the created container, before it starts
            self.engine.containers.copy(
                CopyOptions(
                    source="-",
                    destination=f"{container}:/",
                    archive=False,
                    stream=io.BytesIO(written),
                )
            )
        progress(f" Container {container}  Created")
        return container

    def _wait_dependencies(self, name: str, progress: Progress) -> None:
        for dependency, body in (self.project.services[name].get("depends_on") or {}).items():
            condition = body.get("condition", "service_started")
            if condition == "service_started":
                continue  # its task started it: nothing to look up (a listing each)
            names = [
                c.name
                for c in self._containers()
                if labels_of(c).get(f"{LABEL}.service") == dependency
            ]
            if not names:
                continue
            progress(f" Container {names[0]}  Waiting")
            if condition == "service_healthy":
                reports = self.engine.containers.wait(
                    names, WaitOptions(("healthy", "unhealthy", "exited"))
                )
                self._check(reports)
                states = {c.name: c.health for c in self._containers()}
                bad = [n for n in names if states.get(n) != "healthy"]
                if bad:
                    raise HutchError(f"dependency failed to start: container {bad[0]} is unhealthy")
                progress(f" Container {names[0]}  Healthy")
            elif condition == "service_completed_successfully":
                reports = self.engine.containers.wait(names, WaitOptions(("exited",)))
                self._check(reports)
                for report in reports:
                    if report.exit_code != 0:
                        raise HutchError(
                            f"service {dependency!r} didn't complete successfully: "
                            f"exit {report.exit_code}"
                        )
                progress(f" Container {names[0]}  Exited")

    def _wait_ready(self, order: list[str], timeout: float | None, progress: Progress) -> None:
        """``up --wait``: until every container runs (healthy when it has a check).

        A container that exits fails the wait, unless it is a one-shot job
        another service waits for (``service_completed_successfully``) and
        exited 0; so does an unhealthy one; ``timeout`` (seconds) bounds it.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        one_shot = {
            dependency
            for name in order
            for dependency, body in (self.project.services[name].get("depends_on") or {}).items()
            if body.get("condition") == "service_completed_successfully"
        }
        pending = set(order)
        while pending:
            found: dict[str, list[ContainerSummary]] = {}
            for c in self._containers():
                found.setdefault(labels_of(c).get(f"{LABEL}.service", ""), []).append(c)
            for name in sorted(pending):
                if all(_ready(c, name in one_shot) for c in found.get(name, [])):
                    pending.discard(name)
                    for c in found.get(name, []):
                        state = "Healthy" if c.health else c.status.capitalize()
                        progress(f" Container {c.name}  {state}")
            if pending and deadline is not None and time.monotonic() > deadline:
                raise HutchError(
                    f"timed out after {timeout:g} s waiting for {', '.join(sorted(pending))} "
                    "to be running or healthy"
                )
            if pending:
                time.sleep(0.25)

    # --- run ---------------------------------------------------------------------------

    def one_off(self, options: ComposeRunOptions, progress: Progress) -> RunOptions:
        """The one-off's RunOptions; refused when it has secrets or configs to write
        (``run_one_off`` writes them between its create and start)."""
        run, written = self._one_off(options, progress)
        if written is not None:
            raise ComposeError(
                "secrets and configs from environment or content are written between create "
                "and start: use run_one_off",
                path=("services", options.service),
            )
        return run

    def run_one_off(
        self,
        options: ComposeRunOptions,
        progress: Progress,
        ready: Callable[[], None] | None = None,
    ) -> RunReport:
        """``compose run``: one ``run``, or, with secrets or configs from environment or
        content, create, write them (as ``up`` does), start (attached unless detached)."""
        run, written = self._one_off(options, progress)
        if ready is not None:
            ready()
        if written is None:
            return self.engine.containers.run(run)
        container = self.engine.containers.create(run)
        try:
            self.engine.containers.copy(
                CopyOptions(
                    source="-",
                    destination=f"{container}:/",
                    archive=False,
                    stream=io.BytesIO(written),
                )
            )
        except BaseException:
            removal = RemoveContainerOptions(force=True, ignore=True)
            self.engine.containers.remove([container], removal)
            raise
        if run.detach:
            self._check(self.engine.containers.start([container], StartOptions()))
            return RunReport(container, None)
        attached = StartOptions(attach=True, interactive=run.interactive)
        [report] = self.engine.containers.start([container], attached)
        if report.error:
            error = HutchError(report.error)
            error.exit_code = report.exit_code or 125
            raise error
        return RunReport(container, report.exit_code)

    def _one_off(
        self, options: ComposeRunOptions, progress: Progress
    ) -> tuple[RunOptions, bytes | None]:
        name = options.service
        if name not in self.project.services:
            raise InvalidArgument(f"no such service: {name}")
        self._refuse_unsupported([name])
        dependencies = tuple(self.project.services[name].get("depends_on") or {})
        if dependencies and not options.no_deps:
            self.up(
                ComposeUpOptions(services=dependencies, quiet_pull=options.quiet_pull), progress
            )
        order = [name]
        self._build_missing(order, ComposeUpOptions(), progress)
        self._refresh(order, None, progress, options.quiet_pull)
        self._networks(order, progress)
        self._volumes(order, progress)
        service = dict(self.project.services[name])
        if not options.service_ports:
            service.pop("ports", None)
        service.pop("container_name", None)
        service.pop("restart", None)  # a one-off is never restarted
        number = 1 + max(
            (
                int(labels_of(c).get(f"{LABEL}.container-number", "0") or 0)
                for c in self._containers(one_off=True)
                if labels_of(c).get(f"{LABEL}.service") == name
            ),
            default=0,
        )
        container = options.name or f"{self.name}-{name}-run-{number}"
        labels = {
            f"{LABEL}.project": self.name,
            f"{LABEL}.service": name,
            f"{LABEL}.container-number": str(number),
            f"{LABEL}.oneoff": "True",
            f"{LABEL}.project.working_dir": self.project.working_dir,
            f"{LABEL}.project.config_files": ",".join(self.project.config_files),
            f"{LABEL}.image": image_name(self.name, name, service),
        }
        try:
            base = run_options(
                self.name,
                name,
                service,
                self.project.model,
                name=container,
                image=image_name(self.name, name, service),
                labels=labels,
                environ=self.project.environment,
            )
            written = tar_of(secret_files(service, self.project.model, self.project.environment))
        except ValueError as exc:
            raise ComposeError(str(exc), path=("services", name)) from None
        return replace(
            base,
            command=options.command or base.command,
            entrypoint=options.entrypoint if options.entrypoint is not None else base.entrypoint,
            env=(*base.env, *options.env),
            user=options.user or base.user,
            workdir=options.workdir or base.workdir,
            tty=options.tty,
            interactive=options.interactive,
            detach=options.detach,
            remove=options.remove,
            restart="no",
            net=replace(base.net, publish=(*base.net.publish, *options.publish)),
            volumes=replace(base.volumes, volumes=(*base.volumes.volumes, *options.volumes)),
            pull=replace(base.pull, policy=_create_policy(service, None, False)),
        ), written

    # --- down -------------------------------------------------------------------------

    def down(self, options: ComposeDownOptions, progress: Progress) -> None:
        from hutch.compose.teardown import teardown

        existing = self._containers() + self._containers(one_off=True)
        plan = teardown(
            self.project.model,
            (*self.project.services, *self.project.disabled),
            [member_of(c) for c in existing],
            named=options.services,
            remove_orphans=options.remove_orphans,
            volumes=options.volumes,
        )
        if plan.containers:
            # docker compose: -v removes the containers' anonymous volumes too
            self._remove(list(plan.containers), options.timeout, progress, volumes=options.volumes)
        for kind, name in plan.in_use:
            progress(f" {kind} {name}  Resource is still in use")
        for name in plan.networks:
            if not self.engine.networks.exists(name):
                continue
            removal = NetworkRemoveOptions(force=False, timeout=options.timeout)
            progress(f" Network {name}  Removing")
            self._check_in_use("Network", self.engine.networks.remove([name], removal), progress)
        present = (
            {v.name for v in self.engine.volumes.ls(VolumeListOptions())} if plan.volumes else set()
        )
        for name in plan.volumes:
            if name not in present:
                continue
            progress(f" Volume {name}  Removing")
            self._check_in_use(
                "Volume", self.engine.volumes.remove([name], VolumeRemoveOptions()), progress
            )

    def _check_in_use(self, kind: str, reports: list[ActionReport], progress: Progress) -> None:
        """A network or volume a container outside the project still uses stays, as
        docker compose leaves it ("Resource is still in use"); other failures fail."""
        for report in reports:
            if report.error and report.exit_code == 2:  # the engine's "being used"
                progress(f" {kind} {report.name}  Resource is still in use")
            elif report.error:
                raise HutchError(f"{report.name}: {report.error}")
            else:
                progress(f" {kind} {report.name}  Removed")

    def _remove(
        self, names: list[str], timeout: int | None, progress: Progress, volumes: bool = False
    ) -> None:
        """Stop and remove ``names``; ``volumes``: their anonymous volumes with them."""
        self.pre_stop(names, progress)
        for name in names:
            progress(f" Container {name}  Stopping")
        self._check(self.engine.containers.stop(names, StopOptions(timeout=timeout, ignore=True)))
        for name in names:
            progress(f" Container {name}  Stopped")
        for name in names:
            progress(f" Container {name}  Removing")
        removal = RemoveContainerOptions(force=True, ignore=True, volumes=volumes)
        self._check(self.engine.containers.remove(names, removal))
        for name in names:
            progress(f" Container {name}  Removed")

    def start(self, services: tuple[str, ...], progress: Progress) -> None:
        """``compose start``: as docker compose, a container that was not running
        runs its service's ``post_start`` hooks once started."""
        for container in self.containers(True, services):
            progress(f" Container {container.name}  Starting")
            self._check(self.engine.containers.start([container.name], StartOptions()))
            progress(f" Container {container.name}  Started")
            service = self.project.services.get(container.service)
            if container.status != "running" and service is not None:
                run_hooks(self.engine, container.name, service, "post_start")

    def restart(self, services: tuple[str, ...], timeout: int | None, progress: Progress) -> None:
        """``compose restart``: as docker compose, each container (dependencies first)
        runs its ``pre_stop`` hooks, is restarted, then runs its ``post_start`` hooks."""
        for container in self.containers(True, services):
            self.pre_stop([container.name], progress)
            progress(f" Container {container.name}  Restarting")
            reports = self.engine.containers.restart([container.name], StopOptions(timeout=timeout))
            self._check(reports)
            progress(f" Container {container.name}  Restarted")
            service = self.project.services.get(container.service)
            if service is not None:
                run_hooks(self.engine, container.name, service, "post_start")

    def pre_stop(self, names: list[str] | tuple[str, ...], progress: Progress) -> None:
        """Run the ``pre_stop`` hooks of those of ``names`` that run; a failure is a warning."""
        services = self.project.services
        if not any(body.get("pre_stop") for body in services.values()):
            return
        running = {
            c.name: labels_of(c).get(f"{LABEL}.service", "")
            for c in self._containers()
            if c.status == "running"
        }
        for name in names:
            service = services.get(running.get(name, ""))
            if service is None:
                continue
            try:
                run_hooks(self.engine, name, service, "pre_stop")
            except HutchError as exc:
                progress(f" WARN {exc}")

    @staticmethod
    def _check(reports: list[Any]) -> None:
        for report in reports:
            if getattr(report, "error", None):
                raise HutchError(f"{report.name}: {report.error}")
