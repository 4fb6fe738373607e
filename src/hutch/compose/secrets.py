"""A service's ``secrets`` and ``configs`` -> the files its containers see (pure).

As ``docker compose`` does without a swarm: a ``file:`` source is bound
read-only at its target; an ``environment:`` or ``content:`` source is
written into the created container (a tar stream copied to ``/``) before it
starts, with the reference's ``uid``, ``gid`` and ``mode``. A secret lands
at ``/run/secrets/TARGET`` (TARGET defaults to its name; an absolute target
is used as it is), a config at ``/TARGET`` (default ``/NAME``).

An ``external: true`` secret (or one with only a ``name:``) is a hutch secret
(``hutch secret create``) of that ``name`` (default: its key): the container
gets it through ``--secret NAME,target=...,uid=,gid=,mode=``, as podman-compose
does with podman's secrets. External configs still need a swarm.
"""

from __future__ import annotations

import io
import os
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_KINDS = ("secrets", "configs")


@dataclass(frozen=True)
class SecretFile:
    kind: str  # secrets or configs
    name: str  # its key in the top-level section
    target: str  # absolute, in the container
    source: str | None  # a host file (bound), or None: ``content`` is written
    content: bytes = b""
    uid: int = 0
    gid: int = 0
    mode: int = 0o444
    owned: bool = False  # uid, gid or mode given (a bound file cannot have them)
    store_name: str = ""  # a hutch secret of this name (external): neither bound nor written


def _target(kind: str, ref: Mapping[str, Any]) -> str:
    target = str(ref.get("target") or ref["source"])
    if target.startswith("/"):
        return target
    return f"/run/secrets/{target}" if kind == "secrets" else f"/{target}"


def _mode(value: Any) -> int:
    # the schema allows a number (YAML reads 0440 as octal) or a string of octal digits
    return int(value, 8) if isinstance(value, str) else int(value)


def secret_files(
    service: Mapping[str, Any], model: Mapping[str, Any], environ: Mapping[str, str]
) -> list[SecretFile]:
    """The files of ``service``'s secrets and configs; ValueError names what cannot be."""
    out = []
    for kind in _KINDS:
        for ref in service.get(kind) or []:
            name = ref["source"]
            body = (model.get(kind) or {}).get(name) or {}
            what = f"{kind[:-1]} {name!r}"
            sourced = any(k in body for k in ("file", "environment", "content"))
            external = bool(body.get("external")) or ("name" in body and not sourced)
            if external and kind == "configs":
                raise ValueError(f"{what} is external: external {kind} need a swarm")
            owned = any(k in ref for k in ("uid", "gid", "mode"))
            common = {
                "kind": kind,
                "name": name,
                "target": _target(kind, ref),
                "uid": int(ref.get("uid", 0)),
                "gid": int(ref.get("gid", 0)),
                "mode": _mode(ref.get("mode", 0o444)),
                "owned": owned,
            }
            if external:
                store_name = str(body.get("name") or name)
                out.append(SecretFile(source=None, store_name=store_name, **common))
            elif "file" in body:
                out.append(SecretFile(source=str(body["file"]), **common))
            elif "environment" in body:
                variable = str(body["environment"])
                if variable not in environ:
                    raise ValueError(f"{what}: environment variable {variable} is not set")
                out.append(SecretFile(source=None, content=environ[variable].encode(), **common))
            elif "content" in body:
                out.append(SecretFile(source=None, content=str(body["content"]).encode(), **common))
            else:
                raise ValueError(f"{what} has no file, environment or content source")
    return out


def bind_volumes(files: list[SecretFile]) -> tuple[str, ...]:
    """``-v FILE:TARGET:ro`` of the file-backed ones."""
    return tuple(f"{f.source}:{f.target}:ro" for f in files if f.source is not None)


def secret_flags(files: list[SecretFile]) -> tuple[str, ...]:
    """``--secret NAME,target=...`` of the hutch secrets (external ones)."""
    return tuple(
        f"{f.store_name},target={f.target},uid={f.uid},gid={f.gid},mode={f.mode:o}"
        for f in files
        if f.store_name
    )


def tar_of(files: list[SecretFile]) -> bytes | None:
    """A tar of the written ones and their parent directories (None: there are none)."""
    written = [f for f in files if f.source is None and not f.store_name]
    if not written:
        return None
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        parents: set[str] = set()
        for item in written:
            parent = os.path.dirname(item.target.lstrip("/"))
            while parent:
                parents.add(parent)
                parent = os.path.dirname(parent)
        for parent in sorted(parents, key=lambda p: (p.count("/"), p)):  # outermost first
            directory = tarfile.TarInfo(parent)
            directory.type = tarfile.DIRTYPE
            directory.mode = 0o755
            tar.addfile(directory)
        for item in written:
            info = tarfile.TarInfo(item.target.lstrip("/"))
            info.size = len(item.content)
            info.mode = item.mode
            info.uid, info.gid = item.uid, item.gid
            tar.addfile(info, io.BytesIO(item.content))
    return buffer.getvalue()
