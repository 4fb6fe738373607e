"""The start of a container with ``--mount type=image``: its images' shared mounts.

Before the monitor is spawned, the starting command counts itself as the
container's user of each share its spec names (``runtime/imageshare.py``),
and starts the share's holder when none lives; once the container has
started (its init has mounted), the container's monitor takes over as the
user, so the share lasts while the container runs and its restart policy
may run it again, and ends when the last such monitor is gone. All of it
under the share's lock (flock), as the rootless network's holder is started.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from hutch.api.errors import NoSuchObject
from hutch.engine.container_record import MountRecord
from hutch.engine.context import EngineContext
from hutch.linux import procfs
from hutch.runtime import imageshare

# a holder that says nothing in this time is taken as unable (the containers
# then mount the layers themselves): it only mounts, so a second is plenty
_READY_TIMEOUT = 30.0
# the holder could not share on this kernel: not tried again until it changes
_UNSUPPORTED = "unsupported"


def shares_of(bundle: Path) -> list[Path]:
    """The share directories the container's spec names (its config.json)."""
    try:
        mounts = json.loads((bundle / "config.json").read_bytes()).get("mounts", [])
    except (OSError, ValueError):
        return []
    prefix = imageshare.OPTION + "="
    return [
        Path(option[len(prefix) :])
        for mount in mounts
        for option in mount.get("options", ())
        if option.startswith(prefix)
    ]


def before_start(
    ctx: EngineContext, container_id: str, bundle: Path, mounts: Sequence[MountRecord]
) -> list[Path]:
    """Count this command as the container's user of each share, each with a live
    holder where the kernel allows one; answer the shares."""
    shares = shares_of(bundle)
    for directory in shares:
        image = ctx.images.get(directory.name)
        if image is None:
            _refuse_gone(ctx, directory.name, mounts)
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        with imageshare.locked(directory):
            imageshare.set_user(directory, container_id, os.getpid())
            if imageshare.read_holder(directory) is None and _may_share(directory):
                from hutch.engine.image_volumes import overlay_lowers

                _start_holder(directory, str(ctx.paths.layers), overlay_lowers(image))
    return shares


def _refuse_gone(ctx: EngineContext, image_id: str, mounts: Sequence[MountRecord]) -> NoReturn:
    """The image of a mount was removed (``rmi --force``): podman's words (its start
    fails so too), naming the image as given."""
    from hutch.engine.image_volumes import image_of_mount
    from hutch.volumes.specs import MountRequest

    for record in mounts:
        if record.kind == "image":
            image_of_mount(ctx, MountRequest("image", record.destination, record.source))
    raise NoSuchObject(
        f"the image {image_id[:12]} of a --mount type=image of this container was removed "
        "(rmi --force): remove the container and create it again"
    )


def after_start(shares: list[Path], container_id: str, monitor_pid: int) -> None:
    """The container runs: its monitor is the user from now on."""
    for directory in shares:
        with imageshare.locked(directory):
            imageshare.set_user(directory, container_id, monitor_pid)


def start_failed(shares: list[Path], container_id: str) -> None:
    for directory in shares:
        with imageshare.locked(directory):
            imageshare.drop_user(directory, container_id)


def _may_share(directory: Path) -> bool:
    marker = directory.parent / _UNSUPPORTED
    try:
        return marker.read_text().split("\n", 1)[0] != os.uname().release
    except OSError:
        return True


def _start_holder(directory: Path, layers: str, lowers: tuple[str, ...]) -> None:
    """Start the share's holder (under the lock); on a kernel that cannot share,
    note it beside the shares and leave the containers to mount the layers."""
    r, w = os.pipe()
    try:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hutch.runtime.imageshare_holder",
                str(directory),
                layers,
                str(w),
                *lowers,
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(w,),
            cwd="/",  # it outlives the command: it must not keep the user's directory busy
            start_new_session=True,  # it must not end with the terminal or the caller
            restore_signals=True,
        )
    finally:
        os.close(w)
    from hutch.net.rootless import read_ready_line  # the same ready pipe

    data, _timed_out = read_ready_line(r, _READY_TIMEOUT)
    word = data.decode(errors="replace").strip()
    if not word.isdigit():
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.wait()
        if word.startswith(_UNSUPPORTED):
            # the kernel release, then the holder's reason (for whoever looks)
            (directory.parent / _UNSUPPORTED).write_text(f"{os.uname().release}\n{word}\n")
        return
    start = procfs.start_time(proc.pid)
    tmp = directory / f".{imageshare.HOLDER}.tmp"
    tmp.write_text(f"{proc.pid} {start} {word}\n")
    os.replace(tmp, directory / imageshare.HOLDER)
