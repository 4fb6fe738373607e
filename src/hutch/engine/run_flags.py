"""Checks of the run/create flags that only podman's rules decide (issue 15).

``check`` runs in ``parse_create``, before the image is looked up or pulled,
so a bad value fails with exit 125 and podman's words and never pulls.
"""

from __future__ import annotations

from hutch.api.container_config import RunOptions
from hutch.api.errors import InvalidArgument


def check(options: RunOptions) -> None:
    for item in options.env_merge:
        key, sep, _value = item.partition("=")
        if not key or not sep:
            raise InvalidArgument(f"--env-merge {item!r}: expected NAME=VALUE")
