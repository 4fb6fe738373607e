"""Image names as Docker writes them (``busybox:latest``, Docker Hub prefixes dropped)."""

from __future__ import annotations

_HUB = "docker.io/"
_OFFICIAL = "docker.io/library/"


def familiar(name: str) -> str:
    """Docker's ``FamiliarString``: Docker Hub's prefixes dropped, other registries kept."""
    if name.startswith(_OFFICIAL) and "/" not in name[len(_OFFICIAL) :]:
        return name[len(_OFFICIAL) :]
    if name.startswith(_HUB):
        return name[len(_HUB) :]
    return name


def repo_digest(name: str, digest: str) -> str:
    """``busybox@sha256:...`` for the tagged name ``busybox:latest``."""
    last = name.rsplit("/", 1)[-1]
    repo = name.rsplit(":", 1)[0] if ":" in last else name
    return f"{familiar(repo)}@{digest}"


def split_tag(reference: str) -> tuple[str, str]:
    """``repo:tag`` -> (repo, tag); a digest or a port is not a tag; no tag -> ``latest``."""
    if "@" in reference:
        return reference, ""
    last = reference.rsplit("/", 1)[-1]
    if ":" in last:
        repo, _, tag = reference.rpartition(":")
        return repo, tag
    return reference, "latest"
