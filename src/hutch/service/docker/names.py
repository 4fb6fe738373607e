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


def qualified(name: str) -> str:
    """Docker's ``ParseNormalizedNamed`` for a client's name: a name whose first part
    is no registry (no dot or port, not localhost) is on Docker Hub, under
    ``library/`` when it has no slash. podman's compat API does the same, whatever
    registries.conf says about short names for the CLI."""
    first, slash, _ = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        return name
    return (_HUB if slash else _OFFICIAL) + name


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
