"""The image-pull flags of ``run``/``create``: when to pull and which platform."""

from __future__ import annotations

from dataclasses import dataclass

PULL_POLICIES = ("missing", "always", "never", "newer")


@dataclass(frozen=True)
class ImagePullOptions:
    policy: str = "missing"  # missing, always, never, newer (podman's --pull)
    platform: str | None = None
    arch: str | None = None
    os: str | None = None
    variant: str | None = None
    quiet: bool = False
