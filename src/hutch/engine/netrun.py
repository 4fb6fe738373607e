"""Where the user networks keep their run-time files, and what a removal does there.

Apart from engine/networks.py so that ``rm`` reaches them without loading the
network code (its records, address pools, helpers): only a user with a network
that serves names has anything to refresh.
"""

from __future__ import annotations

from pathlib import Path

from hutch.engine.context import EngineContext


def rundir(ctx: EngineContext) -> Path:
    return ctx.paths.runtime / "netns"


def after_remove(ctx: EngineContext) -> None:
    """A container went: its addresses went with it (cascade); refresh the names."""
    if (rundir(ctx) / "dns.json").exists():
        from hutch.engine.networks import publish_dns

        publish_dns(ctx)
