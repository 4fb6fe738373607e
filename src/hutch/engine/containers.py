"""Container operations of the engine: run (foreground) for now."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from dataclasses import asdict
from types import FrameType

from hutch.api.errors import HutchError, InvalidArgument
from hutch.api.options import RunOptions
from hutch.engine.context import EngineContext
from hutch.engine.resolve import find_image
from hutch.engine.specbuild import build_spec, validate_network
from hutch.runtime import spawn
from hutch.runtime.ids import map_to_host
from hutch.runtime.relay import relay_terminal
from hutch.runtime.spec import Rootfs
from hutch.store.containers import ContainerDirs
from hutch.store.images import ImageRecord
from hutch.store.layers import remove_tree
from hutch.util.ids import new_id, random_name, valid_name

FORWARDED_SIGNALS = (
    signal.SIGINT,
    signal.SIGTERM,
    signal.SIGHUP,
    signal.SIGQUIT,
    signal.SIGUSR1,
    signal.SIGUSR2,
)


class ContainerService:
    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    def run(self, options: RunOptions) -> int:
        validate_network(options.network)
        if options.name is not None and not valid_name(options.name):
            raise InvalidArgument(
                f"invalid container name {options.name!r}: names must match "
                "[a-zA-Z0-9][a-zA-Z0-9_.-]*"
            )
        state = self._ctx.enter_session()
        image = find_image(self._ctx.images, options.image)
        driver = self._ctx.driver.name
        container_id = new_id()
        name = options.name or random_name()
        record = self._ctx.containers.create(
            container_id,
            name,
            image.id,
            options.image,
            json.dumps({"options": asdict(options), "driver": driver}).encode(),
        )
        dirs = self._ctx.containers.dirs(record.id)
        try:
            rootfs = self._prepare_rootfs(image, dirs, driver)
            spec = build_spec(
                container_id=record.id,
                name=name,
                options=options,
                image=image.config,
                rootfs=rootfs,
                dirs=dirs,
            )
            started = spawn.start(spec, gid5_mapped=map_to_host(state.gid_map, 5) is not None)
        except BaseException:
            self._discard(record.id, dirs)
            raise
        self._ctx.containers.set_running(record.id, started.init_pid)
        code = _attach(started, options)
        if options.remove:
            self._discard(record.id, dirs)
        else:
            self._ctx.containers.set_exited(record.id, code)
        return code

    def _prepare_rootfs(self, image: ImageRecord, dirs: ContainerDirs, driver: str) -> Rootfs:
        for d in (dirs.upper, dirs.work, dirs.merged):
            d.mkdir(parents=True, exist_ok=True)
        if driver == "vfs":
            from hutch.store.tarextract import extract_layer

            # No union filesystem: the container gets its own full copy, built
            # by applying each layer blob in order onto its rootfs.
            for _diff, blob, _media in self._ctx.images.layer_blobs(image.diff_ids):
                with open(self._ctx.layers.blob_path(blob), "rb") as f:
                    extract_layer(f, dirs.merged, whiteouts="apply", chown="ignore")
            return Rootfs(kind="bind", target=str(dirs.merged))
        lowers = tuple(f"{d.split(':', 1)[1]}/diff" for d in reversed(image.diff_ids))
        return Rootfs(
            kind=driver,
            target=str(dirs.merged),
            lowers=lowers,
            lower_base=str(self._ctx.paths.layers),
            upper=str(dirs.upper),
            work=str(dirs.work),
        )

    def _discard(self, container_id: str, dirs: ContainerDirs) -> None:
        self._ctx.containers.delete(container_id)
        if dirs.root.exists():
            remove_tree(dirs.root)


def _attach(started: spawn.Started, options: RunOptions) -> int:
    """Relay signals (and the terminal) until the container exits."""

    def forward(sig: int, _frame: FrameType | None) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(started.init_pid, sig)

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED_SIGNALS}
    try:
        if started.tty_master is not None:
            try:
                relay_terminal(started.tty_master, stdin=options.interactive)
            finally:
                os.close(started.tty_master)
        return spawn.wait(started)
    except HutchError:
        raise
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sys.stdout.flush()
