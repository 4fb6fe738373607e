"""``images --sort``: a pure function over the rendered rows (the filters are
``api/image_filters.py``, shared with the Docker API)."""

from __future__ import annotations

from hutch.api.errors import InvalidArgument

TYPE_CHECKING = False  # typing costs ``images`` an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import Any

SORT_KEYS = ("created", "id", "repository", "size", "tag")


def sort_rows(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    if key not in SORT_KEYS:
        raise InvalidArgument(  # podman's words
            f'"{key}" is not a valid field for sorting. Choose from: {", ".join(SORT_KEYS)}'
        )
    if key == "created":
        return sorted(rows, key=lambda r: r["CreatedAt"].value, reverse=True)
    if key == "size":  # podman: the smallest first
        return sorted(rows, key=lambda r: int(str(r["VirtualSize"])))
    if key == "repository":  # podman: by repository, then tag
        return sorted(rows, key=lambda r: (str(r["Repository"]), str(r["Tag"])))
    field = {"id": "Id", "tag": "Tag"}[key]
    return sorted(rows, key=lambda r: str(r[field]))
