"""``/_ping`` and ``/version``: what every client asks first (version negotiation).

A module of their own that imports nothing of the engine's API: a service
started by socket activation answers them before loading any other family of
endpoints (router.py says how).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from hutch.service.reply import Reply, json_reply
from hutch.service.request import API_VERSION, MIN_API_VERSION

if TYPE_CHECKING:
    from hutch.service.context import ServiceContext
    from hutch.service.request import Request

_PING_HEADERS = (
    ("Builder-Version", "1"),  # the classic builder: clients send a tar context to /build
    ("Cache-Control", "no-cache, no-store, must-revalidate"),
    ("Pragma", "no-cache"),
)


def ping(ctx: ServiceContext, req: Request) -> Reply:
    return Reply(200, b"OK", content_type="text/plain; charset=utf-8", headers=_PING_HEADERS)


# podman --remote checks its server's API against its own minimum (4.0.0); hutch
# answers only /libpod/_ping and /libpod/build of podman's API
LIBPOD_API_VERSION = "4.3.1"


def libpod_ping(ctx: ServiceContext, req: Request) -> Reply:
    headers = (*_PING_HEADERS, ("Libpod-API-Version", LIBPOD_API_VERSION))
    return Reply(200, b"OK", content_type="text/plain; charset=utf-8", headers=headers)


def version(ctx: ServiceContext, req: Request) -> Reply:
    api = f"{API_VERSION[0]}.{API_VERSION[1]}"
    minimum = f"{MIN_API_VERSION[0]}.{MIN_API_VERSION[1]}"
    # os.uname and sys, not the platform module: the first /_ping of a socket-activated
    # service loads this module, and platform costs its start-up an import.
    host = os.uname()
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(host.machine, host.machine)
    details = {
        "ApiVersion": api,
        "MinAPIVersion": minimum,
        "Os": "linux",
        "Arch": arch,
        "KernelVersion": host.release,
        "GitCommit": "",
        "GoVersion": "python{}.{}.{}".format(*sys.version_info[:3]),
        "BuildTime": "",
        "Experimental": "false",
    }
    return json_reply(
        {
            "Platform": {"Name": "hutch"},
            "Components": [{"Name": "Engine", "Version": ctx.config.version, "Details": details}],
            "Version": ctx.config.version,
            **{k: v for k, v in details.items() if k != "Experimental"},
        }
    )
