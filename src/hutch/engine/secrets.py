"""Secrets: the ``secret`` verbs, and the secrets a new container is given.

The store (store/secrets.py) keeps a record and the data of each secret. A
container gets a copy of each secret it names when it is created (podman's
rule: a secret changed or removed later does not change the container):
a mounted one is written to ``userdata/secrets/NAME`` with its uid, gid and
mode and bound read-only at its target; an env one is set in the bundle's
environment only, not in the recorded config, so ``inspect`` does not show
its value.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from hutch.api.containers import ActionReport
from hutch.api.errors import HutchError, InvalidArgument, NoSuchObject
from hutch.api.secrets import SecretCreateOptions, SecretInfo
from hutch.engine.context import EngineContext
from hutch.engine.secret_refs import SecretRef
from hutch.runtime.ids import IdMapEntry
from hutch.runtime.spec import Mount, Spec
from hutch.store.secrets import SecretRecord, SecretStore, check_name, check_size
from hutch.util.atomic import write_atomic

DRIVERS = ("file",)


def store_of(ctx: EngineContext) -> SecretStore:
    return SecretStore(ctx.paths.secrets)


def parse_pairs(items: Sequence[str], what: str) -> tuple[tuple[str, str], ...]:
    """KEY=VALUE items (``--driver-opts`` also takes a comma list, as pflag's map does)."""
    out: dict[str, str] = {}
    for item in items:
        for part in item.split(",") if what == "driver option" else (item,):
            key, sep, value = part.partition("=")
            if what == "driver option" and not sep:
                raise InvalidArgument(f"{part} must be formatted as key=value")
            if what == "label":
                from hutch.engine.run_flags import check_labels

                check_labels((part,))  # podman's words
            if not key:
                raise InvalidArgument(f"invalid {what} {part!r}: the key is empty")
            out[key] = value
    return tuple(out.items())


class SecretService:
    """``engine.secrets`` (``hutch.api.secrets.Secrets``)."""

    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx
        self._store = store_of(ctx)

    def create(self, options: SecretCreateOptions) -> str:
        check_name(options.name)
        check_size(options.data)
        if options.ignore and options.replace:
            raise InvalidArgument("ignoreIfExists and replace cannot be used together")
        # podman's flags take their defaults from containers.conf's [secrets]
        settings = self._ctx.settings
        driver = options.driver or settings.secret_driver or "file"
        if driver not in DRIVERS:
            if driver in ("pass", "shell"):
                raise InvalidArgument(
                    f"secret driver {driver!r} is not available in hutch: use file"
                )
            raise InvalidArgument("invalid driver")
        given = options.driver_options or settings.secret_options
        driver_options = dict(parse_pairs(given, "driver option"))
        path = driver_options.setdefault("path", str(self._store.default_data_dir))
        if not os.path.isabs(path):
            raise InvalidArgument(f"path must be absolute: {path}: invalid secrets path")
        labels = parse_pairs(options.labels, "label")
        with self._store.locked():
            old = self._store.by_name(options.name)
            if old is not None and options.ignore:
                return old.id
            if old is not None and not options.replace:
                raise InvalidArgument(f"{options.name}: secret name in use")
            now = time.time()
            record = SecretRecord(
                id=self._store.new_id(),
                name=options.name,
                driver=driver,
                created=old.created if old is not None else now,
                updated=now,
                driver_options=tuple(driver_options.items()),
                labels=labels,
            )
            self._store.put(record, options.data)
            if old is not None:
                self._store.delete(old)
        self._event("create", record.id)
        return record.id

    def ls(self, filters: Sequence[str]) -> list[SecretInfo]:
        wanted = _parse_filters(filters)
        with self._store.locked():
            found = self._store.all()
        return [_info(r) for r in found if _matches(r, wanted)]

    def inspect(self, name: str, show_secret: bool) -> SecretInfo:
        with self._store.locked():
            record = self._store.find(name)
            data = self._store.data(record) if show_secret else None
        return _info(record, data)

    def remove(self, names: Sequence[str], all: bool, ignore: bool) -> list[ActionReport]:
        reports = []
        with self._store.locked():
            targets = [r.id for r in self._store.all()] if all else list(names)
            for name in targets:
                try:
                    record = self._store.find(name)
                except NoSuchObject as e:
                    if not ignore:
                        reports.append(ActionReport(name, error=str(e)))
                    continue
                except HutchError as e:
                    reports.append(ActionReport(name, error=str(e)))
                    continue
                self._store.delete(record)
                reports.append(ActionReport(record.id, record.id))
        for report in reports:
            if report.error is None:
                self._event("remove", report.id)
        return reports

    def _event(self, action: str, secret_id: str) -> None:
        # podman's secret events carry the id only
        from hutch.engine.events import record

        logger = self._ctx.settings.events_logger
        record(self._ctx.paths if logger != "none" else None, "secret", action, secret_id)

    def exists(self, name: str) -> bool:
        with self._store.locked():
            try:
                self._store.find(name)
            except NoSuchObject:
                return False
        return True


def _info(record: SecretRecord, data: bytes | None = None) -> SecretInfo:
    return SecretInfo(
        id=record.id,
        name=record.name,
        driver=record.driver,
        created=record.created,
        updated=record.updated,
        driver_options=record.driver_options,
        labels=record.labels,
        data=data,
    )


def _parse_filters(items: Sequence[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise InvalidArgument(
                f"filter input must be in the form of filter=value: {item} is invalid"
            )
        key = key.lower()
        if key not in ("name", "id"):
            raise InvalidArgument(f"invalid filter {_quote(key)}")
        out.setdefault(key, []).append(value)
    return out


def _quote(text: str) -> str:
    import json

    return json.dumps(text)


def _search(pattern: str, text: str) -> bool:
    # podman's StringMatchRegexSlice: an unanchored regular expression; one that
    # does not compile matches nothing
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


def _matches(record: SecretRecord, wanted: dict[str, list[str]]) -> bool:
    values = {"name": record.name, "id": record.id}
    return all(any(_search(p, values[key]) for p in patterns) for key, patterns in wanted.items())


# -- the secrets of a new container -------------------------------------------------


def _outside(maps: tuple[IdMapEntry, ...], inside: int) -> int:
    """The session id of container id ``inside`` (the identity without maps of its own)."""
    for entry in maps:
        if entry.inside <= inside < entry.inside + entry.count:
            return entry.outside + inside - entry.inside
    if maps:
        raise InvalidArgument(f"secret owner {inside} is not mapped in the container")
    return inside


def apply_secrets(
    ctx: EngineContext, refs: Sequence[SecretRef], spec: Spec, userdata: Path
) -> tuple[Spec, tuple[str, ...]]:
    """``spec`` with the secrets ``refs`` name (files bound read-only, variables set),
    and the id of each.

    Each secret is looked up now (a missing one fails the create in podman's
    words) and copied into the container's own directory.
    """
    store = store_of(ctx)
    mounts: list[Mount] = []
    env: dict[str, str] = {}
    ids: list[str] = []
    with store.locked():
        for ref in refs:
            record = store.find(ref.source)
            data = store.data(record)
            ids.append(record.id)
            if ref.kind == "env":
                env[ref.target] = data.decode("utf-8", "surrogateescape")
                continue
            directory = userdata / "secrets"
            directory.mkdir(mode=0o700, exist_ok=True)
            # numbered: two targets may share a last component
            path = directory / f"{len(mounts)}-{os.path.basename(ref.target)}"
            write_atomic(path, data, mode=0o600)
            uid = _outside(spec.userns.uid_map, ref.uid)
            gid = _outside(spec.userns.gid_map, ref.gid)
            # session id 0 is the caller: outside the session (no user
            # namespace joined) the file is already theirs
            if (uid, gid) != (0, 0) or os.getuid() == 0:
                try:
                    os.chown(path, uid, gid)
                except OSError as e:
                    raise InvalidArgument(
                        f"secret {ref.source}: cannot give its copy to {ref.uid}:{ref.gid}: "
                        f"{e.strerror}"
                    ) from None
            os.chmod(path, ref.mode)
            if spec.userns.uid_map:
                # the container's root must reach the file through the directory
                os.chmod(directory, 0o755)
            mounts.append(Mount("bind", ref.target, str(path), ("bind", "ro")))
    process = spec.process
    if env:
        kept = [e for e in process.env if e.partition("=")[0] not in env]
        process = replace(process, env=(*kept, *(f"{k}={v}" for k, v in env.items())))
    return replace(spec, process=process, mounts=spec.mounts + tuple(mounts)), tuple(ids)
