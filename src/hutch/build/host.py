"""What the builder needs from the engine, as a small protocol.

``hutch.build`` sits below the engine: it cannot open the state database,
join the session or mount file systems on its own. The engine hands it an
object with these few capabilities (``hutch.engine.build.LocalBuildHost``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from hutch.oci.image import ImageConfig
from hutch.store import sqlite as sqlite3
from hutch.store.images import ImageRecord
from hutch.store.layers import LayerInfo, LayerStore

if TYPE_CHECKING:  # the runtime's spec module is needed only when a step runs
    from hutch.runtime.spec import Rootfs


class BuildHost(Protocol):
    @property
    def conn(self) -> sqlite3.Connection: ...

    @property
    def layers(self) -> LayerStore: ...

    @property
    def layers_dir(self) -> Path:
        """The base the lower dirs of a rootfs are given relative to."""
        ...

    @property
    def cache_dir(self) -> Path:
        """Where ``RUN --mount=type=cache`` directories live between builds."""
        ...

    @property
    def driver(self) -> str:
        """The storage driver: overlay or fuse-overlayfs (vfs cannot build yet)."""
        ...

    @property
    def gid5_mapped(self) -> bool: ...

    @property
    def capabilities(self) -> tuple[str, ...]:
        """The capabilities a RUN step keeps (podman's default set)."""
        ...

    def find_image(self, name: str, pull: str) -> ImageRecord:
        """The image ``name`` means, pulled per ``pull`` where that is possible."""
        ...

    def get_image(self, image_id: str) -> ImageRecord | None: ...

    def layer_infos(self, diff_ids: Sequence[str]) -> list[LayerInfo]: ...

    def store_image(
        self,
        config: ImageConfig,
        layers: Sequence[LayerInfo],
        names: Sequence[str],
        manifest_format: str = "oci",
        annotations: Mapping[str, str] | None = None,
    ) -> ImageRecord:
        """Record an image (``manifest_format``: ``oci`` or ``docker`` schema 2;
        ``annotations`` in its manifest)."""
        ...

    def pull_cache(self, reference: str) -> ImageRecord | None:
        """--cache-from: the image at ``reference`` pulled, or None when the
        registry does not have it (or cannot be read: the step then runs)."""
        ...

    def push_cache(self, image_id: str, reference: str) -> None:
        """--cache-to: push a step's image to ``reference`` (a failure fails the build)."""
        ...

    def attach_socket(self, container_id: str) -> Path: ...

    def mounted(self, rootfs: Rootfs) -> AbstractContextManager[None]:
        """Mount ``rootfs`` at its target (in this process) for the ``with`` block."""
        ...
