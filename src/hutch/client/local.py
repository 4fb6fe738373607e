"""The engine of this process, built as the CLI builds it (``cli/state.py``): the
user's paths and layered settings, imported only when the first call needs them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hutch.api.engine import Engine


def local_engine(
    root: str | None = None, runroot: str | None = None, storage_driver: str | None = None
) -> Engine:
    """A new engine over the user's storage (``root``/``runroot``: ``--root``/``--runroot``)."""
    from dataclasses import replace

    from hutch.config.paths import default_paths
    from hutch.config.settings import load_settings
    from hutch.engine.engine import LocalEngine

    paths = default_paths(root, runroot)
    settings = load_settings(paths.settings_file)
    if storage_driver:
        settings = replace(settings, storage_driver=storage_driver)
    return LocalEngine(paths, settings)
