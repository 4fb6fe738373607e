"""``--secret NAME[,type=mount|env][,target=X][,uid=,gid=,mode=]`` of run/create (pure).

podman's rules (specgenutil): a bare NAME is a file at ``/run/secrets/NAME``;
options are KEY=VALUE after the name (or ``source=NAME`` anywhere); a relative
mount target goes under ``/run/secrets``; ``uid``, ``gid`` and ``mode`` (octal,
default 0444) belong to mounted secrets only; an env secret sets the variable
TARGET (default NAME). Checked in parse_create, before anything is pulled.
"""

from __future__ import annotations

from dataclasses import dataclass

from hutch.api.errors import InvalidArgument

SECRETS_DIR = "/run/secrets"


@dataclass(frozen=True)
class SecretRef:
    source: str  # the secret's name or id
    kind: str = "mount"  # mount or env
    target: str = ""  # mount: absolute path in the container; env: the variable
    uid: int = 0
    gid: int = 0
    mode: int = 0o444


def _error(detail: str) -> InvalidArgument:
    return InvalidArgument(f"{detail}: parsing secret")


def _number(key: str, value: str, base: int) -> int:
    try:
        number = int(value, base)
    except ValueError:
        raise _error(f"{key} {value} invalid") from None
    if not 0 <= number < 2**32:
        raise _error(f"{key} {value} invalid")
    return number


def parse_secret(text: str) -> SecretRef:
    parts = text.split(",")
    source, kind, target = "", "", ""
    uid, gid, mode, mount_only = 0, 0, 0o444, False
    if "=" not in parts[0]:
        source, parts = parts[0], parts[1:]
    for part in parts:
        key, sep, value = part.partition("=")
        if not sep:
            raise _error(f"option {part} must be in form option=value")
        if key == "source":
            source = value
        elif key == "type":
            if kind:
                raise _error("cannot set more than one secret type")
            if value not in ("mount", "env"):
                raise _error(f"type {value} is invalid")
            kind = value
        elif key == "target":
            target = value
        elif key == "mode":
            mode, mount_only = _number("mode", value, 8), True
        elif key in ("uid", "UID"):
            uid, mount_only = _number("UID", value, 10), True
        elif key in ("gid", "GID"):
            gid, mount_only = _number("GID", value, 10), True
        else:
            raise _error(f"option {part} invalid")
    if not source:
        raise _error(f"no source found {text}")
    kind = kind or "mount"
    if kind == "env":
        if mount_only:
            raise _error("UID, GID, Mode options cannot be set with secret type env")
        return SecretRef(source, "env", target or source)
    if not target:
        target = f"{SECRETS_DIR}/{source}"
    elif not target.startswith("/"):
        target = f"{SECRETS_DIR}/{target}"
    return SecretRef(source, "mount", target, uid, gid, mode)


def parse_secrets(texts: tuple[str, ...]) -> tuple[SecretRef, ...]:
    refs = tuple(parse_secret(t) for t in texts)
    seen: set[tuple[str, str]] = set()
    for ref in refs:
        if (ref.kind, ref.target) in seen:
            what = "environment variable" if ref.kind == "env" else "target"
            raise InvalidArgument(f"secret {what} {ref.target} is given twice")
        seen.add((ref.kind, ref.target))
    return refs
