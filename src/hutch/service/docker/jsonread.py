"""Typed reads of an untrusted JSON body: a wrong type is one clear error.

Docker clients send every field (often as ``null`` or a zero value), and
Docker ignores fields it does not know; so an absent key, ``null`` and a
zero value all read as "not given", and unknown keys are never an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hutch.api.errors import InvalidArgument


class Body:
    """One JSON object of a request (``where`` names it in messages: ``HostConfig``)."""

    def __init__(self, value: object, where: str) -> None:
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise InvalidArgument(f"{where}: expected a JSON object, got {_kind(value)}")
        self.value: Mapping[str, Any] = value
        self.where = where

    def _path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def given(self, key: str) -> bool:
        """The key is there with a value that is not null, zero, false or empty."""
        return bool(self.value.get(key))

    def text(self, key: str) -> str:
        value = self.value.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise InvalidArgument(f"{self._path(key)}: expected a string, got {_kind(value)}")
        return value

    def number(self, key: str) -> int:
        value = self.value.get(key)
        if value is None:
            return 0
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidArgument(f"{self._path(key)}: expected an integer, got {_kind(value)}")
        return value

    def optional_number(self, key: str) -> int | None:
        return None if self.value.get(key) is None else self.number(key)

    def flag(self, key: str) -> bool:
        value = self.value.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise InvalidArgument(f"{self._path(key)}: expected true or false, got {_kind(value)}")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of strings (Docker's ``[]string``; a lone string is one item, as Go's
        ``StrSlice`` takes it)."""
        value = self.value.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InvalidArgument(f"{self._path(key)}: expected a list of strings")
        return tuple(value)

    def optional_texts(self, key: str) -> tuple[str, ...] | None:
        """As ``strs``, but null (absent) and ``[]`` differ (Entrypoint, Cmd)."""
        return None if self.value.get(key) is None else self.texts(key)

    def text_map(self, key: str) -> dict[str, str]:
        value = self.value.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise InvalidArgument(f"{self._path(key)}: expected an object of strings")
        return dict(value)

    def keys_of(self, key: str) -> tuple[str, ...]:
        """The keys of an object whose values do not matter (``{"80/tcp": {}}``)."""
        value = self.value.get(key)
        if value is None:
            return ()
        if not isinstance(value, dict):
            raise InvalidArgument(f"{self._path(key)}: expected a JSON object, got {_kind(value)}")
        return tuple(str(k) for k in value)

    def obj(self, key: str) -> Body:
        return Body(self.value.get(key), self._path(key))

    def objs(self, key: str) -> list[Body]:
        value = self.value.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise InvalidArgument(f"{self._path(key)}: expected a list, got {_kind(value)}")
        return [Body(v, f"{self._path(key)}[{i}]") for i, v in enumerate(value)]

    def obj_map(self, key: str) -> dict[str, Body]:
        value = self.value.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise InvalidArgument(f"{self._path(key)}: expected a JSON object, got {_kind(value)}")
        return {str(k): Body(v, f"{self._path(key)}.{k}") for k, v in value.items()}

    def obj_lists(self, key: str) -> dict[str, list[Body]]:
        """An object of lists of objects (``PortBindings``); a null list is empty."""
        value = self.value.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise InvalidArgument(f"{self._path(key)}: expected a JSON object, got {_kind(value)}")
        out: dict[str, list[Body]] = {}
        for name, items in value.items():
            where = f"{self._path(key)}.{name}"
            if items is not None and not isinstance(items, list):
                raise InvalidArgument(f"{where}: expected a list, got {_kind(items)}")
            out[str(name)] = [Body(v, f"{where}[{i}]") for i, v in enumerate(items or [])]
        return out


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"
