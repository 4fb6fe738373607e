"""Where the user networks keep their run-time files.

Apart from engine/networks.py so that ``rm`` can look whether it has names to
refresh without loading the network code (its records, address pools, helpers):
only a user with a network that serves names has anything to refresh.
"""

from __future__ import annotations

from pathlib import Path

from hutch.engine.context import EngineContext


def rundir(ctx: EngineContext) -> Path:
    return ctx.paths.runtime / "netns"


def serves_names(ctx: EngineContext) -> bool:
    """Whether a user network serves names (``networks.publish_dns``), which a removed
    container's addresses leave (``networks.after_remove``)."""
    return (rundir(ctx) / "dns.json").exists()
