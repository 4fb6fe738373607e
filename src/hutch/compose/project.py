"""``load_project``: the one entry point of the compose model."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hutch.api.compose import ComposeProjectOptions
from hutch.compose import discovery
from hutch.compose.checks import check
from hutch.compose.finalise import active_services, finalise
from hutch.compose.load import Loader
from hutch.compose.locate import Locator
from hutch.compose.model import Project as Project  # its home; imported from here too
from hutch.compose.swarm import swarm_only_warnings

if TYPE_CHECKING:
    from hutch.compose.modelcache import Probes


def load_project(
    options: ComposeProjectOptions, schema_cache: Path | None = None, probes: Probes | None = None
) -> Project:
    """Find, read, merge, interpolate, validate and normalise; raise ComposeError.

    ``schema_cache``: where the models that passed the schema are remembered (None:
    each file is validated); ``probes``: where every path read or looked for is noted
    (compose/modelcache.py)."""
    files, warnings = discovery.find_files(options.files, options.cwd, options.environ, probes)
    project_dir = discovery.project_directory(options.project_directory, files, options.cwd)
    environ = discovery.environment(
        options.env_files, project_dir, options.cwd, options.environ, probes
    )
    loader = Loader(
        environ, options.environ, options.interpolate, options.read_stdin, schema_cache, probes
    )
    loaded = loader.load_files(files, project_dir)
    data = loaded.data
    if "version" in data:
        warnings.append("the top-level 'version' is obsolete and ignored")
    name = discovery.project_name(options.project_name, environ, data.get("name"), project_dir)
    services = data.get("services") or {}
    profiles = [*options.profiles]
    if not options.profiles and environ.get("COMPOSE_PROFILES"):
        profiles = [p for p in environ["COMPOSE_PROFILES"].split(",") if p]
    enabled = active_services(services, profiles, options.services)
    where = Locator(loaded.docs)
    if probes is not None:  # the env and label files finalise reads
        for service_name in sorted(enabled):
            body = services.get(service_name) or {}
            for entry in body.get("env_file") or ():
                probes.note(entry["path"])
            for path in body.get("label_file") or ():
                probes.note(path)
    model = finalise(data, name, environ, options.environ, enabled, where)
    disabled = set(services) - enabled
    check(model, disabled, where)
    for service_name, service in model["services"].items():
        warnings += swarm_only_warnings(service_name, service)
    every_profile = {p for body in services.values() for p in body.get("profiles") or []}
    return Project(
        name=name,
        working_dir=project_dir,
        config_files=tuple(files),
        model=model,
        all_profiles=tuple(sorted(every_profile)),
        disabled=tuple(sorted(disabled)),
        environment=environ,
        warnings=tuple(warnings),
        locator=where,
    )


def config_hash(service: Mapping[str, Any]) -> str:
    """The hash that decides whether ``up`` recreates a service's containers.

    Scale is left out: changing the number of replicas adds or removes
    containers but does not change the existing ones.
    """
    body = {k: v for k, v in service.items() if k not in ("scale", "deploy")}
    deploy = {k: v for k, v in (service.get("deploy") or {}).items() if k != "replicas"}
    if deploy:
        body["deploy"] = deploy
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()
