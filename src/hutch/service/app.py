"""The router with every family of endpoints (one ``routes_*`` module each)."""

from __future__ import annotations

from hutch.service import (
    routes_attach,
    routes_build,
    routes_container_io,
    routes_containers,
    routes_exec,
    routes_images,
    routes_networks,
    routes_system,
    routes_volumes,
)
from hutch.service.router import Router


def build_router() -> Router:
    router = Router()
    for module in (
        routes_system,
        routes_containers,
        routes_container_io,
        routes_attach,
        routes_exec,
        routes_images,
        routes_build,
        routes_networks,
        routes_volumes,
    ):
        module.register(router)
    return router
