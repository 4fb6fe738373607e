"""``run``/``create --rootfs``: a container on an exploded root filesystem directory.

The first argument is then ``PATH[:O]``, not an image: no image record is
looked up or made. Without ``:O`` the container's root is ``PATH`` itself
(bound onto itself, so writes land in the directory); with ``:O`` ``PATH`` is
the lower dir of an overlay whose upper and work dirs are the container's own,
so the directory stays as it was (podman's "Overlay Rootfs Mounts").
"""

from __future__ import annotations

import contextlib
import os
import stat
from dataclasses import dataclass

from hutch.api.container_config import RunOptions, SecurityOptions
from hutch.api.errors import InvalidArgument
from hutch.oci.image import ContainerConfig, ImageConfig
from hutch.runtime.spec import Rootfs
from hutch.store.containers import ContainerDirs


@dataclass(frozen=True)
class RootfsDir:
    path: str  # absolute
    overlay: bool  # ":O": changes go to the container's upper dir

    @classmethod
    def of(cls, text: str) -> RootfsDir:
        """``PATH[:O]`` as podman splits it: only a final ``:O`` (other colons are
        the path's); the path made absolute."""
        overlay = text.endswith(":O")
        return cls(os.path.abspath(text[:-2] if overlay else text), overlay)

    def text(self) -> str:
        return self.path + (":O" if self.overlay else "")


def parse(text: str) -> RootfsDir:
    """``PATH[:O]`` of run/create, checked to be a directory."""
    source = RootfsDir.of(text or ".")
    if not text or not os.path.isdir(source.path):
        reason = "not a directory" if os.path.lexists(source.path) else "no such file or directory"
        # podman 4.3.1's words for a missing one
        raise InvalidArgument(f"running container create option: stat {source.path}: {reason}")
    return source


def check_userns(source: RootfsDir, security: SecurityOptions) -> None:
    """A user namespace of the container's own would chown the directory's files in
    place (hutch's copy shifting): only with ``:O``, whose lower dir is copied."""
    from hutch.engine.userns_plan import requested

    if not source.overlay and requested(security):
        raise InvalidArgument(
            f"--rootfs {source.path} cannot be used with a user namespace of the "
            "container's own (--userns, --uidmap, --gidmap, --subuidname, --subgidname): "
            f"its files would be changed; use {source.path}:O"
        )


def image_config() -> ImageConfig:
    """What stands for the image's config: nothing (no env, no command, no user)."""
    return ImageConfig("", "linux", (), ContainerConfig())


def rootfs(source: RootfsDir, dirs: ContainerDirs, driver: str) -> Rootfs:
    """The runtime's root of ``source``: the directory itself, or an overlay on it
    (fuse-overlayfs when that is the store's driver, native overlay otherwise)."""
    for d in (dirs.upper, dirs.work, dirs.merged, dirs.userdata):
        d.mkdir(parents=True, exist_ok=True)  # empty without :O (size, mount expect them)
    if not source.overlay:
        return Rootfs(kind="bind", target=source.path)
    # overlayfs shows "/" with the upper dir's mode: the directory's own, as without :O
    # (a directory gone since it was checked is the mount's error to report)
    with contextlib.suppress(FileNotFoundError):
        os.chmod(dirs.upper, stat.S_IMODE(os.stat(source.path).st_mode))
    parent, name = os.path.split(source.path)
    return Rootfs(
        kind="fuse-overlayfs" if driver == "fuse-overlayfs" else "overlay",
        target=str(dirs.merged),
        lowers=(name or ".",),
        lower_base=parent or "/",
        upper=str(dirs.upper),
        work=str(dirs.work),
    )


def shown(options: RunOptions) -> str:
    """inspect's ``.Rootfs``: the directory a --rootfs container runs on (without
    ``:O``, as podman 4.3.1 shows it)."""
    return RootfsDir.of(options.image).path if options.rootfs else ""
