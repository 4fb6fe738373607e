"""``network ls``, ``inspect`` and ``exists``: networks read from the store, with
their members.

The network part (engine/networks.py: create, rm, connect, and what a run needs of
its networks) inherits ``NetworkQuery``, and the engine builds it alone for these
verbs (engine/engine.py ``LightFirst``, ``NETWORK_LIST_VERBS``): that module loads the
run options' and the spec's classes, the address claim and the helpers' code, about a third of
``network ls``'s start (issue 16).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.api.network_records import NetworkMember, NetworkSummary
from hutch.engine import default_network
from hutch.engine.context import EngineContext
from hutch.engine.network_record import decode
from hutch.store.networks import NetworkStore


def store(ctx: EngineContext) -> NetworkStore:
    return NetworkStore(ctx.conn)


def _store_with_default(ctx: EngineContext) -> NetworkStore:
    """The store, with podman's default network in it (engine/default_network.py)."""
    networks = store(ctx)
    default_network.ensure(networks)
    return networks


def find(ctx: EngineContext, name: str) -> NetworkSummary:
    """The network (without its members); ``NoSuchObject`` when there is none."""
    return decode(_store_with_default(ctx).find(name))


def summary(ctx: EngineContext, record: NetworkSummary) -> NetworkSummary:
    """The network with its members."""
    names = {r.id: r.name for r in ctx.containers.all()}
    members = tuple(
        NetworkMember(
            a.container_id,
            names.get(a.container_id, ""),
            a.address,
            f"eth{a.position}",
            a.mac,
            a.aliases,
            a.address6,
        )
        for a in store(ctx).attachments(network=record.name)
    )
    return replace(record, members=members)


# the keys of network prune's --filter, and ls's with dangling (podman's)
_FILTER_KEYS = ("name", "id", "driver", "label", "label!", "until")


def _match(record: NetworkSummary, filters: Sequence[str]) -> bool:
    """Every key's test passes; a key given twice passes with any of its values
    (``name=a --filter name=b``: either), but labels must all match (podman's)."""
    by_key: dict[str, list[str]] = {}
    for item in filters:
        key, sep, value = item.partition("=")
        if not sep:
            raise InvalidArgument(f"invalid filter {item!r}: use KEY=VALUE")
        by_key.setdefault(key, []).append(value)
    for key, values in by_key.items():
        tests = [_test(record, key, value) for value in values]
        if not (all(tests) if key in ("label", "label!", "until") else any(tests)):
            return False
    return True


def _dangling(given: Sequence[str]) -> bool | None:
    """``--filter dangling=BOOL`` (Go's ParseBool words), once at most; podman's words."""
    if not given:
        return None
    if len(given) > 1:
        raise InvalidArgument('got more than one value for filter key "dangling"')
    value = given[0].partition("=")[2]
    if value in ("1", "t", "T", "true", "TRUE", "True"):
        return True
    if value in ("0", "f", "F", "false", "FALSE", "False"):
        return False
    raise InvalidArgument(f'invalid dangling filter value "{value}"')


def _test(record: NetworkSummary, key: str, value: str) -> bool:
    """One filter's test of one network."""
    if key == "name":
        return re.search(value, record.name) is not None
    if key == "id":
        return record.id.startswith(value)
    if key == "driver":
        return record.driver == value
    if key in ("label", "label!"):
        k, has_value, v = value.partition("=")
        labels = dict(record.labels)
        return (k in labels and (not has_value or labels[k] == v)) == (key == "label")
    if key == "until":
        from hutch.util.durations import parse_time  # the filter's only: not a run's import

        try:
            limit = parse_time(value)
        except ValueError:  # podman's words
            raise InvalidArgument(f'failed to parse value as time or duration: "{value}"') from None
        return record.created < limit
    raise InvalidArgument(f"invalid filter {key!r}: use name, id, driver, label, label! or until")


class NetworkQuery:
    """``ls``, ``inspect`` and ``exists`` of ``engine.networks``."""

    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    def ls(self, filters: Sequence[str]) -> list[NetworkSummary]:
        for item in filters:  # refused with no network to match too, as podman does
            if item.partition("=")[0] not in (*_FILTER_KEYS, "dangling"):
                raise InvalidArgument(f'invalid filter "{item.partition("=")[0]}"')
        dangling = _dangling([f for f in filters if f.startswith("dangling=")])
        rest = [f for f in filters if not f.startswith("dangling=")]
        records = [decode(r) for r in _store_with_default(self._ctx).all()]
        found = [r for r in records if _match(r, rest)]
        if dangling is not None:
            # dangling: no container attached to it (podman's network ls filter)
            users = store(self._ctx).attachments
            found = [r for r in found if (not users(network=r.name)) == dangling]
        return [summary(self._ctx, r) for r in found]

    def inspect(self, names: Sequence[str]) -> list[NetworkSummary]:
        return [summary(self._ctx, find(self._ctx, n)) for n in names]

    def exists(self, name: str) -> bool:
        try:
            _store_with_default(self._ctx).find(name)
        except NoSuchObject:
            return False
        return True
