"""``hutch.Client``: the engine's nouns with script-friendly verbs.

The nouns' modules are imported on first use of each attribute: the API
service keeps one client per connection thread, and a ``/_ping`` answered
through it must not load the container, image and network clients.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hutch.api.engine import Engine
    from hutch.api.events import Event
    from hutch.api.system import InfoReport
    from hutch.client.containers import ContainerClient
    from hutch.client.images import ImageClient
    from hutch.client.networks import NetworkClient, VolumeClient


class Client:
    """hutch in this process: ``containers``, ``images``, ``networks``, ``volumes``.

    ``Client()`` uses the user's storage and settings, as the ``hutch``
    command does; its arguments are the command's global flags (``--root``,
    ``--runroot``, ``--storage-driver``, ``--cgroup-manager``,
    ``--events-backend``). The engine is built on the first call. One client
    per thread: the engine's database connection belongs to the thread that
    opened it.
    """

    def __init__(
        self,
        root: str | None = None,
        runroot: str | None = None,
        storage_driver: str | None = None,
        cgroup_manager: str | None = None,
        events_backend: str | None = None,
    ) -> None:
        self._settings = (root, runroot, storage_driver, cgroup_manager, events_backend)
        self._given: Engine | None = None

    @classmethod
    def from_engine(cls, engine: Engine) -> Client:
        """A client over an engine built elsewhere (the API service, tests)."""
        client = cls()
        client._given = engine
        return client

    @cached_property
    def engine(self) -> Engine:
        """The engine itself (``hutch.api.engine.Engine``): every verb, with its options."""
        if self._given is not None:
            return self._given
        from hutch.client.local import local_engine

        return local_engine(*self._settings)

    @cached_property
    def containers(self) -> ContainerClient:
        from hutch.client.containers import ContainerClient

        return ContainerClient(self.engine.containers)

    @cached_property
    def images(self) -> ImageClient:
        from hutch.client.images import ImageClient

        return ImageClient(self.engine.images)

    @cached_property
    def networks(self) -> NetworkClient:
        from hutch.client.networks import NetworkClient

        return NetworkClient(self.engine.networks)

    @cached_property
    def volumes(self) -> VolumeClient:
        from hutch.client.networks import VolumeClient

        return VolumeClient(self.engine.volumes)

    def info(self) -> InfoReport:
        """``hutch info``: the host, the store and the registries."""
        return self.engine.system.info()

    def events(
        self,
        filters: Sequence[str] = (),
        since: str | None = None,
        until: str | None = None,
        stream: bool = False,
    ) -> Iterator[Event]:
        """The recorded events (``stream``: keep waiting for new ones)."""
        from hutch.api.events import EventsOptions

        return self.engine.system.events(EventsOptions(tuple(filters), since, until, stream))
