"""Images to and from archives and layouts: docker-archive, oci-archive, oci dir, dir."""

from __future__ import annotations

from hutch.api.errors import InvalidArgument
from hutch.api.reports_images import PushReport
from hutch.engine.context import EngineContext
from hutch.store.images import ImageRecord


def write_transport(
    ctx: EngineContext, image: ImageRecord, destination: str, source_name: str
) -> PushReport:
    """Write ``image`` to ``TRANSPORT:PATH`` (push to a non-registry destination)."""
    raise InvalidArgument(f"{destination}: transport not supported yet")
