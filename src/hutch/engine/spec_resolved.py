"""``generate spec``: what a container's create resolved, as podman's SpecGenerator
keys (spec_json.py has the options as given).

podman's document is the container's configuration turned back into a
SpecGenerator, so it holds what create resolved: the image's id (``image``;
the name as given is ``raw_image_name``), the environment with the image's and
the defaults' variables, the working directory and user, and the mounts made,
split as podman splits them: ``mounts`` (bind, tmpfs, devpts: the OCI mount's
``destination``, ``type``, ``source``, ``options``), ``volumes`` (named and
anonymous volumes, Go's field names ``Name``, ``Dest``, ``Options``,
``IsAnonymous``, ``SubPath``) and ``image_volumes`` (``--mount type=image``:
``Source``, ``Destination``, ``ReadWrite``, ``SubPath``), and the health check
it runs (``healthconfig``). hutch reads these from the container's record, so
the given ``-v``, ``--mount``, ``--tmpfs`` and ``--health-*`` values are not
repeated under ``"hutch"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hutch.engine.container_record import ContainerConfig

# RunOptions paths that the resolved keys say (left out of "hutch")
RESOLVED_PATHS = frozenset(
    {"volumes.volumes", "volumes.mounts", "volumes.tmpfs"}
    | {
        f"lifecycle.health.{name}"
        for name in ("cmd", "interval", "timeout", "start_period", "retries", "disabled")
    }
)


@dataclass(frozen=True)
class Resolved:
    """What a container's create resolved: its record's configuration (the process's
    environment, working directory and user, the mounts made), its image's id ("" for
    a --rootfs container) and which of its volumes are anonymous."""

    image_id: str
    config: ContainerConfig
    anonymous: frozenset[str] = frozenset()  # names of the anonymous volumes


def resolved_keys(resolved: Resolved) -> dict[str, Any]:
    """The SpecGenerator keys of what create resolved (empty values left out)."""
    doc: dict[str, Any] = {}
    if resolved.image_id:
        doc["image"] = resolved.image_id
    config = resolved.config
    env = dict(item.split("=", 1) for item in config.env if "=" in item)
    if config.hostname and env.get("HOSTNAME") == config.hostname:
        del env["HOSTNAME"]  # the runtime's, for this container only (podman's has none)
    if env:
        doc["env"] = env
    if config.workdir:
        doc["work_dir"] = config.workdir
    if config.user:
        doc["user"] = config.user
    mounts, volumes, images = [], [], []
    for m in config.mounts:
        options = [*m.options, *(("ro",) if m.readonly and "ro" not in m.options else ())]
        if m.kind == "volume":
            volume: dict[str, Any] = {"Name": m.name, "Dest": m.destination, "Options": options}
            volume["IsAnonymous"] = m.name in resolved.anonymous
            if m.subpath:
                volume["SubPath"] = m.subpath
            volumes.append(volume)
        elif m.kind == "image":
            image: dict[str, Any] = {
                "Source": m.source,
                "Destination": m.destination,
                "ReadWrite": not m.readonly,
            }
            if m.subpath:
                image["SubPath"] = m.subpath
            images.append(image)
        else:
            # podman's source of a tmpfs or devpts is the file system's name
            mount = {"destination": m.destination, "type": m.kind, "source": m.source or m.kind}
            mounts.append({**mount, "options": options} if options else mount)
    for key, items in (("mounts", mounts), ("volumes", volumes), ("image_volumes", images)):
        if items:
            doc[key] = items
    health = _healthconfig(config)
    if health:
        doc["healthconfig"] = health
    return doc


def _healthconfig(config: ContainerConfig) -> dict[str, Any]:
    """The check the container runs (its flags over its image's), as podman's
    Schema2HealthConfig: Go's field names, durations in nanoseconds, zeros left
    out; ``{"Test": ["NONE"]}`` for --no-healthcheck."""
    from hutch.api.errors import HutchError
    from hutch.engine.specbuild_lifecycle import health_check, health_test

    flags = config.options.lifecycle.health
    if flags.disabled:
        return {"Test": ["NONE"]}
    try:
        check = health_check(flags, config.image_config.healthcheck)
    except HutchError:  # create refused such flags: a record cannot hold them
        return {}
    if check is None or not check.command:
        return {}
    # the Test as recorded (["CMD-SHELL", cmd] for a shell command), not the argv it runs
    test = health_test(flags, config.image_config.healthcheck)
    out: dict[str, Any] = {"Test": list(test) if test else ["CMD", *check.command]}
    for key, seconds in (
        ("StartPeriod", check.start_period),
        ("Interval", check.interval),
        ("Timeout", check.timeout),
    ):
        if seconds:
            out[key] = int(seconds * 1e9)
    if check.retries:
        out["Retries"] = check.retries
    return out
