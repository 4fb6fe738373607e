"""The root file system a build step works on: image layers + an upper dir.

A step gets a private temp dir holding ``upper`` (its changes), ``work``
(overlay's own) and ``merged`` (the mount point). With one layer per stage
(``--layers=false``, ``--squash``) every step of the stage shares one upper
dir, so its changes accumulate. An upper dir is made with the root mode of the
image it starts on (``store/rootmode.py``), as a container's is, so that a RUN
step sees the image's ``/`` (the layer it becomes has no ``./`` entry and keeps
that mode too).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hutch.store.layers import LayerInfo, read_root_mode
from hutch.store.rootmode import image_root_mode

TYPE_CHECKING = False  # typing costs a cached build an import; mypy reads the name alike
if TYPE_CHECKING:
    from hutch.runtime.spec import Rootfs


@dataclass(frozen=True)
class WorkRoot:
    base: Path  # the private temp dir
    upper: Path
    layers_dir: Path
    lower_hexes: tuple[str, ...]  # top first

    @property
    def merged(self) -> Path:
        return self.base / "merged"

    @property
    def work(self) -> Path:
        return self.base / "work"

    @property
    def empty_lower(self) -> Path:
        return self.base / "empty"

    def lower_dirs(self) -> list[Path]:
        return [self.layers_dir / h / "diff" for h in self.lower_hexes]

    def root_mode(self) -> int:
        """The mode of the lower layers' root directory (the image's ``/``)."""
        return image_root_mode(read_root_mode(self.layers_dir / h) for h in self.lower_hexes[::-1])

    def rootfs(self, driver: str, *, readonly: bool = False) -> Rootfs:
        from hutch.runtime.spec import Rootfs  # only on a cache miss

        fresh = not self.upper.exists()  # a stage's shared upper keeps what its steps did
        for d in (self.upper, self.work, self.merged):
            d.mkdir(parents=True, exist_ok=True)
        if fresh:
            os.chmod(self.upper, self.root_mode())
        lowers = tuple(f"{h}/diff" for h in self.lower_hexes)
        if not lowers:
            # overlay needs a lower dir; scratch gets an empty one (absolute paths
            # work too: the monitor only chdirs to lower_base).
            self.empty_lower.mkdir(exist_ok=True)
            lowers = (str(self.empty_lower),)
        return Rootfs(
            kind=driver,
            target=str(self.merged),
            lowers=lowers,
            lower_base=str(self.layers_dir),
            upper=str(self.upper),
            work=str(self.work),
            readonly=readonly,
        )


def work_root(
    tmp: Path, layers_dir: Path, layers: Sequence[LayerInfo], upper: Path | None = None
) -> WorkRoot:
    hexes = tuple(layer.diff_id.split(":", 1)[1] for layer in reversed(layers))
    return WorkRoot(tmp, upper or tmp / "upper", layers_dir, hexes)


def is_empty(directory: Path) -> bool:
    try:
        return not any(directory.iterdir())
    except FileNotFoundError:
        return True
