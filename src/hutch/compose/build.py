"""A service's ``build`` section -> the engine's ``BuildOptions`` (pure).

The image a service runs is its ``image:`` when given (the build tags it),
else ``PROJECT-SERVICE`` as ``docker compose`` v2 names it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from hutch.api.build import BuildOptions
from hutch.api.build_cache import CacheSource, cache_source
from hutch.api.compose import ComposeBuildOptions
from hutch.compose.translate import ulimit_flags

# the keys of ``build`` hutch implements; any other is refused by name
BUILD_KEYS = {
    "context", "dockerfile", "dockerfile_inline", "args", "target", "labels", "cache_from",
    "cache_to", "secrets", "extra_hosts", "network", "no_cache", "pull", "shm_size", "ulimits",
    "tags", "additional_contexts", "platforms", "entitlements", "privileged", "isolation", "ssh",
}  # fmt: skip
# refused with the reason
BUILD_REASONS = {
    "network": "hutch build's RUN steps have the host's network or none (hutch build "
    "--network host|none), not a named network",
    "platforms": "hutch compose builds one image per service: give one platform (a "
    "multi-platform build is hutch build --platform A --manifest LIST, once per platform)",
    "entitlements": "hutch build grants network.host only (its RUN steps have the host's "
    "network); it has no security.insecure",
    "privileged": "hutch build has no --privileged (RUN steps keep the build's capabilities)",
    "isolation": "it is a Windows setting: on Linux only 'default' is valid",
}
# build.network -> hutch build's --network ("default": hutch's own, the host's)
_NETWORKS = {"host": "host", "none": "none", "default": None}


def image_name(project: str, name: str, service: Mapping[str, Any]) -> str:
    image = service.get("image")
    return str(image) if image else f"{project}-{name}"


def unsupported_build_keys(service: Mapping[str, Any]) -> list[str]:
    build = service.get("build") or {}
    out = [f"build.{k}" for k in build if k not in BUILD_KEYS and not k.startswith("x-")]
    if "network" in build and build["network"] not in _NETWORKS:
        out.append("build.network")
    if len(build.get("platforms") or ()) > 1:
        out.append("build.platforms")
    if any(e != "network.host" for e in build.get("entitlements") or ()):
        out.append("build.entitlements")
    if build.get("privileged"):
        out.append("build.privileged")
    if build.get("isolation", "default") != "default":
        out.append("build.isolation")
    return out


def build_reason(key: str, service: Mapping[str, Any] | None = None) -> str:
    """Why ``build.KEY`` is refused ("" when only its name can be given)."""
    name = key.removeprefix("build.")
    text = BUILD_REASONS.get(name, "")
    value = ((service or {}).get("build") or {}).get(name)
    if name == "network" and value is not None:
        return f"{value!r}: {text}"
    return text


CACHE_KEYS = ("cache_from", "cache_to")


def cache_entries(build: Mapping[str, Any], key: str) -> list[CacheSource]:
    """``build.cache_from``/``cache_to``, read (ValueError: one is malformed; the
    file's load refuses it first, naming its line)."""
    return [cache_source(str(text)) for text in build.get(key) or ()]


def _cache_repositories(build: Mapping[str, Any], key: str) -> tuple[str, ...]:
    return tuple(e.repository for e in cache_entries(build, key) if e.repository)


def build_warnings(name: str, service: Mapping[str, Any]) -> list[str]:
    """What ``build`` accepts but does not do, said once per build: the cache
    entries hutch cannot use (the build goes on without them, as the spec asks)."""
    build = service.get("build") or {}
    return [
        f"service {name!r}: build.{key} {entry.text!r} is ignored: {entry.ignored}"
        for key in CACHE_KEYS
        for entry in cache_entries(build, key)
        if entry.repository is None
    ]


def _secrets(build: Mapping[str, Any], model: Mapping[str, Any]) -> tuple[str, ...]:
    """build.secrets as build's ``--secret id=ID,src=FILE`` (or ``env=VAR``)."""
    out = []
    for ref in build.get("secrets") or ():
        ref = {"source": ref} if isinstance(ref, str) else ref
        source = ref["source"]
        body = (model.get("secrets") or {}).get(source) or {}
        ident = ref.get("target") or source
        if "file" in body:
            out.append(f"id={ident},src={body['file']}")
        elif "environment" in body:
            out.append(f"id={ident},env={body['environment']}")
        else:
            raise ValueError(f"build secret {source!r} needs a file or environment source")
    return tuple(out)


def _pairs(values: Mapping[str, Any]) -> tuple[str, ...]:
    # a key with no value takes the value from the environment, as ``build --build-arg KEY``
    return tuple(k if v is None else f"{k}={v}" for k, v in values.items())


def build_options(
    project: str,
    name: str,
    service: Mapping[str, Any],
    options: ComposeBuildOptions,
    inline_file: str | None = None,
    model: Mapping[str, Any] | None = None,
) -> BuildOptions:
    """``inline_file``: where the caller wrote ``dockerfile_inline`` (it owns the file)."""
    build = service["build"]
    context = str(build.get("context", "."))
    if "dockerfile_inline" in build:
        if inline_file is None:
            raise ValueError("dockerfile_inline needs a file to write it to")
        containerfile = inline_file
    else:
        # the spec: a relative dockerfile is relative to the context
        containerfile = os.path.join(context, str(build.get("dockerfile", "Dockerfile")))
    args = {**(build.get("args") or {})}
    for item in options.build_args:
        key, sep, value = item.partition("=")
        args[key] = value if sep else None
    platforms = build.get("platforms") or ()
    shm = build.get("shm_size")
    return BuildOptions(
        context=context,
        containerfile=containerfile,
        tags=(image_name(project, name, service), *(build.get("tags") or ())),
        build_args=_pairs(args),
        target=build.get("target"),
        no_cache=options.no_cache or bool(build.get("no_cache")),
        cache_from=_cache_repositories(build, "cache_from"),
        cache_to=_cache_repositories(build, "cache_to"),
        pull="always" if options.pull or build.get("pull") else "missing",
        labels=_pairs(build.get("labels") or {}),
        secrets=_secrets(build, model or {}),
        add_hosts=tuple(
            f"{host}:{ip}"
            for host, addresses in (build.get("extra_hosts") or {}).items()
            for ip in (addresses if isinstance(addresses, list) else [addresses])
        ),
        build_contexts=tuple(
            f"{k}={v}" for k, v in (build.get("additional_contexts") or {}).items()
        ),
        platform=platforms[0] if platforms else None,
        network=_NETWORKS.get(str(build.get("network", "default"))),
        shm_size=None if shm is None else str(shm),
        ulimits=ulimit_flags(build.get("ulimits") or {}),
        ssh=tuple(k if v is None else f"{k}={v}" for k, v in (build.get("ssh") or {}).items()),
        quiet=True,
    )
