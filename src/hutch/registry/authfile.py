"""Credentials: ``auth.json`` (containers), Docker's ``config.json``, credential helpers.

Lookup follows containers-auth.json(5): the files are read in order
(``$REGISTRY_AUTH_FILE`` or ``--authfile`` alone when given; otherwise
``$XDG_RUNTIME_DIR/containers/auth.json``, ``$XDG_CONFIG_HOME/containers/auth.json``,
``$DOCKER_CONFIG/config.json`` or ``~/.docker/config.json``), and in each file
the most specific key wins: ``host/ns/repo``, then ``host/ns``, then ``host``.
``login`` writes the first file of the list.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hutch.api.errors import InvalidArgument
from hutch.registry.errors import RegistryError

DOCKER_HUB_KEYS = ("docker.io", "index.docker.io", "https://index.docker.io/v1/")


@dataclass(frozen=True)
class Credentials:
    username: str = ""
    password: str = ""
    identity_token: str = ""

    @property
    def empty(self) -> bool:
        return not (self.username or self.password or self.identity_token)


def auth_files(env: Mapping[str, str], authfile: str | None = None) -> list[Path]:
    """The files to read, in order; the first is where ``login`` writes."""
    explicit = authfile or env.get("REGISTRY_AUTH_FILE")
    if explicit:
        return [Path(explicit)]
    home = Path(env.get("HOME") or Path.home())
    files = []
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime:
        files.append(Path(runtime) / "containers" / "auth.json")
    config_home = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
    files.append(config_home / "containers" / "auth.json")
    docker = Path(env["DOCKER_CONFIG"]) if env.get("DOCKER_CONFIG") else home / ".docker"
    files.append(docker / "config.json")
    return files


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except OSError as exc:  # the reason in words, not Python's "[Errno 20] ..." repr
        reason = (exc.strerror or str(exc)).lower()
        raise InvalidArgument(f"cannot read credentials from {path}: {reason}") from None
    except ValueError as exc:
        raise InvalidArgument(f"cannot read credentials from {path}: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidArgument(f"cannot read credentials from {path}: not a JSON object")
    return data


def _keys(registry: str, repository: str | None) -> list[str]:
    """Keys to look up, most specific first."""
    keys: list[str] = []
    if repository:
        parts = repository.split("/")
        for n in range(len(parts), 0, -1):
            keys.append(f"{registry}/{'/'.join(parts[:n])}")
    keys.append(registry)
    if registry == "docker.io":
        keys += [k for k in DOCKER_HUB_KEYS if k != registry]
    return keys


def _normalise_key(key: str) -> str:
    # Docker writes "https://host/v1/"; compare on the bare host.
    for prefix in ("https://", "http://"):
        if key.startswith(prefix):
            key = key[len(prefix) :].split("/", 1)[0]
    return key


def decode_entry(entry: object, where: str) -> Credentials:
    if not isinstance(entry, dict):
        raise InvalidArgument(f"{where}: an auths entry must be an object")
    token = entry.get("identitytoken") or ""
    auth = entry.get("auth")
    if not auth:
        return Credentials(identity_token=str(token))
    try:
        user, sep, password = base64.b64decode(str(auth), validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        raise InvalidArgument(f"{where}: the auth value is not base64 of user:password") from None
    if not sep:
        raise InvalidArgument(f"{where}: the auth value is not user:password")
    return Credentials(user, password, str(token))


def encode_entry(creds: Credentials) -> dict[str, str]:
    return {"auth": base64.b64encode(f"{creds.username}:{creds.password}".encode()).decode()}


def find_in_doc(
    doc: Mapping[str, Any], registry: str, repository: str | None, where: str
) -> Credentials | str | None:
    """Credentials of ``doc`` for the registry, the name of a helper to ask, or None."""
    helpers = doc.get("credHelpers") or {}
    auths = {_normalise_key(k) if k.startswith("http") else k: v for k, v in _auths(doc).items()}
    for key in _keys(registry, repository):
        if key in auths:
            return decode_entry(auths[key], where)
        if isinstance(helpers, dict) and isinstance(helpers.get(key), str):
            return str(helpers[key])
    store = doc.get("credsStore")
    return str(store) if isinstance(store, str) and store else None


def _auths(doc: Mapping[str, Any]) -> dict[str, Any]:
    auths = doc.get("auths") or {}
    return auths if isinstance(auths, dict) else {}


def helper_get(helper: str, registry: str) -> Credentials:
    """Ask ``docker-credential-<helper> get`` (protocol of docker-credential-helpers)."""
    try:
        proc = subprocess.run(
            [f"docker-credential-{helper}", "get"],
            input=registry.encode(),
            capture_output=True,
            timeout=60,
            check=False,
        )
    except FileNotFoundError:
        raise RegistryError(f"credential helper docker-credential-{helper} not found") from None
    if proc.returncode != 0:
        out = proc.stdout.decode(errors="replace").strip()
        if "credentials not found" in out.lower():
            return Credentials()
        raise RegistryError(f"credential helper {helper} failed: {out or proc.returncode}")
    try:
        data = json.loads(proc.stdout)
    except ValueError:
        raise RegistryError(f"credential helper {helper} printed something not JSON") from None
    user = str(data.get("Username") or "")
    secret = str(data.get("Secret") or "")
    if user == "<token>":
        return Credentials(identity_token=secret)
    return Credentials(user, secret)


def lookup(
    files: Sequence[Path], registry: str, repository: str | None = None
) -> Credentials | None:
    """The credentials for ``registry`` (and repository), from the first file that has some."""
    for path in files:
        found = find_in_doc(_read(path), registry, repository, str(path))
        if isinstance(found, Credentials):
            return found
        if isinstance(found, str):
            creds = helper_get(found, registry)
            if not creds.empty:
                return creds
    return None


def store(path: Path, key: str, creds: Credentials) -> None:
    """Record credentials for ``key`` (a registry, or registry/repository) atomically."""
    doc = _read(path)
    auths = _auths(doc)
    auths[key] = encode_entry(creds)
    doc["auths"] = auths
    _write(path, doc)


def remove(path: Path, key: str | None) -> bool:
    """Forget ``key`` (None: every entry); whether something was removed."""
    doc = _read(path)
    auths = _auths(doc)
    if key is None:
        removed = bool(auths)
        auths = {}
    else:
        matching = [k for k in auths if k == key or _normalise_key(k) == key]
        removed = bool(matching)
        for k in matching:
            del auths[k]
    if removed:
        doc["auths"] = auths
        _write(path, doc)
    return removed


def _write(path: Path, doc: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(doc, f, indent=4)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
