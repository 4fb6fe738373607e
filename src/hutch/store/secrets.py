"""The secrets of one user: a record per secret and its data, in files (mode 0600).

Layout under ``STORAGE/secrets`` (mode 0700), as podman keeps its own under
its storage root: ``records/ID.json`` holds the name, driver, driver
options, labels and times; the ``file`` driver keeps the bytes in
``filedriver/ID`` (or in the directory its ``path`` option names). Each
write goes to a temporary name first and is renamed into place, and every
change holds ``secrets.lock`` (flock), so two commands never give one name
to two secrets. No SQLite here: a secret is read by name at each create,
and files keep the data out of the database that ``inspect`` and ``ps`` read.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hutch.api.errors import Conflict, InvalidArgument, NoSuchObject
from hutch.util.atomic import write_atomic

ID_LENGTH = 25  # podman's secret ids: 25 hex digits
MAX_SIZE = 512000  # podman's limit (bytes, exclusive)
_FORBIDDEN = re.compile(r"[,/=\x00]")


@dataclass(frozen=True)
class SecretRecord:
    id: str
    name: str
    driver: str
    created: float
    updated: float
    driver_options: tuple[tuple[str, str], ...] = ()
    labels: tuple[tuple[str, str], ...] = ()

    def encode(self) -> bytes:
        return json.dumps(
            {
                "id": self.id,
                "name": self.name,
                "driver": self.driver,
                "created": self.created,
                "updated": self.updated,
                "driverOptions": dict(self.driver_options),
                "labels": dict(self.labels),
            },
            indent=1,
        ).encode()

    @classmethod
    def decode(cls, data: bytes) -> SecretRecord:
        raw = json.loads(data)
        return cls(
            id=str(raw["id"]),
            name=str(raw["name"]),
            driver=str(raw["driver"]),
            created=float(raw["created"]),
            updated=float(raw.get("updated", raw["created"])),
            driver_options=tuple((str(k), str(v)) for k, v in raw["driverOptions"].items()),
            labels=tuple((str(k), str(v)) for k, v in raw.get("labels", {}).items()),
        )


def check_name(name: str) -> None:
    """podman's rule (containers/common): 1 to 253 characters, none of ``= / ,`` or NUL."""
    if not name or len(name) > 253 or _FORBIDDEN.search(name):
        raise InvalidArgument(
            f"secret name {_go_quote(name)} can not include '=', '/', ',', or the '\\0' (NULL) "
            "and be between 1 and 253 characters: invalid secret name"
        )


def check_size(data: bytes) -> None:
    if not 0 < len(data) < MAX_SIZE:
        raise InvalidArgument(f"secret data must be larger than 0 and less than {MAX_SIZE} bytes")


def no_such_secret(name: str) -> NoSuchObject:
    return NoSuchObject(f"no secret with name or id {_go_quote(name)}: no such secret")


def _go_quote(text: str) -> str:
    # Go's %q of a printable string (the names podman prints are such)
    return json.dumps(text, ensure_ascii=False)


class SecretStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def records(self) -> Path:
        return self.root / "records"

    @property
    def default_data_dir(self) -> Path:
        return self.root / "filedriver"

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's lock (one writer at a time; readers take it too)."""
        self.records.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)
        fd = os.open(self.root / "secrets.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def all(self) -> list[SecretRecord]:
        """Every secret, oldest first (unreadable records are skipped)."""
        out = []
        try:
            entries = list(os.scandir(self.records))
        except FileNotFoundError:
            return []
        for entry in entries:
            if not entry.name.endswith(".json") or entry.name.startswith("."):
                continue
            try:
                out.append(SecretRecord.decode(Path(entry.path).read_bytes()))
            except (OSError, ValueError, KeyError, AttributeError):
                continue
        return sorted(out, key=lambda r: (r.created, r.id))

    def find(self, name_or_id: str) -> SecretRecord:
        """By exact name, then exact id, then a unique id prefix (podman's order)."""
        everything = self.all()
        for record in everything:
            if record.name == name_or_id:
                return record
        for record in everything:
            if record.id == name_or_id:
                return record
        if name_or_id:
            prefixed = [r for r in everything if r.id.startswith(name_or_id)]
            if len(prefixed) > 1:
                raise Conflict(
                    f"more than one result secret with prefix {name_or_id}: secret is ambiguous"
                )
            if prefixed:
                return prefixed[0]
        raise no_such_secret(name_or_id)

    def by_name(self, name: str) -> SecretRecord | None:
        return next((r for r in self.all() if r.name == name), None)

    def new_id(self) -> str:
        taken = {r.id for r in self.all()}
        while True:
            candidate = secrets.token_hex(32)[:ID_LENGTH]
            if candidate not in taken:
                return candidate

    def data_path(self, record: SecretRecord) -> Path:
        directory = dict(record.driver_options).get("path") or str(self.default_data_dir)
        return Path(directory) / record.id

    def put(self, record: SecretRecord, data: bytes) -> None:
        """Write the data, then the record (a record never names missing data)."""
        path = self.data_path(record)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomic(path, data, mode=0o600)
        write_atomic(self.records / f"{record.id}.json", record.encode(), mode=0o600)

    def data(self, record: SecretRecord) -> bytes:
        try:
            return self.data_path(record).read_bytes()
        except FileNotFoundError:
            raise NoSuchObject(
                f"getting secret {record.id}: no such secret (its data is gone)"
            ) from None

    def delete(self, record: SecretRecord) -> None:
        """The record first: a secret without its record is no secret."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.records / f"{record.id}.json")
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.data_path(record))
