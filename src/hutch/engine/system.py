"""``engine.system``: info, unshare, migrate, reset, events."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hutch import __version__
from hutch.api.errors import CannotInvoke, CommandNotFound, HostNotReady, HutchError
from hutch.api.events import Event, EventsOptions
from hutch.engine.context import EngineContext

if TYPE_CHECKING:
    from hutch.api.engine import Engine

    # The reports' classes load with the first report: the API service enters the
    # session through this module before its first accept, and /_ping needs none.
    from hutch.api.system import (
        AutoUpdateOptions,
        AutoUpdateResult,
        CheckOptions,
        CheckReport,
        DiskUsageReport,
        HostFact,
        InfoReport,
        SystemPruneOptions,
        SystemPruneReport,
    )
from hutch.runtime.session import Session, host_ranges
from hutch.store.layers import remove_tree


def _device_fact(path: str, needed_for: str) -> HostFact:
    from hutch.api.system import HostFact

    ok = os.access(path, os.R_OK | os.W_OK)
    return HostFact(
        path,
        "usable" if ok else "not accessible",
        ok,
        "" if ok else f"needed for {needed_for}; as root: chmod 0666 {path}",
    )


def cgroup_fact() -> HostFact:
    from hutch.api.system import HostFact

    root = Path("/sys/fs/cgroup")
    if (root / "cgroup.controllers").exists():
        controllers = (root / "cgroup.controllers").read_text().split()
        return HostFact("cgroups", f"v2 ({' '.join(controllers) or 'no controllers'})", True)
    unified = root / "unified" / "cgroup.controllers"
    if unified.exists():
        controllers = unified.read_text().split()
        return HostFact(
            "cgroups",
            f"hybrid v1/v2 (v2 controllers: {' '.join(controllers) or 'none'})",
            False,
            "resource limits need the unified hierarchy: boot with "
            "systemd.unified_cgroup_hierarchy=1 (or cgroup_no_v1=all) and delegate controllers",
        )
    return HostFact("cgroups", "v1", False, "resource limits need cgroup v2")


def _tool_fact(name: str, purpose: str) -> HostFact:
    import shutil  # info's alone: the API service joins the session through this module

    from hutch.api.system import HostFact

    path = shutil.which(name)
    return HostFact(
        name,
        path or "missing",
        path is not None,
        "" if path else f"needed for {purpose}; install the Debian package",
    )


class SystemService:
    """``engine.system`` (``hutch.api.system.System``)."""

    def __init__(self, ctx: EngineContext, engine: Engine) -> None:
        self._ctx = ctx
        self._engine = engine  # system prune runs the prune of every noun

    def enter_session(self) -> None:
        self._ctx.enter_session()

    def events(self, options: EventsOptions) -> Iterator[Event]:
        from hutch.engine.events import EventReader

        return EventReader(self._ctx.paths).events(options)

    def info(self) -> InfoReport:
        from hutch.api.system import HostFact, InfoReport
        from hutch.linux import hostcheck, procfs

        def fact(finding: hostcheck.Finding) -> HostFact:
            return HostFact(finding.name, finding.value, finding.ok, finding.fix)

        # The ids outside: the command (the API service after any request)
        # may already be uid 0 of the session namespace.
        uid = procfs.host_uid()
        facts = [fact(hostcheck.userns())]
        uid_ranges, gid_ranges = host_ranges(uid)
        if procfs.real_root():
            facts.append(HostFact("subordinate ids", "not needed (real root)", True))
        else:
            user = os.environ.get("USER") or str(uid)
            for kind, ranges in (("uid", uid_ranges), ("gid", gid_ranges)):
                counts = tuple(r.count for r in ranges)
                finding = hostcheck.subid_range(kind, counts, user)
                shown = ", ".join(f"{r.start}+{r.count}" for r in ranges)
                if shown and finding.ok:
                    finding = hostcheck.Finding(finding.name, shown, True)
                facts.append(fact(finding))
        facts.append(fact(hostcheck.map_tool("newuidmap")))
        facts.append(fact(hostcheck.map_tool("newgidmap")))
        fallback = f"/tmp/hutch-{uid}"
        facts.append(fact(hostcheck.runtime_dir(os.environ, uid, fallback)))
        facts.append(fact(hostcheck.storage_location(str(self._ctx.paths.data))))
        # Probing the storage needs the session namespace: on a host that
        # refuses it, info still lists everything else (that is when it is read).
        try:
            driver = self._ctx.driver
        except HostNotReady as exc:
            # The hint reads "fix: ..." as an error's hint; info prints "fix:" itself.
            fix = (exc.hint or "").removeprefix("fix: ")
            facts.append(HostFact("storage driver", f"not probed: {exc}", False, fix))
        else:
            facts.append(HostFact("storage driver", f"{driver.name} ({driver.reason})", True))
        facts.append(_tool_fact("fuse-overlayfs", "the fuse-overlayfs storage fallback"))
        facts.append(fact(hostcheck.fuse_device()))
        if self._ctx.driver_known():
            from hutch.engine.userns_plan import userns_fact

            facts.append(userns_fact(self._ctx))
        facts.append(cgroup_fact())
        from hutch.engine.resources import manager_fact

        facts.append(manager_fact(self._ctx.settings))
        facts.append(fact(hostcheck.network_helpers()))
        facts.append(_tool_fact("pasta", "private networks (package passt)"))
        facts.append(_network_backend_fact(self._ctx.settings.network_backend))
        facts.append(_tool_fact("slirp4netns", "private networks without pasta"))
        facts.append(_device_fact("/dev/net/tun", "slirp4netns and pasta's tap mode"))
        facts.append(HostFact("data dir", str(self._ctx.paths.data), True))
        facts.append(HostFact("runtime dir", str(self._ctx.paths.runtime), True))
        from hutch.engine.resolve import search_registries
        from hutch.engine.system_info import host_info, store_info

        return InfoReport(
            __version__,
            tuple(facts),
            host_info(self._ctx),
            store_info(self._ctx),
            search_registries(),
        )

    def unshare(self, command: Sequence[str], *, rootless_netns: bool = False) -> int:
        from hutch.linux import syscalls as sc

        # our uid outside the namespace (podman's _CONTAINERS_ROOTLESS_UID): inside,
        # where we are 0, hutch finds its runtime dir (/tmp/hutch-UID) by it
        outside = os.environ.get("HUTCH_ROOTLESS_UID") or str(os.getuid())
        self._ctx.enter_session()
        if rootless_netns:
            _join_rootless_netns(self._ctx)
        sc.unshare(sc.CLONE_NEWNS)
        sc.mount(None, "/", None, sc.MS_REC | sc.MS_SLAVE)
        args = list(command) or [os.environ.get("SHELL", "/bin/sh")]
        os.environ["HUTCH_ROOTLESS_UID"] = outside
        try:
            os.execvp(args[0], args)
        except FileNotFoundError as exc:
            raise CommandNotFound(f"{args[0]}: command not found") from exc
        except OSError as exc:
            raise CannotInvoke(f"{args[0]}: {exc.strerror}") from exc

    def migrate(self) -> bool:
        """Stop the running containers and the session, as podman's migrate does.

        A new holder would otherwise join a live container's namespace (see
        runtime/session.py), and the new subordinate ranges never apply.
        """
        from hutch.net import rootless

        if any(self._ctx.paths.containers.glob("*/userdata/state.json")):
            self._ctx.enter_session()  # to kill processes of subordinate ids too
            _kill_all_containers(self._ctx.paths.containers)
        rootless.stop(self._ctx.paths.runtime / "netns")  # it lives in the old namespace
        return Session(self._ctx.paths).stop()

    def check(self, options: CheckOptions) -> CheckReport:
        from hutch.engine.system_check import check

        return check(self._ctx, options)

    def df(self) -> DiskUsageReport:
        from hutch.engine.system_df import disk_usage

        return disk_usage(self._ctx)

    def prune(self, options: SystemPruneOptions) -> SystemPruneReport:
        from hutch.api.system import SystemPruneReport

        """podman's order: pods, containers, networks, volumes, images (which the
        containers removed before may have freed). The filters are checked before
        anything goes; pods go by their members' state only, as podman's do."""
        from hutch.api.images import ImagePruneOptions
        from hutch.engine.prune_filters import parse_prune_filters

        parse_prune_filters(options.filters)
        engine, filters = self._engine, options.filters
        pods = tuple(engine.pods.prune())
        containers = tuple(engine.containers.prune(filters))
        networks = tuple(engine.networks.prune(filters))
        volumes = tuple(engine.volumes.prune(filters)) if options.volumes else ()
        images = tuple(engine.images.prune(ImagePruneOptions(options.all, filters)))
        return SystemPruneReport(pods, containers, networks, volumes, images)

    def auto_update(self, options: AutoUpdateOptions) -> AutoUpdateResult:
        from hutch.api.containers import ListContainersOptions
        from hutch.engine.autoupdate import auto_update

        running = self._engine.containers.ls(ListContainersOptions())
        return auto_update(self._ctx, running, options)

    def reset(self) -> None:
        self._ctx.enter_session()
        _kill_all_containers(self._ctx.paths.containers)
        from hutch.net import rootless

        rootless.stop(self._ctx.paths.runtime / "netns", wait=True)
        if self._ctx.paths.storage.exists():
            remove_tree(self._ctx.paths.storage)
        Session(self._ctx.paths).stop()
        # Everything else of the runtime dir goes too: attach sockets, the
        # rootless network's files, locks; the directory itself stays (0700).
        runtime = self._ctx.paths.runtime
        for entry in runtime.iterdir() if runtime.is_dir() else ():
            if entry.is_dir() and not entry.is_symlink():
                remove_tree(entry)
            else:
                entry.unlink(missing_ok=True)


def _kill_all_containers(containers_dir: Path) -> None:
    """SIGKILL every container's monitor (PID 1 of its pid namespace: the
    container and its helpers die with it) and wait until they are gone."""
    import signal
    import time

    from hutch.runtime import state as st

    pids: list[tuple[int, str]] = []
    for state_file in containers_dir.glob(f"*/userdata/{st.STATE_FILE}"):
        state = st.read_state(state_file)
        for pid, start in ((state.monitor_pid, state.monitor_start), (state.pid, state.pid_start)):
            if st.alive(pid, start):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                pids.append((pid, start))
    deadline = time.monotonic() + 10
    while any(st.alive(p, s) for p, s in pids) and time.monotonic() < deadline:
        time.sleep(0.02)


def _network_backend_fact(setting: str) -> HostFact:
    from hutch.api.system import HostFact
    from hutch.net.backend import choose_backend

    choice = choose_backend(setting)
    if choice.name:
        return HostFact("network backend", f"{choice.name} ({choice.reason})", True)
    return HostFact("network backend", "none usable", False, choice.reason)


def _join_rootless_netns(ctx: EngineContext) -> None:
    """podman's ``unshare --rootless-netns``: the namespace where user-defined
    networks' bridges live (and containers' addresses answer), started first
    when no network has needed it yet, as podman 4.3.1 does."""
    from hutch.engine.netrun import rundir
    from hutch.linux import syscalls as sc
    from hutch.net import rootless

    try:
        pid = rootless.ensure(rundir(ctx))
        fd = os.open(f"/proc/{pid}/ns/net", os.O_RDONLY | os.O_CLOEXEC)
    except (rootless.RootlessNetError, OSError) as exc:
        raise HutchError(f"joining the rootless network namespace: {exc}") from exc
    try:
        sc.setns(fd, sc.CLONE_NEWNET)
    except OSError as exc:
        raise HutchError(f"joining the rootless network namespace: {exc.strerror}") from exc
    finally:
        os.close(fd)
