"""The engine of this process, built from the user's paths and layered settings.

``hutch.Client()`` builds its engine here, with the command's global flags,
through the engine's one factory (``engine.engine.user_engine``), which the
CLI (``cli/state.py``) and so the API service use too: a script, the command
and the service see the same store and settings. Everything is imported when
the first call needs it, so that ``import hutch`` loads none of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hutch.api.engine import Engine


def local_engine(
    root: str | None = None,
    runroot: str | None = None,
    storage_driver: str | None = None,
    cgroup_manager: str | None = None,
    events_backend: str | None = None,
) -> Engine:
    """A new engine over the user's storage; the arguments are the global flags
    ``--root``, ``--runroot``, ``--storage-driver``, ``--cgroup-manager`` and
    ``--events-backend``, which win over the settings files (``InvalidArgument``
    for a manager or backend hutch does not know)."""
    from hutch.engine.engine import user_engine

    return user_engine(root, runroot, storage_driver, cgroup_manager, events_backend)
