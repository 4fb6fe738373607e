"""The runtime spec as JSON, so that an exec'd monitor can read it."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from hutch.runtime.spec import Mount, Process, Rootfs, Spec, User


def _tuple(value: Any) -> tuple[Any, ...]:
    return tuple(tuple(v) if isinstance(v, list) else v for v in value)


def spec_to_json(spec: Spec) -> bytes:
    return json.dumps(asdict(spec), separators=(",", ":")).encode()


def spec_from_json(raw: bytes) -> Spec:
    data = json.loads(raw)
    proc = data["process"]
    process = Process(
        args=tuple(proc["args"]),
        env=tuple(proc["env"]),
        cwd=proc["cwd"],
        user=User(proc["user"]["spec"]),
        terminal=proc["terminal"],
        stdin=proc["stdin"],
        capabilities=tuple(proc["capabilities"]),
        no_new_privileges=proc["no_new_privileges"],
    )
    r = data["rootfs"]
    rootfs = Rootfs(
        kind=r["kind"],
        target=r["target"],
        lowers=tuple(r["lowers"]),
        lower_base=r["lower_base"],
        upper=r["upper"],
        work=r["work"],
        readonly=r["readonly"],
    )
    mounts = tuple(
        Mount(m["kind"], m["destination"], m["source"], tuple(m["options"])) for m in data["mounts"]
    )
    return Spec(
        id=data["id"],
        hostname=data["hostname"],
        process=process,
        rootfs=rootfs,
        mounts=mounts,
        namespaces=tuple(data["namespaces"]),
        masked_paths=tuple(data["masked_paths"]),
        readonly_paths=tuple(data["readonly_paths"]),
        etc_files=_tuple(data["etc_files"]),
    )
