"""The router with every family of endpoints (one ``routes_*`` module each)."""

from __future__ import annotations

from hutch.service import routes_system
from hutch.service.router import Router


def build_router() -> Router:
    router = Router()
    for module in (routes_system,):
        module.register(router)
    return router
