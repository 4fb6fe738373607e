"""hutch's Python API: ``hutch.Client()``, a typed façade over the engine.

    import hutch

    client = hutch.Client()  # the same storage and settings as the ``hutch`` command
    client.images.pull("docker.io/library/busybox:latest")
    result = client.containers.run("busybox", ["echo", "hi"], remove=True)
    print(result.exit_code)

Every call runs the engine in this process (no daemon), exactly as the CLI
does; failures raise ``hutch.api.errors.HutchError`` subclasses
(``NoSuchObject``, ``Conflict``, ``InvalidArgument``...). docs/python-api.md
describes it.
"""

from hutch.client.client import Client

__all__ = ["Client"]
