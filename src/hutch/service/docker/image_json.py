"""Images as Docker shows them: ``GET /images/json``, ``/images/{name}/json``,
``/images/{name}/history``, and the answers of DELETE and prune."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hutch.api.common import PruneReport
from hutch.api.images import HistoryLine, ImageInspect, ImageSummary, RemoveReport, SearchResult
from hutch.service.docker.container_json import image_id
from hutch.service.docker.names import familiar, repo_digest
from hutch.service.docker.timefmt import seconds_of

JSON = dict[str, Any]


def image_list_item(image: ImageSummary, digests: bool = True) -> JSON:
    """One item of ``GET /images/json`` (Docker 20.10's ``<none>`` placeholders for an
    untagged image)."""
    tags = [familiar(n) for n in image.names]
    repo_digests = [repo_digest(n, image.digest) for n in image.names] if image.digest else []
    return {
        "Containers": image.containers,
        "Created": int(image.created),
        "Id": image_id(image.id),
        "Labels": dict(image.labels) or None,
        "ParentId": "",
        "RepoDigests": (repo_digests or ["<none>@<none>"]) if digests else None,
        "RepoTags": tags or ["<none>:<none>"],
        "SharedSize": -1,
        "Size": image.size,
        "VirtualSize": image.size,
    }


def image_inspect(report: ImageInspect) -> JSON:
    """``GET /images/{name}/json``: Docker's keys, in its order."""
    config = dict(report.stored_config or report.config)  # Docker's keys too
    for key in ("Env", "Cmd", "Entrypoint"):
        config.setdefault(key, None)
    config.setdefault("Labels", report.labels)
    return {
        "Id": image_id(report.id),
        "RepoTags": [familiar(n) for n in report.repo_tags],
        "RepoDigests": [repo_digest(n, report.digest) for n in report.repo_tags]
        if report.digest
        else [],
        "Parent": report.parent,
        "Comment": report.comment,
        "Created": report.created,
        "Container": "",
        "ContainerConfig": {},
        "DockerVersion": "",
        "Author": report.author,
        "Config": config,
        "Architecture": report.architecture,
        "Os": report.os,
        "Size": report.size,
        "VirtualSize": report.virtual_size,
        "GraphDriver": {"Data": report.graph_driver.data, "Name": report.graph_driver.name},
        "RootFS": {"Type": report.root_fs.type, "Layers": list(report.root_fs.layers)},
        "Metadata": {"LastTagTime": "0001-01-01T00:00:00Z"},
    }


def image_history(lines: Sequence[HistoryLine], tags: Sequence[str] = ()) -> list[JSON]:
    """``GET /images/{name}/history``: newest first; the top entry carries the tags."""
    out = []
    for index, line in enumerate(lines):
        out.append(
            {
                "Id": line.id if line.id == "<missing>" else image_id(line.id),
                "Created": seconds_of(line.created),
                "CreatedBy": line.created_by,
                "Tags": [familiar(t) for t in tags] if index == 0 and tags else None,
                "Size": line.size,
                "Comment": line.comment,
            }
        )
    return out


def image_delete(reports: Sequence[RemoveReport]) -> list[JSON]:
    """``DELETE /images/{name}``: ``[{"Untagged": ...}, {"Deleted": "sha256:..."}]``."""
    out: list[JSON] = []
    for report in reports:
        out += [{"Untagged": familiar(name)} for name in report.untagged]
        out += [{"Deleted": image_id(i)} for i in report.deleted]
    return out


def image_prune(reports: Sequence[PruneReport]) -> JSON:
    """``POST /images/prune``."""
    done = [r for r in reports if r.error is None]
    return {
        "ImagesDeleted": [{"Deleted": image_id(r.id)} for r in done] or None,
        "SpaceReclaimed": sum(r.size for r in done),
    }


def search_result(result: SearchResult) -> JSON:
    """One item of ``GET /images/search``."""
    return {
        "description": result.description,
        "is_official": result.official,
        "is_automated": result.automated,
        "name": result.name,
        "star_count": result.stars,
    }
