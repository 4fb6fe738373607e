"""The ``image`` volume driver's options (``volume create --driver image -o image=IMG``).

An image volume is an overlay of an image's layers with its changes kept in
the volume (engine/image_volumes.py mounts it); the only option is the image,
as in podman, whose words the refusals use.
"""

from __future__ import annotations

from hutch.api.errors import InvalidArgument

DRIVER = "image"


def parse_image_volume_options(items: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """``-o image=IMG`` and nothing else; the options as ``inspect`` shows them."""
    image = ""
    for item in items:
        key, sep, value = item.partition("=")
        if key != "image" or not sep:
            raise InvalidArgument(f"invalid mount option {key} for driver 'image'")
        image = value  # a later image= wins, as in podman
    if not image:
        raise InvalidArgument(
            "must provide an image name when creating a volume with the image driver"
        )
    return (("image", image),)
