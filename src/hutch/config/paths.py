"""Where hutch keeps its files.

Storage lives under the user's data dir (``~/.local/share/hutch``), runtime
state under ``$XDG_RUNTIME_DIR/hutch`` or ``/tmp/hutch-$UID`` (mode 0700) where
no runtime dir exists, as on machines without logind.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from hutch.api.errors import HostNotReady

# the name a run's pid FIFO for its pasta starts with, in ``Paths.attach_sockets``
# (runtime/nethelper.py makes it; engine/system_check.py tells it from a socket)
PASTA_FIFO_PREFIX = "pasta-"


@dataclass(frozen=True)
class Paths:
    data: Path
    runtime: Path
    config: Path

    @property
    def storage(self) -> Path:
        return self.data / "storage"

    @property
    def database(self) -> Path:
        return self.storage / "hutch.db"

    @property
    def layers(self) -> Path:
        return self.storage / "layers"

    @property
    def blobs(self) -> Path:
        return self.storage / "blobs"

    @property
    def containers(self) -> Path:
        return self.storage / "containers"

    @property
    def tmp(self) -> Path:
        return self.storage / "tmp"

    @property
    def secrets(self) -> Path:
        return self.storage / "secrets"

    @property
    def artifacts(self) -> Path:
        """OCI artifacts (store/artifacts.py): an OCI layout apart from the images."""
        return self.storage / "artifacts"

    @property
    def attach_sockets(self) -> Path:
        """The containers' attach sockets, and a run's pid FIFO for its pasta
        (``PASTA_FIFO_PREFIX``) while the run sets its network up."""
        return self.runtime / "a"

    def attach_socket(self, container_id: str) -> Path:
        # Unix socket paths are limited to 108 bytes: keep this one short.
        return self.attach_sockets / container_id[:24]

    @property
    def session_pid(self) -> Path:
        return self.runtime / "session.pid"

    @property
    def session_lock(self) -> Path:
        return self.runtime / "session.lock"

    @property
    def settings_file(self) -> Path:
        return self.config / "hutch.toml"


def default_paths(root: str | None = None, runroot: str | None = None) -> Paths:
    """Resolve the directories from the environment (XDG variables, podman-style flags)."""
    from hutch.config.xdg import user_dir

    # Every path is absolute: the monitor and the cleanup run from "/". A
    # relative XDG variable is ignored, as the XDG base directory spec says.
    data = Path(root).absolute() if root else user_dir("XDG_DATA_HOME")
    config = user_dir("XDG_CONFIG_HOME")
    if runroot:
        runtime = Path(runroot).absolute()
    else:
        runtime = _runtime_dir(os.environ.get("XDG_RUNTIME_DIR") or "")
    return Paths(data=data, runtime=runtime, config=config)


def _runtime_dir(xdg_runtime: str) -> Path:
    """``$XDG_RUNTIME_DIR/hutch``; ``/tmp/hutch-$UID`` when it is unset or does not exist.

    One ``stat``, as ``isdir`` was. A runtime dir of another user (``su`` without
    ``-``, ``sudo -E``) is refused by name: hutch would fail later on a bare EACCES.
    """
    uid = os.getuid()
    if uid == 0 and os.environ.get("HUTCH_ROOTLESS_UID", "").isdigit():
        # under hutch unshare: the user's own directory, not root's
        uid = int(os.environ["HUTCH_ROOTLESS_UID"])
    fallback = Path(f"/tmp/hutch-{uid}")
    if not xdg_runtime or not os.path.isabs(xdg_runtime):
        return fallback
    try:
        info = os.stat(xdg_runtime)
    except OSError:
        return fallback
    if not stat.S_ISDIR(info.st_mode):
        return fallback
    if info.st_uid != os.getuid():
        raise HostNotReady(
            f"XDG_RUNTIME_DIR={xdg_runtime} belongs to uid {info.st_uid}, not to you "
            f"(uid {os.getuid()})",
            hint=f"fix: unset XDG_RUNTIME_DIR (hutch then uses {fallback}), or log in as this "
            "user (su - USER, machinectl shell USER@) so that it is your own",
        )
    return Path(xdg_runtime) / "hutch"


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` (mode 0700) and refuse one that another user owns."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    st = path.lstat()
    if st.st_uid != os.getuid():
        raise PermissionError(f"{path} is owned by uid {st.st_uid}, not by you")
