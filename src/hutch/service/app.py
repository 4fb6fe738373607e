"""The route table: every endpoint, by family (one ``routes_*`` module each).

Handlers are named, not imported: a family's module is loaded when one of its
routes is first hit (router.py), so the first answer of a service started by
socket activation does not wait for the imports of all of them. The order
matters where patterns overlap: the first matching route wins
(``/containers/json`` before ``/containers/{id}/json``'s family).
"""

from __future__ import annotations

from hutch.service.router import Router

# (method, pattern, "MODULE:FUNCTION"); GET also answers HEAD.
ROUTES: tuple[tuple[str, str, str], ...] = (
    ("GET", "/_ping", "routes_ping:ping"),
    ("GET", "/version", "routes_ping:version"),
    ("GET", "/info", "routes_system:info"),
    ("GET", "/system/df", "routes_system:df"),
    ("GET", "/events", "routes_system:events"),
    ("POST", "/auth", "routes_system:auth"),
    ("GET", "/containers/json", "routes_containers:list_containers"),
    ("POST", "/containers/create", "routes_containers:create"),
    ("POST", "/containers/prune", "routes_containers:prune"),
    ("GET", "/containers/{id}/json", "routes_containers:inspect"),
    ("POST", "/containers/{id}/start", "routes_containers:start"),
    ("POST", "/containers/{id}/stop", "routes_containers:stop"),
    ("POST", "/containers/{id}/restart", "routes_containers:restart"),
    ("POST", "/containers/{id}/kill", "routes_containers:kill"),
    ("POST", "/containers/{id}/pause", "routes_containers:pause"),
    ("POST", "/containers/{id}/unpause", "routes_containers:unpause"),
    ("POST", "/containers/{id}/wait", "routes_containers:wait"),
    ("POST", "/containers/{id}/rename", "routes_containers:rename"),
    ("POST", "/containers/{id}/update", "routes_containers:update"),
    ("POST", "/containers/{id}/resize", "routes_containers:resize"),
    ("GET", "/containers/{id}/top", "routes_containers:top"),
    ("GET", "/containers/{id}/changes", "routes_containers:changes"),
    ("DELETE", "/containers/{id}", "routes_containers:remove"),
    ("GET", "/containers/{id}/logs", "routes_container_io:logs"),
    ("GET", "/containers/{id}/stats", "routes_container_io:stats"),
    ("GET", "/containers/{id}/archive", "routes_container_io:archive_get"),
    ("PUT", "/containers/{id}/archive", "routes_container_io:archive_put"),
    ("GET", "/containers/{id}/export", "routes_container_io:export"),
    ("POST", "/containers/{id}/attach", "routes_attach:attach"),
    ("POST", "/containers/{id}/exec", "routes_exec:create"),
    ("POST", "/exec/{id}/start", "routes_exec:start"),
    ("POST", "/exec/{id}/resize", "routes_exec:resize"),
    ("GET", "/exec/{id}/json", "routes_exec:inspect"),
    ("GET", "/images/json", "routes_images:list_images"),
    ("POST", "/images/create", "routes_images:create_image"),
    ("POST", "/images/load", "routes_images:load"),
    ("GET", "/images/get", "routes_images:save_many"),
    ("GET", "/images/search", "routes_images:search"),
    ("POST", "/images/prune", "routes_images:prune"),
    ("GET", "/images/{name:path}/json", "routes_images:inspect_image"),
    ("GET", "/images/{name:path}/history", "routes_images:history"),
    ("GET", "/images/{name:path}/get", "routes_images:save_one"),
    ("POST", "/images/{name:path}/push", "routes_images:push"),
    ("POST", "/images/{name:path}/tag", "routes_images:tag"),
    ("DELETE", "/images/{name:path}", "routes_images:delete"),
    ("POST", "/build", "routes_build:build"),
    ("POST", "/commit", "routes_build:commit"),
    ("GET", "/libpod/_ping", "routes_ping:libpod_ping"),
    ("POST", "/libpod/build", "routes_build:libpod_build"),
    ("GET", "/networks", "routes_networks:list_networks"),
    ("POST", "/networks/create", "routes_networks:create_network"),
    ("POST", "/networks/prune", "routes_networks:prune"),
    ("GET", "/networks/{id}", "routes_networks:inspect_network"),
    ("POST", "/networks/{id}/connect", "routes_networks:connect"),
    ("POST", "/networks/{id}/disconnect", "routes_networks:disconnect"),
    ("DELETE", "/networks/{id}", "routes_networks:delete"),
    ("GET", "/volumes", "routes_volumes:list_volumes"),
    ("POST", "/volumes/create", "routes_volumes:create_volume"),
    ("POST", "/volumes/prune", "routes_volumes:prune"),
    ("GET", "/volumes/{name}", "routes_volumes:inspect_volume"),
    ("DELETE", "/volumes/{name}", "routes_volumes:delete"),
)


def build_router() -> Router:
    router = Router()
    for method, pattern, target in ROUTES:
        if method == "GET":
            router.get(pattern, target)
        else:
            router.add(method, pattern, target)
    return router
