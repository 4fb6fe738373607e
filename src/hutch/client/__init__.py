"""hutch's Python API: ``hutch.Client()``, a typed façade over the engine.

    import hutch
    from hutch.client.containers import run_options

    client = hutch.Client()  # the same storage and settings as the ``hutch`` command
    client.images.pull("docker.io/library/busybox:latest")
    result = client.containers.run(run_options("busybox", ["echo", "hi"], remove=True))
    print(result.exit_code)

Every call runs the engine in this process (no daemon), exactly as the CLI
does; failures raise ``hutch.api.errors.HutchError`` subclasses
(``NoSuchObject``, ``Conflict``, ``InvalidArgument``...). docs/python-api.md
describes it.

``Client`` is loaded on first use: the CLI imports this package for its
engine factory (``hutch.client.local``) and nothing more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hutch.client.client import Client


def __getattr__(name: str) -> Any:
    if name == "Client":
        from hutch.client.client import Client

        return Client
    raise AttributeError(f"module 'hutch.client' has no attribute {name!r}")


__all__ = ["Client"]
