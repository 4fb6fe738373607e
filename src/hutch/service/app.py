"""The router with every family of endpoints (one ``routes_*`` module each)."""

from __future__ import annotations

from hutch.service import (
    routes_build,
    routes_images,
    routes_networks,
    routes_system,
    routes_volumes,
)
from hutch.service.router import Router


def build_router() -> Router:
    router = Router()
    for module in (routes_system, routes_images, routes_build, routes_networks, routes_volumes):
        module.register(router)
    return router
